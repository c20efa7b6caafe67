package org.cbtm.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD and scalar kernels against plain sums (to rounding) and against each other (bit for bit), over shapes
 * that exercise every tile and tail: full 4 x 4-vector tiles, partial panels, masked vectors and leftover rows.
 */
class DenseKernelsTest {
    private static final DenseKernels.Impl SCALAR = new ScalarKernels();

    /** The Vector API kernels when this JVM has the module (surefire runs with it), else the scalar ones again. */
    private static DenseKernels.Impl simd() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            return new VectorKernels();
        }
        return SCALAR;
    }

    private static double[] random(SplittableRandom r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble(-1, 1);
        }
        return a;
    }

    @Test
    void surefireRunsTheVectorKernels() {
        // the build passes --add-modules jdk.incubator.vector to the tests; without it this class tests scalar only
        assertTrue(DenseKernels.simd(), DenseKernels.describe());
        assertTrue(simd().lanes() >= 2);
    }

    @Test
    void multiplyMatchesPlainSumsAndScalarBitForBit() {
        SplittableRandom r = new SplittableRandom(5);
        DenseKernels.Impl v = simd();
        int[] widths = {1, 3, 7, 8, 9, 16, 31, 32, 33, 40, 64, 70, 100, 110};
        for (int mc : widths) {
            for (int rows : new int[] {1, 3, 4, 5, 9, 37}) {
                for (boolean upper : new boolean[] {false, true}) {
                    int c = upper ? mc : 1 + r.nextInt(13);
                    int lda = c + r.nextInt(3);
                    int ldo = mc + r.nextInt(3);
                    double[] a = random(r, rows * lda + 2);
                    double[] m = random(r, c * mc);
                    if (upper) {
                        for (int p = 0; p < c; p++) {
                            for (int q = 0; q < p; q++) {
                                m[p * mc + q] = 0;
                            }
                        }
                    }
                    double[] o1 = random(r, rows * ldo + 3);
                    double[] o2 = o1.clone();
                    v.multiply(a, 1, lda, rows, c, m, mc, upper, o1, 2, ldo, null);
                    SCALAR.multiply(a, 1, lda, rows, c, m, mc, upper, o2, 2, ldo, null);
                    for (int i = 0; i < o1.length; i++) {
                        assertEquals(o2[i], o1[i], 0.0, "mc " + mc + " rows " + rows + " at " + i);
                    }
                    for (int i = 0; i < rows; i++) {
                        for (int q = 0; q < mc; q++) {
                            double s = 0;
                            for (int p = 0; p < c; p++) {
                                s += a[1 + i * lda + p] * m[p * mc + q];
                            }
                            assertEquals(s, o1[2 + i * ldo + q], 1e-12);
                        }
                    }
                }
            }
        }
    }

    @Test
    void gramMatchesPlainSumsAndScalarBitForBit() {
        SplittableRandom r = new SplittableRandom(6);
        DenseKernels.Impl v = simd();
        for (int c : new int[] {1, 2, 5, 8, 13, 32, 33, 45, 110}) {
            for (int rows : new int[] {1, 7, 300}) {
                double[] a = random(r, (rows + 2) * c);
                double[] g1 = random(r, c * c);
                double[] g2 = g1.clone();
                double[] g0 = g1.clone();
                v.gramUpper(a, 1, 1 + rows, c, g1);
                SCALAR.gramUpper(a, 1, 1 + rows, c, g2);
                for (int p = 0; p < c; p++) {
                    for (int q = p; q < c; q++) {
                        assertEquals(g2[p * c + q], g1[p * c + q], 0.0, "c " + c + " rows " + rows);
                        double s = g0[p * c + q];
                        for (int i = 1; i < 1 + rows; i++) {
                            s += a[i * c + p] * a[i * c + q];
                        }
                        assertEquals(s, g1[p * c + q], 1e-11);
                    }
                }
            }
        }
        // BlockOps.gram is symmetric and equals A^T A
        double[] a = random(r, 5000 * 7);
        double[] g = BlockOps.gram(a, 5000, 7);
        for (int p = 0; p < 7; p++) {
            for (int q = 0; q < 7; q++) {
                double s = 0;
                for (int i = 0; i < 5000; i++) {
                    s += a[i * 7 + p] * a[i * 7 + q];
                }
                assertEquals(s, g[p * 7 + q], 1e-9);
                assertEquals(g[q * 7 + p], g[p * 7 + q], 0.0);
            }
        }
    }

    @Test
    void sparseRowMatchesPlainSumsAndScalarBitForBit() {
        SplittableRandom r = new SplittableRandom(7);
        DenseKernels.Impl v = simd();
        for (int m : new int[] {1, 5, 8, 20, 32, 33, 100, 110}) {
            for (int nnz : new int[] {0, 1, 6, 40}) {
                int rowsB = 50;
                double[] b = random(r, rowsB * m);
                int[] idx = new int[nnz + 2];
                for (int t = 0; t < idx.length; t++) {
                    idx[t] = r.nextInt(rowsB);
                }
                double[] w = random(r, nnz + 2);
                double[] o1 = random(r, m + 4);
                double[] o2 = o1.clone();
                v.sparseRow(w, idx, 1, 1 + nnz, b, m, o1, 3);
                SCALAR.sparseRow(w, idx, 1, 1 + nnz, b, m, o2, 3);
                for (int i = 0; i < o1.length; i++) {
                    assertEquals(o2[i], o1[i], 0.0);
                }
                for (int q = 0; q < m; q++) {
                    double s = 0;
                    for (int t = 1; t < 1 + nnz; t++) {
                        s += w[t] * b[idx[t] * m + q];
                    }
                    assertEquals(s, o1[3 + q], 1e-12);
                }
            }
        }
    }

    @Test
    void rowScansMatchPlainLoopsAndScalarBitForBit() {
        SplittableRandom r = new SplittableRandom(8);
        DenseKernels.Impl v = simd();
        for (int k : new int[] {1, 2, 3, 7, 8, 9, 16, 31, 32, 33, 40, 64, 65, 100, 130}) {
            for (int trial = 0; trial < 20; trial++) {
                double[] c = random(r, 3 + k + 5);
                double[] p = random(r, k);
                if (trial % 3 == 0 && k > 2) { // ties: the first minimum wins
                    c[3 + k - 1] = c[3 + 1] + p[1] - p[k - 1];
                    c[3] = c[3 + 1] + p[1] - p[0];
                }
                double want = Double.POSITIVE_INFINITY;
                int arg = -1;
                for (int l = 0; l < k; l++) {
                    if (c[3 + l] + p[l] < want) {
                        want = c[3 + l] + p[l];
                        arg = l;
                    }
                }
                assertEquals(want, v.minPlus(c, 3, p, k), 0.0);
                assertEquals(want, SCALAR.minPlus(c, 3, p, k), 0.0);
                assertEquals(arg, v.argMinPlus(c, 3, p, k), "k " + k);
                assertEquals(arg, SCALAR.argMinPlus(c, 3, p, k));
                double thr = r.nextDouble(-1, 1);
                for (int from = 0; from < k; from += 64) {
                    int to = Math.min(k, from + 64);
                    long bits = 0;
                    for (int j = from; j < to; j++) {
                        if (c[3 + j] + p[j] <= thr) {
                            bits |= 1L << (j - from);
                        }
                    }
                    assertEquals(bits, v.atMostPlus(c, 3, p, from, to, thr));
                    assertEquals(bits, SCALAR.atMostPlus(c, 3, p, from, to, thr));
                }
                double eps = r.nextDouble(0, 0.5);
                int words = (k + 63) / 64;
                long[] b1 = new long[words + 1];
                long[] b2 = new long[words + 1];
                assertEquals(arg, v.argMinWithin(c, 3, p, k, eps, b1, 1));
                assertEquals(arg, SCALAR.argMinWithin(c, 3, p, k, eps, b2, 1));
                for (int w = 0; w < words; w++) {
                    long bits = 0;
                    for (int j = w * 64; j < Math.min(k, w * 64 + 64); j++) {
                        if (c[3 + j] + p[j] <= c[3 + arg] + p[arg] + eps) {
                            bits |= 1L << (j - w * 64);
                        }
                    }
                    assertEquals(bits, b1[1 + w], "k " + k);
                    assertEquals(bits, b2[1 + w]);
                }
            }
        }
    }

    @Test
    void distanceKernelsMatchPlainLoopsAndScalarBitForBit() {
        SplittableRandom r = new SplittableRandom(9);
        DenseKernels.Impl v = simd();
        for (int dims : new int[] {1, 5, 8, 13, 100}) {
            double[] a = random(r, 7 * dims + 3);
            double[] n1 = new double[8];
            double[] n2 = new double[8];
            v.squaredNorms(a, 3, dims, 7, dims, n1, 1, 1);
            SCALAR.squaredNorms(a, 3, dims, 7, dims, n2, 1, 1);
            for (int i = 0; i < 7; i++) {
                double s = 0;
                for (int d = 0; d < dims; d++) {
                    s += a[3 + i * dims + d] * a[3 + i * dims + d];
                }
                assertEquals(s, n1[1 + i], 1e-12);
                assertEquals(n2[1 + i], n1[1 + i], 0.0);
            }
        }
        for (int k : new int[] {1, 3, 8, 9, 32, 33, 70}) {
            int rows = 5;
            double[] c = random(r, rows * k + 2);
            c[2 + k - 1] = c[2]; // a tie in the first row: the lower index wins
            double[] add = random(r, rows + 1);
            int[] n1 = new int[rows];
            int[] n2 = new int[rows];
            v.argMinRows(c, 2, rows, k, n1, 0);
            SCALAR.argMinRows(c, 2, rows, k, n2, 0);
            double mn = Double.POSITIVE_INFINITY;
            double mx = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < rows; i++) {
                int best = 0;
                for (int j = 0; j < k; j++) {
                    if (c[2 + i * k + j] < c[2 + i * k + best]) {
                        best = j;
                    }
                    mn = Math.min(mn, c[2 + i * k + j] + add[1 + i]);
                    mx = Math.max(mx, c[2 + i * k + j] + add[1 + i]);
                }
                assertEquals(best, n1[i], "k " + k);
                assertEquals(best, n2[i]);
            }
            double[] m1 = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            double[] m2 = m1.clone();
            v.rowRange(c, 2, k, rows, k, add, 1, 1, m1);
            SCALAR.rowRange(c, 2, k, rows, k, add, 1, 1, m2);
            assertEquals(mn, m1[0], 0.0);
            assertEquals(mx, m1[1], 0.0);
            assertEquals(mn, m2[0], 0.0);
            assertEquals(mx, m2[1], 0.0);
        }
    }

    @Test
    void multiplyWithBiasStartsEveryChainAtTheBias() {
        SplittableRandom r = new SplittableRandom(10);
        DenseKernels.Impl v = simd();
        for (int mc : new int[] {3, 8, 32, 37}) {
            int rows = 6;
            int c = 11;
            double[] a = random(r, rows * c);
            double[] m = random(r, c * mc);
            double[] bias = random(r, mc);
            double[] o1 = new double[rows * mc];
            double[] o2 = new double[rows * mc];
            v.multiply(a, 0, c, rows, c, m, mc, false, o1, 0, mc, bias);
            SCALAR.multiply(a, 0, c, rows, c, m, mc, false, o2, 0, mc, bias);
            for (int i = 0; i < rows; i++) {
                for (int q = 0; q < mc; q++) {
                    double want = bias[q];
                    for (int p = 0; p < c; p++) {
                        want = Math.fma(a[i * c + p], m[p * mc + q], want);
                    }
                    assertEquals(want, o1[i * mc + q], 0.0);
                    assertEquals(want, o2[i * mc + q], 0.0);
                }
            }
        }
    }
}
