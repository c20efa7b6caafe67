package org.cbtm.math;

/** Tall-skinny dense operations used by the randomized SVD, multithreaded over fixed row blocks. */
public final class BlockOps {
    private static final int BLOCK = 4096;

    private BlockOps() {
    }

    /** {@code A^T A} ({@code c x c}, row-major) of the row-major {@code r x c} matrix {@code a}; deterministic. */
    public static double[] gram(double[] a, int r, int c) {
        int nb = Parallel.blocks(r, BLOCK);
        double[][] partial = new double[nb][];
        Parallel.forBlocks(r, BLOCK, (b, from, to) -> {
            double[] g = new double[c * c];
            int i = from;
            for (; i + 3 < to; i += 4) {
                int o0 = i * c;
                int o1 = o0 + c;
                int o2 = o1 + c;
                int o3 = o2 + c;
                for (int p = 0; p < c; p++) {
                    double x0 = a[o0 + p];
                    double x1 = a[o1 + p];
                    double x2 = a[o2 + p];
                    double x3 = a[o3 + p];
                    int go = p * c;
                    for (int q = p; q < c; q++) {
                        g[go + q] += x0 * a[o0 + q] + x1 * a[o1 + q] + x2 * a[o2 + q] + x3 * a[o3 + q];
                    }
                }
            }
            for (; i < to; i++) {
                int o = i * c;
                for (int p = 0; p < c; p++) {
                    double x = a[o + p];
                    int go = p * c;
                    for (int q = p; q < c; q++) {
                        g[go + q] += x * a[o + q];
                    }
                }
            }
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
        double[] out = new double[r * mc];
        Parallel.forBlocks(r, 1024, (b, from, to) -> {
            for (int i = from; i < to; i++) {
                int ao = i * c;
                int oo = i * mc;
                for (int p = 0; p < c; p++) {
                    double x = a[ao + p];
                    if (x != 0) {
                        int mo = p * mc;
                        for (int q = 0; q < mc; q++) {
                            out[oo + q] += x * m[mo + q];
                        }
                    }
                }
            }
        });
        return out;
    }

    /**
     * Orthonormalises the columns of the row-major {@code r x c} matrix {@code a} (returns a new array): with
     * {@code A^T A = W diag(l) W^T}, {@code Q = A W diag(l)^-1/2}. Directions with {@code l <= relTol * max(l)}
     * (numerically dependent columns) become zero columns. Run twice for full accuracy.
     */
    public static double[] orthonormalize(double[] a, int r, int c, double relTol) {
        SymmetricEigen e = SymmetricEigen.of(gram(a, r, c), c);
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
}
