package org.cbtm.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.cbtm.math.DenseMatrix;
import org.junit.jupiter.api.Test;

class DocumentMapTest {

    @Test
    void documentMapProjectsOnThePrincipalPlaneAndSamples() {
        // points on a tilted plane in 5-d plus tiny noise: two components hold almost all the variance
        SplittableRandom r = new SplittableRandom(3);
        int n = 300;
        double[] data = new double[n * 5];
        for (int i = 0; i < n; i++) {
            double u = r.nextGaussian() * 3;
            double v = r.nextGaussian();
            double[] row = {u + v, u - v, 2 * u, v, 0};
            for (int j = 0; j < 5; j++) {
                data[i * 5 + j] = row[j] + r.nextGaussian() * 1e-3;
            }
        }
        DenseMatrix x = new DenseMatrix(n, 5, data);
        DocumentMap all = DocumentMap.pca(x, 1000, 1);
        assertEquals(n, all.size());
        assertTrue(all.varianceShare()[0] + all.varianceShare()[1] > 0.999);
        assertTrue(all.varianceShare()[0] >= all.varianceShare()[1]);
        DocumentMap some = DocumentMap.pca(x, 50, 1);
        assertEquals(50, some.size());
        for (int i = 1; i < some.size(); i++) {
            assertTrue(some.index()[i] > some.index()[i - 1], "sorted and distinct");
        }
        assertArrayEquals(some.index(), DocumentMap.pca(x, 50, 1).index(), "deterministic for a seed");
        assertArrayEquals(some.x(), DocumentMap.pca(x, 50, 1).x());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("d" + i);
        }
        assertEquals("d" + some.index()[3], some.pick(names)[3]);
        int[] clusters = new int[n];
        clusters[some.index()[0]] = 7;
        assertEquals("7", some.pick(clusters)[0]);
        assertThrows(IllegalArgumentException.class, () -> DocumentMap.pca(x.rowRange(0, 2), 10, 1));
    }
}
