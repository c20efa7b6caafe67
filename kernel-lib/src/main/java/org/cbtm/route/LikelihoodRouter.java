package org.cbtm.route;

import org.cbtm.eval.EvalSequence;

/**
 * A router whose weights come from the experts' own scores of the prefix (BTM's domain posterior, methods 2):
 * the weights that predict token {@code t} may depend on every expert's log-probabilities of tokens
 * {@code 1..t-1} (the prefix), never on token {@code t}'s or later ones. An ensemble that sees this interface
 * runs every expert on the whole sequence first (the posterior needs all of them) and hands the scores over, so the
 * experts run once; {@link #route(EvalSequence)} alone scores the sequence with the router's own experts.
 */
public interface LikelihoodRouter extends Router {

    /**
     * The weights of {@code sequence} from the experts' scores of it: {@code expertLogProbs[j][i]} is expert j's
     * {@code log p(x_{i+1} | x_<=i)} (what {@link org.cbtm.lm.LanguageModel#sequenceLogProbs(int[])} returns, one
     * per position). Row {@code r} (predicting token {@code r+1}) may read {@code expertLogProbs[j][0..r)} only.
     */
    RoutingWeights route(EvalSequence sequence, float[][] expertLogProbs);
}
