package org.cbtm.lm.moe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/**
 * What the MoE layers of one forward pass did: the routing load of each layer, the tokens dropped for capacity,
 * the auxiliary losses (already weighted) and the experts that received no token. A trainer adds
 * {@link #auxLoss()} to the language-model loss and leaves {@link #idleParameters()} untouched in that step
 * (djl-notes: DJL hands zero gradients to experts that saw no token, and Adam would still move them by momentum
 * and weight decay; PyTorch skips them).
 */
public final class MoeTrace {

    /**
     * One MoE layer's routing in one forward pass.
     *
     * @param layer       the layer's name ("h1.moe")
     * @param tokens      tokens routed
     * @param firstChoice per expert, the tokens whose top-1 choice it was (the load the balancing loss uses)
     * @param assigned    per expert, the token slots it processed (after capacity)
     * @param dropped     token slots dropped for capacity (carried by the residual)
     * @param capacity    the per-expert capacity that applied ({@code tokens} when nothing can be dropped)
     * @param topK        slots per token
     */
    public record LayerLoad(String layer, long tokens, long[] firstChoice, long[] assigned, long dropped, long capacity,
                            int topK) {

        /** Fraction of the token slots ({@code tokens * topK}) dropped. */
        public double droppedFraction() {
            return tokens == 0 ? 0 : (double) dropped / (tokens * (long) topK);
        }

        /** Per expert, the fraction of tokens whose first choice it was (f_e of the balancing loss). */
        public double[] firstChoiceFractions() {
            double[] f = new double[firstChoice.length];
            for (int e = 0; e < f.length; e++) {
                f[e] = tokens == 0 ? 0 : (double) firstChoice[e] / tokens;
            }
            return f;
        }
    }

    private final List<LayerLoad> loads = new ArrayList<>();
    private final Set<Parameter> idle = new LinkedHashSet<>();
    private NDArray auxLoss;

    void record(LayerLoad load, NDArray weightedAux, List<Parameter> idleParameters) {
        loads.add(load);
        idle.addAll(idleParameters);
        if (weightedAux != null) {
            auxLoss = auxLoss == null ? weightedAux : auxLoss.add(weightedAux);
        }
    }

    /** Routing of every MoE layer, in block order. */
    public List<LayerLoad> loads() {
        return Collections.unmodifiableList(loads);
    }

    /** The weighted sum of the balancing (and z-) losses over the MoE layers; null when there is none. */
    public NDArray auxLoss() {
        return auxLoss;
    }

    /** Parameters of experts that received no token in this pass (training passes only). */
    public Set<Parameter> idleParameters() {
        return Collections.unmodifiableSet(idle);
    }

    /** Fraction of all token slots dropped, over every MoE layer. */
    public double droppedFraction() {
        long dropped = 0;
        long slots = 0;
        for (LayerLoad l : loads) {
            dropped += l.dropped();
            slots += l.tokens() * l.topK();
        }
        return slots == 0 ? 0 : (double) dropped / slots;
    }
}
