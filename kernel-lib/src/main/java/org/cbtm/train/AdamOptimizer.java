package org.cbtm.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.NoGrad;

/**
 * Adam / AdamW written as in-place NDArray updates, so that its moments are ours to checkpoint and to copy into
 * a branch (DJL's optimisers keep their state private and do not save it). The update is PyTorch's
 * ({@code torch.optim.Adam} / {@code AdamW}, single-tensor form):
 *
 * <pre>
 *   AdamW: p *= 1 - lr wd            Adam: g += wd p           (matrices and embeddings only)
 *   m = b1 m + (1 - b1) g            v = b2 v + (1 - b2) g^2
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * (computed as {@code p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps sqrt(1 - b2^t))}, the same
 * value with one pass over the tensors fewer).
 *
 * Gradients are clipped to a global L2 norm first ({@code torch.nn.utils.clip_grad_norm_}: scale by
 * {@code min(1, max / (norm + 1e-6))}), computed on the device without a host round trip, and zeroed after the
 * update. Call {@link #step} outside the GradientCollector; it runs with autograd off.
 */
public final class AdamOptimizer implements AutoCloseable {

    private final List<Parameter> params;
    private final boolean[] decays;
    private final TrainConfig config;
    private final NDManager manager;
    private final List<NDArray> first = new ArrayList<>();
    private final List<NDArray> second = new ArrayList<>();
    private final Gpt mixed; // a model whose passes run on 16-bit copies (null: the parameters take the gradients)
    private long updates;

    /** Fresh (zero) moments for {@code params}, held in a sub-manager of {@code parent}. */
    public AdamOptimizer(List<Parameter> params, NDManager parent, TrainConfig config) {
        this(params, parent, config, null);
    }

    /** Moments restored from {@code state} (null: fresh zeros). */
    public AdamOptimizer(List<Parameter> params, NDManager parent, TrainConfig config, AdamState state) {
        this(params, parent, config, state, null);
    }

    /**
     * For a model in a mixed {@link org.cbtm.lm.gpt.Precision} ({@code mixed}, null for FP32): the gradients are read
     * from its 16-bit copies and lifted to float32, the update goes to the float32 parameters (master weights) and
     * moments, and the copies are recast after it.
     */
    public AdamOptimizer(List<Parameter> params, NDManager parent, TrainConfig config, AdamState state, Gpt mixed) {
        this.mixed = mixed != null && mixed.precision().mixed() ? mixed : null;
        this.params = List.copyOf(params);
        this.config = config;
        this.manager = parent.newSubManager();
        this.decays = new boolean[params.size()];
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            decays[i] = p.getShape().dimension() >= 2;
            if (state == null) {
                first.add(manager.zeros(p.getShape()));
                second.add(manager.zeros(p.getShape()));
            } else {
                first.add(restore(state.first(), p));
                second.add(restore(state.second(), p));
            }
        }
        updates = state == null ? 0 : state.updates();
    }

    private NDArray restore(Map<String, float[]> moments, Parameter p) {
        float[] values = moments.get(p.getName());
        if (values == null || values.length != p.getShape().size()) {
            throw new IllegalArgumentException("optimiser state does not match parameter " + p.getName() + " " + p.getShape());
        }
        try (NDArray wrapped = manager.create(values, p.getShape())) {
            return wrapped.duplicate(); // owned native memory (see Gpt.ownedCopy)
        }
    }

    /** Number of updates applied (Adam's t). */
    public long updates() {
        return updates;
    }

    /**
     * Clips the gradients, applies one update at learning rate {@code lr} and zeroes the gradients. Temporary
     * arrays belong to the caller's NDScope.
     */
    public void step(double lr) {
        step(lr, Set.of());
    }

    /**
     * {@link #step(double)}, leaving the parameters in {@code idle} exactly as they are (no decay, no moment
     * update): the experts of an MoE layer that received no token in this step, whose zero gradients PyTorch
     * would skip (djl-notes). Adam's bias correction uses the one update count of the optimiser, where PyTorch
     * counts per tensor: an expert idle in some steps gets a slightly different step size than in PyTorch.
     */
    public void step(double lr, Set<Parameter> idle) {
        try (NoGrad ignored = NoGrad.enter()) {
            List<NDArray> grads = new ArrayList<>(params.size());
            for (Parameter p : params) {
                grads.add(mixed == null ? p.getArray().getGradient()
                        : mixed.gradientHolder(p).getGradient().toType(DataType.FLOAT32, true));
            }
            if (config.clipNorm() > 0) {
                clipGlobalNorm(grads, config.clipNorm());
            }
            updates++;
            double b1 = config.beta1();
            double b2 = config.beta2();
            double bc1 = 1 - Math.pow(b1, updates);
            double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, updates));
            // lr/bc1 * m / (sqrt(v)/bc2Sqrt + eps) == (lr*bc2Sqrt/bc1) * m / (sqrt(v) + eps*bc2Sqrt): one pass fewer
            double stepSize = lr * bc2Sqrt / bc1;
            double epsHat = config.eps() * bc2Sqrt;
            double wd = config.weightDecay();
            boolean decoupled = config.optimizer() == TrainConfig.Optimizer.ADAMW;
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i).getArray();
                NDArray holder = mixed == null ? p : mixed.gradientHolder(params.get(i));
                if (idle.contains(params.get(i))) {
                    JniUtils.zeroGrad((PtNDArray) holder);
                    continue;
                }
                NDArray g = grads.get(i);
                if (wd > 0 && decays[i]) {
                    if (decoupled) {
                        p.muli(1 - lr * wd);
                    } else {
                        g = g.add(p.mul(wd));
                    }
                }
                NDArray m = first.get(i).muli(b1).addi(g.mul(1 - b1));
                NDArray v = second.get(i).muli(b2).addi(g.square().muli(1 - b2));
                p.subi(m.div(v.sqrt().addi(epsHat)).muli(stepSize));
                JniUtils.zeroGrad((PtNDArray) holder);
            }
            if (mixed != null) {
                mixed.refreshComputeCopies(); // the old copies (and their gradients) are closed
            }
        }
    }

    /** Scales {@code grads} in place so that their global L2 norm is at most {@code maxNorm}; returns the norm before. */
    static NDArray clipGlobalNorm(List<NDArray> grads, double maxNorm) {
        NDArray sumSq = null;
        for (NDArray g : grads) {
            NDArray s = g.norm().square(); // norm: one pass over the gradient
            sumSq = sumSq == null ? s : sumSq.addi(s);
        }
        NDArray norm = sumSq.sqrt();
        NDArray scale = norm.add(1e-6).pow(-1).muli(maxNorm).minimum(1.0);
        for (NDArray g : grads) {
            g.muli(scale);
        }
        return norm;
    }

    /** A host copy of the moments and the update count. */
    public AdamState state() {
        Map<String, float[]> m = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).getName();
            m.put(name, first.get(i).toFloatArray());
            v.put(name, second.get(i).toFloatArray());
        }
        return new AdamState(updates, m, v);
    }

    @Override
    public void close() {
        manager.close();
    }
}
