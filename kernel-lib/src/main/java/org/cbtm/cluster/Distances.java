package org.cbtm.cluster;

import org.cbtm.math.DenseKernels;
import org.cbtm.math.DenseMatrix;
import org.cbtm.math.Parallel;
import org.cbtm.math.Vectors;

/**
 * Squared Euclidean distances between rows and centres as {@code ||x||^2 - 2 x.c + ||c||^2} over dense row-major
 * arrays, multithreaded over row blocks. The part that depends on the centre, {@code ||c||^2 - 2 x.c}, is one matrix
 * product with bias ({@link DenseKernels#multiply(double[], int, int, int, int, double[], int, boolean, double[], int,
 * int, double[])}: the centres transposed and scaled by -2, each chain starting at {@code ||c||^2}), register-tiled
 * and SIMD when available; the nearest centre is taken from each block of rows while it is in cache.
 */
public final class Distances {
    /** Rows per product in {@link #nearest}: their costs ({@code SUB x K}) stay in L1/L2. */
    private static final int SUB = 64;
    /** Rows per parallel block of {@link #reduced} (fixed: its range reduction does not depend on the thread count). */
    private static final int RANGE_BLOCK = 2048;

    private Distances() {
    }

    /** The centres transposed ({@code dims x K}) and multiplied by -2 (exact). */
    private static double[] minusTwoTransposed(DenseMatrix c) {
        double[] t = c.transpose().data();
        for (int i = 0; i < t.length; i++) {
            t[i] *= -2;
        }
        return t;
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
        double[] m = minusTwoTransposed(c);
        double[] cc = c.rowSquaredNorms();
        double[] xd = x.data();
        int[] out = new int[n];
        Parallel.forRows(n, 512, (b, from, to) -> {
            double[] cost = new double[SUB * k];
            double[] xx = minDistance == null ? null : new double[SUB];
            for (int i0 = from; i0 < to; i0 += SUB) {
                int rows = Math.min(SUB, to - i0);
                DenseKernels.multiply(xd, i0 * dims, dims, rows, dims, m, k, false, cost, 0, k, cc);
                DenseKernels.argMinRows(cost, 0, rows, k, out, i0);
                if (minDistance != null) {
                    DenseKernels.squaredNorms(xd, i0 * dims, dims, rows, dims, xx, 0, 1);
                    for (int r = 0; r < rows; r++) {
                        minDistance[i0 + r] = Math.max(0, xx[r] + cost[r * k + out[i0 + r]]);
                    }
                }
            }
        });
        return out;
    }

    /**
     * The squared distances less each row's squared norm, document-major: {@code result[i * K + j] = ||c_j||^2 - 2
     * x_i . c_j}. Per row they differ from the distances by a constant, so they have the same nearest centre and the
     * same balanced assignments (the total changes by the sum of the norms), at the cost of one product.
     * {@code rowNorms} (when not null) receives {@code ||x_i||^2}; {@code range} (when not null) the smallest and the
     * largest squared distance (each at least 0), or NaN when a row or a centre is not finite.
     */
    public static double[] reduced(DenseMatrix x, DenseMatrix c, double[] rowNorms, double[] range) {
        checkDims(x, c);
        double[] out = new double[Math.multiplyExact(x.rows(), c.rows())];
        double[] xx = rowNorms != null ? rowNorms : range != null ? new double[x.rows()] : null;
        reducedInto(x, c, 0, 1, out, xx, range);
        return out;
    }

    /**
     * {@link #reduced} for the rows {@code first, first + step, ...} only, written at their places of {@code out}
     * ({@code N x K}) and {@code rowNorms} (when not null; required with {@code range}); {@code range} covers those
     * rows. Lets a caller start on a sample of the rows before the others are done.
     */
    public static void reducedInto(DenseMatrix x, DenseMatrix c, int first, int step, double[] out, double[] rowNorms,
                                   double[] range) {
        reducedInto(x, c, first, step, out, rowNorms, false, range);
    }

