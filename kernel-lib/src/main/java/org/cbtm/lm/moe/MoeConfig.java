package org.cbtm.lm.moe;

/**
 * Where and how a GPT's feed-forward layers become mixture-of-experts layers (methods 4 and 5).
 *
 * @param experts        E, the experts of every MoE layer
 * @param topK           experts per token (token choice); the C-BTM baseline uses 2
 * @param capacityFactor while training, each expert takes at most {@code ceil(capacityFactor * tokens / E)} tokens
 *                       of a batch; later choices beyond that are dropped and carried by the residual (at
 *                       evaluation nothing is dropped)
 * @param balanceWeight  weight of the load-balancing loss {@code E * sum_e f_e * P_e}, summed over MoE layers
 * @param zLossWeight    weight of the router z-loss {@code mean(logsumexp(router logits)^2)}; 0 turns it off
 * @param placement      which blocks get an MoE layer
 */
public record MoeConfig(int experts, int topK, double capacityFactor, double balanceWeight, double zLossWeight,
                        Placement placement) {

    /** Which transformer blocks get an MoE layer instead of the dense FFN. */
    public enum Placement {
        /** Blocks 1, 3, 5, ... (sparse upcycling, methods 4). */
        EVERY_OTHER,
        /** Every block (Branch-Train-MiX, methods 5). */
        EVERY
    }

    public MoeConfig {
        if (experts < 1) {
            throw new IllegalArgumentException("an MoE layer needs at least 1 expert, got experts = " + experts);
        }
        if (topK < 1 || topK > experts) {
            throw new IllegalArgumentException("topK must be in [1, experts = " + experts + "], got " + topK);
        }
        if (!(capacityFactor > 0) || Double.isInfinite(capacityFactor)) {
            throw new IllegalArgumentException("capacityFactor must be positive and finite, got " + capacityFactor
                    + " (2 is the C-BTM baseline's)");
        }
        if (!(balanceWeight >= 0) || !(zLossWeight >= 0)) {
            throw new IllegalArgumentException("loss weights must be >= 0, got balance " + balanceWeight + ", z " + zLossWeight);
        }
        if (placement == null) {
            throw new IllegalArgumentException("placement is required (EVERY_OTHER for upcycling, EVERY for BTX)");
        }
    }

    /** The C-BTM baseline's sparse upcycling (methods 4): top-2, capacity factor 2, balance weight 0.01, every other block. */
    public static MoeConfig upcycling(int experts) {
        return new MoeConfig(experts, Math.min(2, experts), 2.0, 0.01, 0.0, Placement.EVERY_OTHER);
    }

    /** Branch-Train-MiX (methods 5): an MoE layer in every block, top-2, balance weight 0.01. */
    public static MoeConfig branchTrainMix(int experts) {
        return new MoeConfig(experts, Math.min(2, experts), 2.0, 0.01, 0.0, Placement.EVERY);
    }

    public MoeConfig withCapacityFactor(double factor) {
        return new MoeConfig(experts, topK, factor, balanceWeight, zLossWeight, placement);
    }

    /** Whether block {@code block} (0-based) has an MoE layer. */
    public boolean appliesTo(int block) {
        return placement == Placement.EVERY || block % 2 == 1;
    }

    /** Number of MoE layers in a model of {@code layers} blocks. */
    public int moeLayers(int layers) {
        int n = 0;
        for (int i = 0; i < layers; i++) {
            n += appliesTo(i) ? 1 : 0;
        }
        return n;
    }

    /** Tokens one expert may take from a batch of {@code tokens} while training: {@code ceil(capacityFactor * tokens / E)}. */
    public int capacity(long tokens) {
        return (int) Math.min(tokens, (long) Math.ceil(capacityFactor * tokens / experts));
    }

    /** "MoE 8x top-2". */
    public String shortName() {
        return "MoE " + experts + "x top-" + topK;
    }
}
