package org.cbtm.math;

/** Tall-skinny dense operations used by the randomized SVD, multithreaded over fixed row blocks. */
public final class BlockOps {
    private static final int BLOCK = 4096;

    private BlockOps() {
    }

    /**
     * {@code A^T A} ({@code c x c}, row-major) of the row-major {@code r x c} matrix {@code a}; deterministic: each
     * fixed block of rows is one fma chain per entry ({@link DenseKernels#gramUpper}), blocks summed in order.
     */
    public static double[] gram(double[] a, int r, int c) {
        int nb = Parallel.blocks(r, BLOCK);
        double[][] partial = new double[nb][];
        Parallel.forBlocks(r, BLOCK, (b, from, to) -> {
            double[] g = new double[c * c];
            DenseKernels.gramUpper(a, from, to, c, g);
            partial[b] = g;
        });
        double[] g = new double[c * c];
        for (double[] p : partial) {
            for (int k = 0; k < g.length; k++) {
                g[k] += p[k];
            }
        }
        for (int p = 0; p < c; p++) {
            for (int q = 0; q < p; q++) {
                g[p * c + q] = g[q * c + p];
            }
        }
        return g;
    }

    /** {@code A M}: {@code a} is {@code r x c}, {@code m} is {@code c x mc} (both row-major); a new array. */
    public static double[] multiply(double[] a, int r, int c, double[] m, int mc) {
        return multiply(a, r, c, m, mc, false);
    }

    /**
     * {@code out[oo + q] += sum_p a[ao + p] * m[p * mc + q]} for {@code q < mc}: one row of {@code a} (length
     * {@code c}) times the row-major {@code c x mc} matrix {@code m}, four rows of {@code m} per pass so each pass
     * over {@code out} does four multiply-adds. With {@code upper}, {@code m} is upper triangular and only
     * {@code q >= p} is touched. (The library's own products use {@link DenseKernels}, which is much faster.)
     */
    public static void addRowTimes(double[] a, int ao, int c, double[] m, int mc, double[] out, int oo, boolean upper) {
        int p = 0;
        for (; p + 3 < c; p += 4) {
            double x0 = a[ao + p];
            double x1 = a[ao + p + 1];
            double x2 = a[ao + p + 2];
            double x3 = a[ao + p + 3];
            int m0 = p * mc;
            int m1 = m0 + mc;
            int m2 = m1 + mc;
            int m3 = m2 + mc;
            for (int q = upper ? p : 0; q < mc; q++) {
                out[oo + q] += x0 * m[m0 + q] + x1 * m[m1 + q] + x2 * m[m2 + q] + x3 * m[m3 + q];
            }
        }
        for (; p < c; p++) {
            double x = a[ao + p];
            int mo = p * mc;
            for (int q = upper ? p : 0; q < mc; q++) {
                out[oo + q] += x * m[mo + q];
            }
        }
    }

    /**
     * {@code A M} as {@link #multiply(double[], int, int, double[], int)}; with {@code upper} the caller promises that
     * {@code M} is upper triangular and only {@code q >= p} is computed.
     */
    public static double[] multiply(double[] a, int r, int c, double[] m, int mc, boolean upper) {
        double[] out = new double[r * mc];
        Parallel.forBlocks(r, 1024, (b, from, to) ->
                DenseKernels.multiply(a, from * c, c, to - from, c, m, mc, upper, out, from * mc, mc));
        return out;
    }

    /**
     * Orthonormalises the columns of the row-major {@code r x c} matrix {@code a} (returns a new array) by
     * Cholesky QR: {@code A^T A = R^T R}, {@code Q = A R^-1}. When a pivot is not clearly positive (numerically
     * dependent columns) it falls back to the eigendecomposition {@code A^T A = W diag(l) W^T},
     * {@code Q = A W diag(l)^-1/2}, where directions with {@code l <= relTol * max(l)} become zero columns.
     */
    public static double[] orthonormalize(double[] a, int r, int c, double relTol) {
        double[] g = gram(a, r, c);
        double[] rinv = choleskyInverse(g, c, Math.max(relTol, 1e-10));
        if (rinv != null) {
            return multiply(a, r, c, rinv, c, true);
        }
        SymmetricEigen e = SymmetricEigen.of(g, c);
        double max = Math.max(e.values[0], 0);
        double[] m = new double[c * c];
        for (int j = 0; j < c; j++) {
            double l = e.values[j];
            if (l > relTol * max && l > 0) {
                double s = 1 / Math.sqrt(l);
                for (int i = 0; i < c; i++) {
                    m[i * c + j] = e.vectors[i * c + j] * s;
                }
            }
        }
        return multiply(a, r, c, m, c);
    }

    /** {@code R^-1} (upper triangular, row-major) for {@code g = R^T R}, or null when a pivot is below relTol * max diag. */
    static double[] choleskyInverse(double[] g, int c, double relTol) {
        double maxDiag = 0;
        for (int j = 0; j < c; j++) {
            maxDiag = Math.max(maxDiag, g[j * c + j]);
        }
        if (!(maxDiag > 0)) {
            return null;
        }
        double[] rr = new double[c * c]; // upper: rr[i*c+j], i <= j
        for (int j = 0; j < c; j++) {
            for (int i = 0; i <= j; i++) {
                double s = g[i * c + j];
                for (int t = 0; t < i; t++) {
                    s -= rr[t * c + i] * rr[t * c + j];
                }
                if (i == j) {
                    if (!(s > relTol * maxDiag)) {
                        return null;
                    }
                    rr[j * c + j] = Math.sqrt(s);
                } else {
                    rr[i * c + j] = s / rr[i * c + i];
                }
            }
        }
        // invert the upper triangular R by back substitution, column by column
        double[] inv = new double[c * c];
        for (int j = 0; j < c; j++) {
            inv[j * c + j] = 1 / rr[j * c + j];
            for (int i = j - 1; i >= 0; i--) {
                double s = 0;
                for (int t = i + 1; t <= j; t++) {
                    s += rr[i * c + t] * inv[t * c + j];
                }
                inv[i * c + j] = -s / rr[i * c + i];
            }
        }
        return inv;
    }
}
