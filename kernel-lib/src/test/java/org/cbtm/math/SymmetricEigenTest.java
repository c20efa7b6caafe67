package org.cbtm.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    /** A V = V diag(values), V orthonormal, values descending, to rounding relative to the matrix norm. */
    private static void assertDecomposes(double[] a, int n) {
        SymmetricEigen e = SymmetricEigen.of(a, n);
        double norm = 0;
        for (double x : a) {
            norm = Math.max(norm, Math.abs(x));
        }
        double tol = 1e-12 * Math.max(1, norm) * n;
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                assertTrue(e.values[j] <= e.values[j - 1], "descending");
            }
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) {
                    av += a[i * n + k] * e.vectors[k * n + j];
                }
                assertEquals(e.values[j] * e.vectors[i * n + j], av, tol, "n " + n + " vector " + j);
            }
            for (int q = 0; q < n; q++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += e.vectors[i * n + j] * e.vectors[i * n + q];
                }
                assertEquals(j == q ? 1 : 0, dot, 1e-12 * n);
            }
        }
    }

    @Test
    void randomSymmetricMatrices() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {1, 2, 3, 5, 17, 50, 110}) {
            double[] a = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    a[i * n + j] = r.nextGaussian();
                    a[j * n + i] = a[i * n + j];
                }
            }
            assertDecomposes(a, n);
        }
    }

    @Test
    void gramMatricesDiagonalRepeatedAndZero() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 30;
        double[] b = new double[8 * n]; // rank 8
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextGaussian();
        }
        double[] g = BlockOps.gram(b, 8, n);
        assertDecomposes(g, n);
        SymmetricEigen e = SymmetricEigen.of(g, n);
        assertTrue(e.values[7] > 1e-6 && Math.abs(e.values[8]) < 1e-10 * e.values[0], "rank 8");
        double[] diag = new double[n * n];
        for (int i = 0; i < n; i++) {
            diag[i * n + i] = i % 3; // repeated eigenvalues
        }
        assertDecomposes(diag, n);
        assertEquals(2, SymmetricEigen.of(diag, n).values[0], 0.0);
        assertDecomposes(new double[n * n], n);
        assertEquals(0, SymmetricEigen.of(new double[0], 0).n);
    }
}
