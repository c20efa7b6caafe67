package org.cbtm.lm.moe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A mixture-of-experts feed-forward layer (methods 4): E expert FFNs of the dense model's shape
 * ({@code proj(gelu(fc(x)))}, 4x wide) and a linear router d -> E without bias.
 *
 * <pre>
 *   p = softmax(router(x))                      in fp32, per token
 *   top-k experts per token (ties: lower index); gates = p at those experts, renormalised to sum 1 (k >= 2)
 *   capacity C = ceil(cf * tokens / E) while training (tokens when evaluating): slots are filled first choices
 *     first, then second choices, each in token order; a slot beyond C is dropped (its output is 0, so the
 *     residual carries the token)
 *   y = sum over the token's kept slots of gate * FFN_e(x)
 *   aux = balance * E * sum_e f_e P_e  (+ z * mean(logsumexp(router(x))^2))
 *        f_e = fraction of tokens whose first choice is e, P_e = mean router probability of e
 * </pre>
 *
 * Dispatch never multiplies every token by every expert: the tokens of each expert are gathered, run through its
 * FFN, concatenated with one zero row, and each token's output is gathered back per slot (autograd turns these
 * gathers into scatter-adds). The slot bookkeeping runs on the host (one copy of the router probabilities per layer
 * and pass), which also makes it exactly reproducible.
 *
 * <p>Parameter names: {@code <name>.router.weight} (E, d) and {@code <name>.e<j>.fc.weight} (4d, d),
 * {@code .fc.bias}, {@code .proj.weight} (d, 4d), {@code .proj.bias}: expert j's tensors are named like the dense
 * block's {@code mlp.*}, which is what sparse upcycling and Branch-Train-MiX copy.
 */
public final class MoeLayer extends AbstractBlock {

    private final String name;
    private final int width;
    private final MoeConfig config;
    private final Parameter router;
    private final List<Expert> experts = new ArrayList<>();

    /** One expert FFN's parameters. */
    private record Expert(Parameter fcW, Parameter fcB, Parameter projW, Parameter projB) {
        List<Parameter> parameters() {
            return List.of(fcW, fcB, projW, projB);
        }
    }

    /**
     * @param name   prefix of the parameter names, e.g. "h1.moe"
     * @param width  model width d
     * @param config experts, top-k, capacity and loss weights
     */
    public MoeLayer(String name, int width, MoeConfig config) {
        this.name = name;
        this.width = width;
        this.config = config;
        long d = width;
        router = param(name + ".router.weight", Parameter.Type.WEIGHT, config.experts(), d);
        for (int e = 0; e < config.experts(); e++) {
            String p = name + ".e" + e + ".";
            experts.add(new Expert(
                    param(p + "fc.weight", Parameter.Type.WEIGHT, 4 * d, d),
                    param(p + "fc.bias", Parameter.Type.BIAS, 4 * d),
                    param(p + "proj.weight", Parameter.Type.WEIGHT, d, 4 * d),
                    param(p + "proj.bias", Parameter.Type.BIAS, d)));
        }
    }

    private Parameter param(String paramName, Parameter.Type type, long... shape) {
        return addParameter(Parameter.builder().setName(paramName).setType(type).optShape(new Shape(shape)).build());
    }

    public MoeConfig config() {
        return config;
    }

    public String name() {
        return name;
    }

