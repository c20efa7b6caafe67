package org.cbtm.cluster;

import org.cbtm.math.DenseKernels;
import org.cbtm.math.DenseMatrix;
import org.cbtm.math.Parallel;
import org.cbtm.math.Vectors;

/**
 * Squared Euclidean distances between rows and centres as {@code ||x||^2 - 2 x.c + ||c||^2} over dense
 * row-major arrays, multithreaded over row blocks. The dot products are one matrix product with the centres
 * transposed ({@code dims x K}) by {@link DenseKernels#multiply} (register-tiled, SIMD when available), a block of
 * rows at a time; the nearest centre is taken from each block while it is still in cache.
 */
public final class Distances {
    /** Rows per product in {@link #nearest}: their dot products ({@code SUB x K}) stay in L1/L2. */
    private static final int SUB = 64;
    /** Rows per parallel block of {@link #all} (fixed: its range reduction does not depend on the thread count). */
    private static final int RANGE_BLOCK = 2048;

    private Distances() {
    }

    static double[] transposeCentres(DenseMatrix c) {
        return c.transpose().data();
    }

    private static void checkDims(DenseMatrix x, DenseMatrix c) {
        if (x.cols() != c.cols()) {
            throw new IllegalArgumentException("points have " + x.cols() + " dimensions, centres " + c.cols());
        }
        if (c.rows() == 0) {
            throw new IllegalArgumentException("no centres");
        }
    }

    /**
     * Nearest centre of every row (ties: the lower index). When {@code minDistance} is not null it receives each
     * row's squared distance to that centre.
     */
    public static int[] nearest(DenseMatrix x, DenseMatrix c, double[] minDistance) {
        checkDims(x, c);
        int n = x.rows();
        int k = c.rows();
        int dims = x.cols();
        double[] ct = transposeCentres(c);
        double[] cc = c.rowSquaredNorms();
        double[] xd = x.data();
        int[] out = new int[n];
        double[] zero = new double[k];
        Parallel.forRows(n, 512, (b, from, to) -> {
            double[] dot = new double[SUB * k];
            for (int i0 = from; i0 < to; i0 += SUB) {
                int rows = Math.min(SUB, to - i0);
                DenseKernels.multiply(xd, i0 * dims, dims, rows, dims, ct, k, false, dot, 0, k);
                for (int r = 0; r < rows; r++) {
                    int o = r * k;
                    for (int j = 0; j < k; j++) {
                        dot[o + j] = cc[j] - 2 * dot[o + j];
                    }
                    int best = DenseKernels.argMinPlus(dot, o, zero, k); // ties: the lower index
                    int i = i0 + r;
                    out[i] = Math.max(best, 0); // -1 only for NaN input
                    if (minDistance != null) {
                        double xx = Vectors.dot(xd, i * dims, xd, i * dims, dims);
                        minDistance[i] = Math.max(0, xx + dot[o + out[i]]);
                    }
                }
            }
        });
        return out;
    }

    /**
     * All squared distances, document-major: {@code result[i * K + j]} = distance of row {@code i} to centre
     * {@code j} (the layout the auction reads).
     */
    public static double[] all(DenseMatrix x, DenseMatrix c) {
        return all(x, c, null);
    }

    /**
     * {@link #all(DenseMatrix, DenseMatrix)}; when {@code range} is not null it receives the smallest and the largest
     * distance ({@code range[0]}, {@code range[1]}), found while each block is in cache (the balanced assignment's
     * eps is a fraction of that range). Non-finite input gives non-finite distances and a non-finite range.
     */
    public static double[] all(DenseMatrix x, DenseMatrix c, double[] range) {
        checkDims(x, c);
        int n = x.rows();
        int k = c.rows();
        int dims = x.cols();
        double[] ct = transposeCentres(c);
        double[] cc = c.rowSquaredNorms();
        double[] xd = x.data();
        double[] out = new double[Math.multiplyExact(n, k)];
        int nb = Parallel.blocks(n, RANGE_BLOCK);
        double[] mins = new double[nb];
        double[] maxs = new double[nb];
        boolean finiteCentres = true;
        for (double v : cc) {
            finiteCentres &= Double.isFinite(v);
        }
        final boolean fc = finiteCentres;
        Parallel.forBlocks(n, RANGE_BLOCK, (b, from, to) -> {
            double[] mm = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            boolean finite = fc;
            for (int i0 = from; i0 < to; i0 += SUB) {
                int rows = Math.min(SUB, to - i0);
                DenseKernels.multiply(xd, i0 * dims, dims, rows, dims, ct, k, false, out, i0 * k, k);
                for (int i = i0; i < i0 + rows; i++) {
                    double xx = Vectors.dot(xd, i * dims, xd, i * dims, dims);
                    finite &= Double.isFinite(xx); // with finite rows and centres every distance is finite
                    int o = i * k;
                    for (int j = 0; j < k; j++) {
                        out[o + j] = Math.max(0, xx - 2 * out[o + j] + cc[j]);
                    }
                }
                if (range != null) {
                    DenseKernels.range(out, i0 * k, rows * k, mm); // the block is still in cache
                }
            }
            mins[b] = finite ? mm[0] : Double.NaN;
            maxs[b] = mm[1];
        });
        if (range != null) {
            double mn = Double.POSITIVE_INFINITY;
            double mx = Double.NEGATIVE_INFINITY;
            for (int b = 0; b < nb; b++) {
                mn = Math.min(mn, mins[b]);
                mx = Math.max(mx, maxs[b]);
            }
            range[0] = mn;
            range[1] = mx;
        }
        return out;
    }
}