    /**
     * As {@link #reducedInto(DenseMatrix, DenseMatrix, int, int, double[], double[], double[])}; with
     * {@code normsKnown} the caller's {@code rowNorms} already hold {@code ||x_i||^2} (e.g. from
     * {@link #rowNorms}, computed once for all the E-steps of a fit) and are only read.
     */
    static void reducedInto(DenseMatrix x, DenseMatrix c, int first, int step, double[] out, double[] rowNorms,
                            boolean normsKnown, double[] range) {
        checkDims(x, c);
        int n = x.rows();
        int k = c.rows();
        int dims = x.cols();
        if (out.length != (long) n * k || first < 0 || step < 1 || (range != null && rowNorms == null)) {
            throw new IllegalArgumentException("reducedInto: out must be N x K, first >= 0, step >= 1, norms for a range");
        }
        int count = first >= n ? 0 : (n - first + step - 1) / step;
        double[] m = minusTwoTransposed(c);
        double[] cc = c.rowSquaredNorms();
        double[] xd = x.data();
        int nb = Parallel.blocks(count, RANGE_BLOCK);
        double[] mins = new double[nb];
        double[] maxs = new double[nb];
        boolean finiteCentres = true;
        for (double v : cc) {
            finiteCentres &= Double.isFinite(v);
        }
        final boolean fc = finiteCentres;
        Parallel.forBlocks(count, RANGE_BLOCK, (b, from, to) -> {
            double[] mm = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            boolean finite = fc;
            for (int t0 = from; t0 < to; t0 += SUB) {
                int rows = Math.min(SUB, to - t0);
                int i0 = first + t0 * step; // rows i0, i0 + step, ...
                DenseKernels.multiply(xd, i0 * dims, step * dims, rows, dims, m, k, false, out, i0 * k, step * k, cc);
                if (rowNorms != null && !normsKnown) {
                    DenseKernels.squaredNorms(xd, i0 * dims, step * dims, rows, dims, rowNorms, i0, step);
                }
                if (range != null) {
                    for (int r = 0; r < rows; r++) {
                        finite &= Double.isFinite(rowNorms[i0 + r * step]); // finite rows and centres: finite costs
                    }
                    DenseKernels.rowRange(out, i0 * k, step * k, rows, k, rowNorms, i0, step, mm); // still in cache
                }
            }
            mins[b] = finite ? mm[0] : Double.NaN;
            maxs[b] = finite ? mm[1] : Double.NaN;
        });
        if (range != null) {
            double mn = Double.POSITIVE_INFINITY;
            double mx = Double.NEGATIVE_INFINITY;
            for (int b = 0; b < nb; b++) {
                mn = Math.min(mn, mins[b]);
                mx = Math.max(mx, maxs[b]);
            }
            // the distances are clamped at 0 (rounding can make ||x||^2 - 2 x.c + ||c||^2 slightly negative)
            range[0] = Math.max(0, mn);
            range[1] = Math.max(0, mx);
        }
    }

    /** {@code ||x_i||^2} of every row (the order of {@link DenseKernels#squaredNorms}), in parallel blocks. */
    public static double[] rowNorms(DenseMatrix x) {
        int n = x.rows();
        int dims = x.cols();
        double[] xd = x.data();
        double[] out = new double[n];
        Parallel.forBlocks(n, RANGE_BLOCK, (b, from, to) ->
                DenseKernels.squaredNorms(xd, from * dims, dims, to - from, dims, out, from, 1));
        return out;
    }

    /**
     * All squared distances, document-major: {@code result[i * K + j]} = distance of row {@code i} to centre
     * {@code j} (at least 0).
     */
    public static double[] all(DenseMatrix x, DenseMatrix c) {
        int n = x.rows();
        int k = c.rows();
        double[] xx = new double[n];
        double[] out = reduced(x, c, xx, null);
        Parallel.forRows(n, 1024, (b, from, to) -> {
            for (int i = from; i < to; i++) {
                double a = xx[i];
                int o = i * k;
                for (int j = 0; j < k; j++) {
                    out[o + j] = Math.max(0, a + out[o + j]);
                }
            }
        });
        return out;
    }
}