    /**
     * The layer's output for inputs {@code h} of shape (..., d) (already layer-normed), same shape. With
     * {@code training} the capacity applies; {@code trace} (may be null) receives the routing, the weighted
     * auxiliary loss (training only) and the experts that got no token.
     */
    public NDArray forward(NDArray h, boolean training, MoeTrace trace) {
        Shape shape = h.getShape();
        NDArray x = h.reshape(-1, width);
        int n = Math.toIntExact(x.getShape().get(0));
        int e = config.experts();
        int k = config.topK();
        NDManager m = x.getManager();

        NDArray logits = Linear.linear(x.toType(DataType.FLOAT32, false), router.getArray()).head();
        NDArray probs = logits.softmax(1);
        float[] p = probs.toFloatArray();

        // token choice: the k largest probabilities of each token (ties: lower expert index)
        int[] choice = new int[n * k];
        long[] firstChoice = new long[e];
        for (int i = 0; i < n; i++) {
            topK(p, i * e, e, k, choice, i * k);
            firstChoice[choice[i * k]]++;
        }

        // capacity: slots filled first choices first, each in token order
        int capacity = training ? config.capacity(n) : n;
        int[] count = new int[e];
        int[] slotExpert = new int[n * k];
        int[] slotRank = new int[n * k];
        long dropped = 0;
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                int ex = choice[i * k + j];
                if (count[ex] < capacity) {
                    slotExpert[i * k + j] = ex;
                    slotRank[i * k + j] = count[ex]++;
                } else {
                    slotExpert[i * k + j] = -1;
                    dropped++;
                }
            }
        }
        int[] offset = new int[e + 1];
        for (int ex = 0; ex < e; ex++) {
            offset[ex + 1] = offset[ex] + count[ex];
        }
        int zeroRow = offset[e];
        long[][] tokensOf = new long[e][];
        for (int ex = 0; ex < e; ex++) {
            tokensOf[ex] = new long[count[ex]];
        }
        long[][] rowOf = new long[k][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                int ex = slotExpert[i * k + j];
                if (ex < 0) {
                    rowOf[j][i] = zeroRow;
                } else {
                    tokensOf[ex][slotRank[i * k + j]] = i;
                    rowOf[j][i] = offset[ex] + slotRank[i * k + j];
                }
            }
        }

        // the experts on their own tokens, stacked, with a zero row for dropped slots
        NDList outputs = new NDList();
        List<Parameter> idle = new ArrayList<>();
        for (int ex = 0; ex < e; ex++) {
            if (count[ex] == 0) {
                idle.addAll(experts.get(ex).parameters());
                continue;
            }
            NDArray rows = x.get(new NDIndex("{}", m.create(tokensOf[ex])));
            outputs.add(ffn(experts.get(ex), rows));
        }
        outputs.add(m.zeros(new Shape(1, width), x.getDataType()));
        NDArray stacked = outputs.size() == 1 ? outputs.head() : NDArrays.concat(outputs, 0);

        long[] chosen = new long[n * k];
        for (int i = 0; i < chosen.length; i++) {
            chosen[i] = choice[i];
        }
        NDArray gates = probs.gather(m.create(chosen, new Shape(n, k)), 1);
        if (k > 1) {
            gates = gates.div(gates.sum(new int[] {1}, true));
        }
        NDArray y = null;
        for (int j = 0; j < k; j++) {
            NDArray part = stacked.get(new NDIndex("{}", m.create(rowOf[j])))
                    .mul(gates.get(new NDIndex(":, {}:{}", j, j + 1)).toType(x.getDataType(), false));
            y = y == null ? part : y.add(part);
        }

        if (trace != null) {
            long[] assigned = new long[e];
            for (int ex = 0; ex < e; ex++) {
                assigned[ex] = count[ex];
            }
            NDArray aux = training ? auxiliaryLoss(logits, probs, firstChoice, n, m) : null;
            trace.record(new MoeTrace.LayerLoad(name, n, firstChoice, assigned, dropped, capacity, k), aux,
                    training ? idle : List.of());
        }
        return y.reshape(shape);
    }

    private NDArray ffn(Expert ex, NDArray rows) {
        NDArray up = Activation.gelu(Linear.linear(rows, ex.fcW.getArray(), ex.fcB.getArray()).head());
        return Linear.linear(up, ex.projW.getArray(), ex.projB.getArray()).head();
    }

    /** balance * E * sum_e f_e P_e (+ z * mean logsumexp^2); null when both weights are 0. */
    private NDArray auxiliaryLoss(NDArray logits, NDArray probs, long[] firstChoice, int n, NDManager m) {
        NDArray aux = null;
        if (config.balanceWeight() > 0) {
            float[] f = new float[firstChoice.length];
            for (int ex = 0; ex < f.length; ex++) {
                f[ex] = (float) firstChoice[ex] / n;
            }
            NDArray meanProb = probs.mean(new int[] {0});
            aux = meanProb.mul(m.create(f)).sum().mul((float) (config.balanceWeight() * config.experts())); // stays fp32
        }
        if (config.zLossWeight() > 0) {
            NDArray max = logits.max(new int[] {1}, true).stopGradient();
            NDArray lse = logits.sub(max).exp().sum(new int[] {1}).log().add(max.squeeze(1));
            NDArray z = lse.square().mean().mul((float) config.zLossWeight());
            aux = aux == null ? z : aux.add(z);
        }
        return aux;
    }

    /** Writes into {@code out[at..at+k)} the indices of the k largest of {@code p[from..from+e)}, ties to the lower index. */
    static void topK(float[] p, int from, int e, int k, int[] out, int at) {
        if (k == 2 && e >= 2) { // the common case, without allocation
            int a = 0;
            int b = -1;
            for (int ex = 1; ex < e; ex++) {
                if (p[from + ex] > p[from + a]) {
                    b = a;
                    a = ex;
                } else if (b < 0 || p[from + ex] > p[from + b]) {
                    b = ex;
                }
            }
            out[at] = a;
            out[at + 1] = b;
            return;
        }
        boolean[] taken = new boolean[e];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int ex = 0; ex < e; ex++) {
                if (!taken[ex] && (best < 0 || p[from + ex] > p[from + best])) {
                    best = ex;
                }
            }
            taken[best] = true;
            out[at + j] = best;
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        MoeTrace trace = new MoeTrace();
        NDArray y = forward(inputs.head(), training, trace);
        return trace.auxLoss() == null ? new NDList(y) : new NDList(y, trace.auxLoss());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return name + ": " + config.shortName() + ", " + Arrays.toString(new int[] {width, 4 * width});
    }
}
