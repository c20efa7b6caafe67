package org.cbtm.math;

/**
 * Eigendecomposition of a small symmetric matrix by the cyclic Jacobi method (deterministic, accurate to
 * machine precision, O(n^3) per sweep; meant for n of a few hundred at most).
 */
public final class SymmetricEigen {
    /** Eigenvalues in descending order. */
    public final double[] values;
    /** Eigenvectors as columns, row-major {@code n x n}: component {@code i} of vector {@code j} is {@code vectors[i * n + j]}. */
    public final double[] vectors;
    public final int n;

    private SymmetricEigen(int n, double[] values, double[] vectors) {
        this.n = n;
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes the symmetric row-major {@code n x n} matrix {@code a} (not modified). */
    public static SymmetricEigen of(double[] a, int n) {
        if (a.length != n * n) {
            throw new IllegalArgumentException("expected " + n + " x " + n);
        }
        double[] m = a.clone();
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < n; p++) {
                diag += m[p * n + p] * m[p * n + p];
                for (int q = p + 1; q < n; q++) {
                    off += m[p * n + q] * m[p * n + q];
                }
            }
            if (off <= 1e-30 * Math.max(diag, Double.MIN_NORMAL) || off == 0) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = m[p * n + q];
                    if (apq == 0) {
                        continue;
                    }
                    double app = m[p * n + p];
                    double aqq = m[q * n + q];
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    // rotate rows/columns p and q of m
                    for (int k = 0; k < n; k++) {
                        double mkp = m[k * n + p];
                        double mkq = m[k * n + q];
                        m[k * n + p] = c * mkp - s * mkq;
                        m[k * n + q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++) {
                        double mpk = m[p * n + k];
                        double mqk = m[q * n + k];
                        m[p * n + k] = c * mpk - s * mqk;
                        m[q * n + k] = s * mpk + c * mqk;
                    }
                    m[p * n + q] = 0;
                    m[q * n + p] = 0;
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k * n + p];
                        double vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        // sort descending (selection sort on indices; n is small)
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        final double[] mm = m;
        java.util.Arrays.sort(order, (x, y) -> {
            int c = Double.compare(mm[y * n + y], mm[x * n + x]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int j = 0; j < n; j++) {
            int src = order[j];
            values[j] = m[src * n + src];
            for (int i = 0; i < n; i++) {
                vectors[i * n + j] = v[i * n + src];
            }
        }
        return new SymmetricEigen(n, values, vectors);
    }
}
