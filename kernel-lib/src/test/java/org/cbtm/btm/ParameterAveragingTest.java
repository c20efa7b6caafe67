package org.cbtm.btm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.train.Checkpoint;

class ParameterAveragingTest {

    static final GptConfig MODEL = new GptConfig(20, 1, 16, 2, 8, 0.0);

    /** Random weights of the test architecture (no native engine needed). */
    static GptWeights random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> t = new LinkedHashMap<>();
        for (var e : Gpt.parameterShapes(MODEL).entrySet()) {
            float[] v = new float[(int) e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian() * 0.3f;
            }
            t.put(e.getKey(), v);
        }
        return new GptWeights(MODEL, t);
    }

    static Path write(GptWeights w, Path file) {
        return Checkpoint.derived(w, null, 100, "test model").write(file);
    }

    @Test
    void averagingIdenticalModelsIsTheIdentity(@TempDir Path dir) {
        GptWeights w = random(1);
        Path a = write(w, dir.resolve("a.ckpt"));
        for (double[] weights : List.of(new double[] {0.5, 0.5, 0.0}, new double[] {0.2, 0.3, 0.5},
                ParameterAveraging.uniform(3))) {
            Path out = ParameterAveraging.write(List.of(a, a, a), weights, dir.resolve("avg-" + weights[0] + "-"
                    + weights[1] + ".ckpt"), "identity");
            Checkpoint avg = Checkpoint.read(out);
            assertTrue(avg.weights().maxAbsDifference(w) <= 1e-7, "max difference "
                    + avg.weights().maxAbsDifference(w) + " for weights " + java.util.Arrays.toString(weights));
            assertNull(avg.optimizer(), "an average has no optimiser state");
        }
    }

    @Test
    void oneHotWeightsReturnThatModel(@TempDir Path dir) {
        List<GptWeights> models = List.of(random(1), random(2), random(3));
        List<Path> files = List.of(write(models.get(0), dir.resolve("0.ckpt")), write(models.get(1), dir.resolve("1.ckpt")),
                write(models.get(2), dir.resolve("2.ckpt")));
        for (int j = 0; j < 3; j++) {
            double[] w = new double[3];
            w[j] = 1;
            Checkpoint avg = Checkpoint.read(ParameterAveraging.write(files, w, dir.resolve("hot-" + j + ".ckpt"), "one-hot"));
            assertTrue(avg.weights().sameValues(models.get(j)), "one-hot on model " + j);
            assertFalse(avg.weights().sameValues(models.get((j + 1) % 3)));
        }
        // and a real mixture is the weighted sum, tensor by tensor
        Checkpoint mixed = Checkpoint.read(ParameterAveraging.write(files, new double[] {0.5, 0.25, 0.25},
                dir.resolve("mixed.ckpt"), "mixed"));
        String name = models.get(0).tensors().keySet().iterator().next();
        float[] got = mixed.weights().tensor(name);
        for (int i = 0; i < got.length; i++) {
            double want = 0.5 * models.get(0).tensor(name)[i] + 0.25 * models.get(1).tensor(name)[i]
                    + 0.25 * models.get(2).tensor(name)[i];
            assertEquals(want, got[i], 1e-6);
        }
    }

    @Test
    void refusesBadWeightsAndAnotherAverageInTheSameFile(@TempDir Path dir) {
        Path a = write(random(1), dir.resolve("a.ckpt"));
        Path b = write(random(2), dir.resolve("b.ckpt"));
        assertThrows(IllegalArgumentException.class,
                () -> ParameterAveraging.write(List.of(a, b), new double[] {0.7, 0.7}, dir.resolve("x.ckpt"), "bad"));
        assertThrows(IllegalArgumentException.class,
                () -> ParameterAveraging.write(List.of(a, b), new double[] {1.5, -0.5}, dir.resolve("x.ckpt"), "bad"));
        assertThrows(IllegalArgumentException.class,
                () -> ParameterAveraging.write(List.of(a, b), new double[] {1.0}, dir.resolve("x.ckpt"), "bad"));
        Path out = ParameterAveraging.write(List.of(a, b), new double[] {0.5, 0.5}, dir.resolve("avg.ckpt"), "half");
        assertEquals(out, ParameterAveraging.write(List.of(a, b), new double[] {0.5, 0.5}, out, "half"), "found again");
        var e = assertThrows(IllegalStateException.class,
                () -> ParameterAveraging.write(List.of(a, b), new double[] {0.25, 0.75}, out, "half"));
        assertTrue(e.getMessage().contains("another average"), e.getMessage());
    }
}
