package org.cbtm.math;

import java.util.Arrays;

/**
 * Eigendecomposition of a small symmetric matrix: Householder reduction to tridiagonal form, then the implicit QL
 * method with Wilkinson shifts (the EISPACK routines tred2 and tql2, as in JAMA). Deterministic, backward stable,
 * about {@code 9 n^3} flops, against {@code ~30 n^3} for the cyclic Jacobi method this class used before (the SVD
 * of the embedder decomposes a 110 x 110 Gram matrix). Meant for n of a few hundred at most.
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

    /** Decomposes the symmetric row-major {@code n x n} matrix {@code a} (not modified; the upper triangle is read). */
    public static SymmetricEigen of(double[] a, int n) {
        if (a.length != n * n) {
            throw new IllegalArgumentException("expected " + n + " x " + n);
        }
        if (n == 0) {
            return new SymmetricEigen(0, new double[0], new double[0]);
        }
        // z holds the transformation as rows (z[i][*] = row i of the n x n matrix V^T ... see tred2): work on a copy
        // as an array of rows so that the inner loops run over contiguous memory
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                v[i][j] = i <= j ? a[i * n + j] : a[j * n + i];
            }
        }
        double[] d = new double[n];
        double[] e = new double[n];
        tred2(v, d, e, n);
        tql2(v, d, e, n);
        // descending order, ties by index
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> {
            int c = Double.compare(d[y], d[x]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int j = 0; j < n; j++) {
            int src = order[j];
            values[j] = d[src];
            for (int i = 0; i < n; i++) {
                vectors[i * n + j] = v[i][src];
            }
        }
        return new SymmetricEigen(n, values, vectors);
    }

    /** Householder tridiagonalisation: on return d is the diagonal, e (from index 1) the subdiagonal, v the transform. */
    private static void tred2(double[][] v, double[] d, double[] e, int n) {
        System.arraycopy(v[n - 1], 0, d, 0, n);
        for (int i = n - 1; i > 0; i--) {
            double scale = 0.0;
            double h = 0.0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0.0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                    v[j][i] = 0.0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) {
                    g = -g;
                }
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) {
                    e[j] = 0.0;
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0.0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) {
                        v[k][j] -= (f * e[k] + g * d[k]);
                    }
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                }
            }
            d[i] = h;
        }
        // accumulate the transformations
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1.0;
            double h = d[i + 1];
            if (h != 0.0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[k][i + 1] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = 0.0;
                    for (int k = 0; k <= i; k++) {
                        g += v[k][i + 1] * v[k][j];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[k][j] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[k][i + 1] = 0.0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0.0;
        }
        v[n - 1][n - 1] = 1.0;
        e[0] = 0.0;
    }

    /** Implicit QL iterations on the tridiagonal (d, e), accumulating the rotations into v. */
    private static void tql2(double[][] v, double[] d, double[] e, int n) {
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0.0;
        double f = 0.0;
        double tst1 = 0.0;
        double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n) {
                if (Math.abs(e[m]) <= eps * tst1) {
                    break;
                }
                m++;
            }
            if (m == n) {
                m = n - 1;
            }
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > 300) {
                        throw new ArithmeticException("symmetric eigendecomposition did not converge");
                    }
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Math.hypot(p, 1.0);
                    if (p < 0) {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) {
                        d[i] -= h;
                    }
                    f += h;
                    p = d[m];
                    double c = 1.0;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0.0;
                    double s2 = 0.0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        for (int k = 0; k < n; k++) {
                            double[] vk = v[k];
                            h = vk[i + 1];
                            vk[i + 1] = s * vk[i] + c * h;
                            vk[i] = c * vk[i] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] = d[l] + f;
            e[l] = 0.0;
        }
    }
}
