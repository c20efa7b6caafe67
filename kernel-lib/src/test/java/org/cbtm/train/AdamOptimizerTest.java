package org.cbtm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our Adam / AdamW against a double-precision reference of torch.optim.Adam(W) with clip_grad_norm_. */
class AdamOptimizerTest {

    @BeforeAll
    static void oneThread() {
        TestThreads.single();
    }

    @Test
    void adamWithL2AndClippingMatchesTheReference() {
        check(TrainConfig.reference(64 * 10, 4, 16, 1e-2).withOptimizer(TrainConfig.Optimizer.ADAM, 0.9, 0.95, 1e-6, 0.1)
                .withClipNorm(0.05));
    }

    @Test
    void adamWMatchesTheReference() {
        check(TrainConfig.reference(64 * 10, 4, 16, 1e-2).withOptimizer(TrainConfig.Optimizer.ADAMW, 0.8, 0.99, 1e-8, 0.1)
                .withClipNorm(0));
    }

    private void check(TrainConfig cfg) {
        GptConfig mc = new GptConfig(20, 1, 16, 2, 8, 0);
        try (Gpt gpt = Gpt.create(mc, Device.cpu(), 5); AdamOptimizer opt = new AdamOptimizer(gpt.parameters(), gpt.manager(), cfg)) {
            List<Parameter> params = gpt.parameters();
            List<double[]> p = new ArrayList<>();
            List<double[]> m = new ArrayList<>();
            List<double[]> v = new ArrayList<>();
            for (Parameter q : params) {
                p.add(toDouble(q.getArray().toFloatArray()));
                m.add(new double[p.get(p.size() - 1).length]);
                v.add(new double[p.get(p.size() - 1).length]);
            }
            long[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
            long[] y = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
            for (int t = 1; t <= 3; t++) {
                List<double[]> grads = new ArrayList<>();
                try (NDScope scope = new NDScope()) {
                    NDArray xi = gpt.manager().create(x, new Shape(2, 8));
                    NDArray yi = gpt.manager().create(y, new Shape(2, 8));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(gpt.loss(xi, yi, true));
                    }
                    for (Parameter q : params) {
                        grads.add(toDouble(q.getArray().getGradient().toFloatArray()));
                    }
                    double lr = cfg.learningRate(t - 1);
                    opt.step(lr);
                    scope.suppressNotUsedWarning();
                    reference(cfg, lr, t, params, p, m, v, grads);
                }
                double worst = 0;
                for (int i = 0; i < params.size(); i++) {
                    float[] got = params.get(i).getArray().toFloatArray();
                    for (int j = 0; j < got.length; j++) {
                        worst = Math.max(worst, Math.abs(got[j] - p.get(i)[j]));
                    }
                }
                assertTrue(worst < 2e-6, "step " + t + ": largest difference from the reference " + worst);
            }
            assertEquals(3, opt.updates());
            AdamState state = opt.state();
            float[] m0 = state.first().get(params.get(2).getName());
            assertEquals(m.get(2)[0], m0[0], 1e-6);
        }
    }

    /** torch.nn.utils.clip_grad_norm_ then torch.optim.Adam / AdamW (decay on matrices only), in double. */
    private static void reference(TrainConfig cfg, double lr, int t, List<Parameter> params, List<double[]> p,
                                  List<double[]> m, List<double[]> v, List<double[]> grads) {
        double scale = 1;
        if (cfg.clipNorm() > 0) {
            double sq = 0;
            for (double[] g : grads) {
                for (double x : g) {
                    sq += x * x;
                }
            }
            scale = Math.min(1, cfg.clipNorm() / (Math.sqrt(sq) + 1e-6));
        }
        double b1 = cfg.beta1();
        double b2 = cfg.beta2();
        for (int i = 0; i < params.size(); i++) {
            boolean decays = params.get(i).getShape().dimension() >= 2 && cfg.weightDecay() > 0;
            double[] w = p.get(i);
            for (int j = 0; j < w.length; j++) {
                double g = grads.get(i)[j] * scale;
                if (decays && cfg.optimizer() == TrainConfig.Optimizer.ADAMW) {
                    w[j] *= 1 - lr * cfg.weightDecay();
                } else if (decays) {
                    g += cfg.weightDecay() * w[j];
                }
                m.get(i)[j] = b1 * m.get(i)[j] + (1 - b1) * g;
                v.get(i)[j] = b2 * v.get(i)[j] + (1 - b2) * g * g;
                double denom = Math.sqrt(v.get(i)[j]) / Math.sqrt(1 - Math.pow(b2, t)) + cfg.eps();
                w[j] -= lr / (1 - Math.pow(b1, t)) * m.get(i)[j] / denom;
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
