package org.cbtm.lm.moe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import org.cbtm.lm.gpt.NoGrad;
import org.cbtm.lm.gpt.TorchRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MoeLayerTest {

    static final int D = 8;

    @BeforeAll
    static void engine() {
        org.cbtm.train.TestThreads.single();
        TorchRuntime.engine();
    }

    /** A layer with seeded N(0, 0.3) weights; the router's row e is {@code routerRows[e]} when given. */
    static MoeLayer layer(NDManager m, MoeConfig config, float[][] routerRows) {
        MoeLayer layer = new MoeLayer("h1.moe", D, config);
        SplittableRandom r = new SplittableRandom(5);
        for (Parameter p : layer.getParameters().values()) {
            p.setInitializer((mm, shape, type) -> {
                float[] v = new float[Math.toIntExact(shape.size())];
                if (p.getName().endsWith("router.weight") && routerRows != null) {
                    for (int e = 0; e < routerRows.length; e++) {
                        System.arraycopy(routerRows[e], 0, v, e * D, D);
                    }
                } else {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (0.3 * r.nextGaussian());
                    }
                }
                return mm.create(v, shape).duplicate();
            });
        }
        layer.initialize(m, DataType.FLOAT32, new Shape(1, 4, D));
        return layer;
    }

    /** Token i's input: feature 0 is +1 for even i and -1 for odd i, the rest random. */
    static NDArray inputs(NDManager m, int n) {
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[n * D];
        for (int i = 0; i < n; i++) {
            x[i * D] = i % 2 == 0 ? 1f : -1f;
            for (int j = 1; j < D; j++) {
                x[i * D + j] = (float) r.nextGaussian();
            }
        }
        return m.create(x, new Shape(n, D));
    }

    static Map<String, Parameter> params(MoeLayer layer) {
        Map<String, Parameter> out = new HashMap<>();
        layer.getParameters().values().forEach(p -> out.put(p.getName(), p));
        return out;
    }

    static NDArray expertOutput(MoeLayer layer, int e, NDArray rows) {
        Map<String, Parameter> p = params(layer);
        String s = "h1.moe.e" + e + ".";
        NDArray up = Activation.gelu(Linear.linear(rows, p.get(s + "fc.weight").getArray(), p.get(s + "fc.bias").getArray()).head());
        return Linear.linear(up, p.get(s + "proj.weight").getArray(), p.get(s + "proj.bias").getArray()).head();
    }

    /** Router rows that send even tokens to expert 0 and odd tokens to expert 1 first (feature 0 decides). */
    static float[][] parityRouter(int experts) {
        float[][] rows = new float[experts][D];
        rows[0][0] = 4f;
        rows[1][0] = -4f;
        return rows;
    }

    @Test
    void tokensBeyondCapacityAreDroppedExactlyAndCarriedUnchanged() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); NoGrad ignored = NoGrad.enter()) {
            // 8 tokens, 2 experts, top-2, capacity ceil(0.5 * 8 / 2) = 2 per expert
            MoeConfig cfg = new MoeConfig(2, 2, 0.5, 0.01, 0, MoeConfig.Placement.EVERY);
            MoeLayer layer = layer(m, cfg, parityRouter(2));
            NDArray x = inputs(m, 8);
            MoeTrace trace = new MoeTrace();
            NDArray y = layer.forward(x, true, trace);
            MoeTrace.LayerLoad load = trace.loads().get(0);
            assertEquals(2, load.capacity());
            // first choices: evens -> e0 (tokens 0, 2 kept; 4, 6 dropped), odds -> e1 (1, 3 kept; 5, 7 dropped);
            // second choices find both experts full: all 8 dropped
            assertEquals(12, load.dropped());
            assertArrayEquals(new long[] {4, 4}, load.firstChoice());
            assertArrayEquals(new long[] {2, 2}, load.assigned());
            assertEquals(12 / 16.0, load.droppedFraction(), 1e-12);
            float[] out = y.toFloatArray();
            for (int i = 4; i < 8; i++) {
                for (int j = 0; j < D; j++) {
                    assertEquals(0f, out[i * D + j], "token " + i + " is dropped in both slots: the residual alone carries it");
                }
            }
            // kept tokens: their first-choice gate times that expert's FFN (the second slot was dropped)
            float[] probs = Linear.linear(x, params(layer).get("h1.moe.router.weight").getArray()).head().softmax(1).toFloatArray();
            for (int i = 0; i < 4; i++) {
                int first = i % 2;
                float gate = probs[i * 2 + first] / (probs[i * 2] + probs[i * 2 + 1]);
                float[] f = expertOutput(layer, first, x.get(i).reshape(1, D)).toFloatArray();
                for (int j = 0; j < D; j++) {
                    assertEquals(gate * f[j], out[i * D + j], 1e-5, "token " + i);
                }
            }
            // evaluating drops nothing: each token mixes both experts
            MoeTrace eval = new MoeTrace();
            layer.forward(x, false, eval);
            assertEquals(0, eval.loads().get(0).dropped());
            assertEquals(8, eval.loads().get(0).capacity());
        }
    }

    @Test
    void balancingLossMatchesAHandComputationAndIsOneWhenPerfectlyBalanced() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); NoGrad ignored = NoGrad.enter()) {
            MoeConfig cfg = new MoeConfig(3, 2, 2.0, 1.0, 0, MoeConfig.Placement.EVERY);
            float[][] rows = {{1f, 0.5f, 0, 0, 0, 0, 0, 0}, {-1f, 0, 0.7f, 0, 0, 0, 0, 0}, {0, 0, 0, 0.9f, 0, 0, 0, 0}};
            MoeLayer layer = layer(m, cfg, rows);
            NDArray x = inputs(m, 6);
            MoeTrace trace = new MoeTrace();
            layer.forward(x, true, trace);
            // by hand: softmax of x . rows^T per token, f = argmax counts / n, P = mean probabilities
            float[] xs = x.toFloatArray();
            double[] meanP = new double[3];
            double[] f = new double[3];
            for (int i = 0; i < 6; i++) {
                double[] z = new double[3];
                double max = Double.NEGATIVE_INFINITY;
                for (int e = 0; e < 3; e++) {
                    for (int j = 0; j < D; j++) {
                        z[e] += xs[i * D + j] * rows[e][j];
                    }
                    max = Math.max(max, z[e]);
                }
                double sum = 0;
                int best = 0;
                for (int e = 0; e < 3; e++) {
                    sum += Math.exp(z[e] - max);
                    best = z[e] > z[best] ? e : best;
                }
                for (int e = 0; e < 3; e++) {
                    meanP[e] += Math.exp(z[e] - max) / sum / 6;
                }
                f[best] += 1.0 / 6;
            }
            double expected = 3 * (f[0] * meanP[0] + f[1] * meanP[1] + f[2] * meanP[2]);
            assertEquals(expected, trace.auxLoss().getFloat(), 1e-5);

            // a zero router: every probability 1/E, so E * sum_e f_e / E = 1 whatever the first choices
            MoeLayer flat = layer(m, cfg, new float[3][D]);
            MoeTrace t2 = new MoeTrace();
            flat.forward(x, true, t2);
            assertEquals(1.0, t2.auxLoss().getFloat(), 1e-6);
        }
    }

    @Test
    void gradientsReachTheRouterAndTheChosenExpertsOnly() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            // 4 experts, top-2; experts 2 and 3 are never chosen (their router rows are very negative)
            float[][] rows = parityRouter(4);
            rows[2][1] = -50f;
            rows[3][1] = -50f;
            MoeConfig cfg = new MoeConfig(4, 2, 2.0, 0.01, 0, MoeConfig.Placement.EVERY);
            MoeLayer layer = layer(m, cfg, rows);
            NDArray x = m.create(new float[] {1, 5, 0, 0, 0, 0, 0, 0, -1, 5, 0, 0, 0, 0, 0, 0}, new Shape(2, D));
            for (Parameter p : layer.getParameters().values()) {
                p.getArray().setRequiresGradient(true);
            }
            MoeTrace trace = new MoeTrace();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = layer.forward(x, true, trace);
                gc.backward(y.square().sum().add(trace.auxLoss()));
            }
            Map<String, Parameter> p = params(layer);
            assertTrue(p.get("h1.moe.router.weight").getArray().getGradient().abs().sum().getFloat() > 0, "router gets a gradient");
            for (int e = 0; e < 4; e++) {
                float g = p.get("h1.moe.e" + e + ".fc.weight").getArray().getGradient().abs().sum().getFloat();
                if (e < 2) {
                    assertTrue(g > 0, "chosen expert " + e + " gets a gradient");
                } else {
                    assertEquals(0f, g, "expert " + e + " saw no token");
                }
            }
            assertEquals(8, trace.idleParameters().size(), "the 4 tensors of experts 2 and 3 are idle");
            assertTrue(trace.idleParameters().contains(p.get("h1.moe.e3.proj.bias")));
        }
    }

    @Test
    void topKBreaksTiesTowardsTheLowerExpert() {
        int[] out = new int[3];
        MoeLayer.topK(new float[] {0.2f, 0.4f, 0.4f}, 0, 3, 2, out, 0);
        assertArrayEquals(new int[] {1, 2, 0}, out);
        MoeLayer.topK(new float[] {0.5f, 0.1f, 0.5f, 0.3f}, 0, 4, 3, out, 0);
        assertArrayEquals(new int[] {0, 2, 3}, out);
        MoeLayer.topK(new float[] {0.1f, 0.1f}, 0, 2, 2, out, 0);
        assertArrayEquals(new int[] {0, 1, 3}, out);
    }

    @Test
    void configsOutOfRangeAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> new MoeConfig(0, 1, 2, 0.01, 0, MoeConfig.Placement.EVERY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MoeConfig(4, 5, 2, 0.01, 0, MoeConfig.Placement.EVERY));
        assertTrue(e.getMessage().contains("topK"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MoeConfig(4, 2, 0, 0.01, 0, MoeConfig.Placement.EVERY));
        assertThrows(IllegalArgumentException.class, () -> new MoeConfig(4, 2, 2, -1, 0, MoeConfig.Placement.EVERY));
        assertEquals(4, MoeConfig.upcycling(8).capacity(16));
        assertEquals(3, MoeConfig.upcycling(8).capacity(9)); // ceil(2 * 9 / 8)
    }
}
