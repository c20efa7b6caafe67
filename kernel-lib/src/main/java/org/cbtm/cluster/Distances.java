package org.cbtm.cluster;

import org.cbtm.math.BlockOps;
import org.cbtm.math.DenseMatrix;
import org.cbtm.math.Parallel;

/**
 * Squared Euclidean distances between rows and centres as {@code ||x||^2 - 2 x.c + ||c||^2} over dense
 * row-major arrays, multithreaded over row blocks. The centres are laid out transposed ({@code dims x K}) so the
 * inner loop adds {@code x_d} times a contiguous row of K centre values (a vectorisable axpy).
 */
public final class Distances {
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

    /** {@code acc[j] += x . c_j} for the row at {@code xd[xo..]} ({@code ct} is the centres transposed); returns {@code ||x||^2}. */
    static double accumulate(double[] xd, int xo, int dims, double[] ct, int k, double[] acc) {
        BlockOps.addRowTimes(xd, xo, dims, ct, k, acc, 0, false);
        double xx = 0;
        for (int d = 0; d < dims; d++) {
            double v = xd[xo + d];
            xx += v * v;
        }
        return xx;
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
        Parallel.forRows(n, 512, (b, from, to) -> {
            double[] acc = new double[k];
            for (int i = from; i < to; i++) {
                java.util.Arrays.fill(acc, 0);
                int xo = i * dims;
                double xx = accumulate(xd, xo, dims, ct, k, acc);
                int best = 0;
                double bestD = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double dist = cc[j] - 2 * acc[j];
                    if (dist < bestD) {
                        bestD = dist;
                        best = j;
                    }
                }
                out[i] = best;
                if (minDistance != null) {
                    minDistance[i] = Math.max(0, xx + bestD);
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
        checkDims(x, c);
        int n = x.rows();
        int k = c.rows();
        int dims = x.cols();
        double[] ct = transposeCentres(c);
        double[] cc = c.rowSquaredNorms();
        double[] xd = x.data();
        double[] out = new double[Math.multiplyExact(n, k)];
        Parallel.forRows(n, 512, (b, from, to) -> {
            double[] acc = new double[k];
            for (int i = from; i < to; i++) {
                java.util.Arrays.fill(acc, 0);
                int xo = i * dims;
                double xx = accumulate(xd, xo, dims, ct, k, acc);
                for (int j = 0; j < k; j++) {
                    out[i * k + j] = Math.max(0, xx - 2 * acc[j] + cc[j]);
                }
            }
        });
        return out;
    }
}
