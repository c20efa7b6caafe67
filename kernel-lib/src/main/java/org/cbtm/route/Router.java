package org.cbtm.route;

import org.cbtm.eval.EvalSequence;

/**
 * Chooses the mixture weights of K experts (methods 1.4). The contract every implementation keeps: the weights
 * used to predict token {@code t} are computed from {@code tokens[0..t)} (and the sequence's labels) only, never
 * from token {@code t} or later; so {@code route(seq).row(t-1)} equals {@code nextWeights(prefix of t tokens)}.
 * Rows sum to 1. Implementations are thread-safe.
 */
public interface Router {

    /** K, the number of experts routed over. */
    int numExperts();

    /** The most experts that get a non-zero weight at one position (top-k), for inference accounting. */
    int maxActiveExperts();

    /** {@code (n-1) x K} weights for a sequence of n tokens; row {@code t-1} predicts token {@code t}. */
    RoutingWeights route(EvalSequence sequence);

    /**
     * One weight vector for the token that follows all of {@code context}: the per-document mode (few-shot prompts,
     * where the whole prompt is the context) and {@link org.cbtm.lm.LanguageModel#nextTokenLogProbs}.
     */
    double[] nextWeights(EvalSequence context);

    /** Parameters the router touches per token (methods 6); 0 for routers without parameters. */
    long inferenceParameters();

    /** Short description for tables ("centroid top-2, T=0.1"). */
    String name();
}
