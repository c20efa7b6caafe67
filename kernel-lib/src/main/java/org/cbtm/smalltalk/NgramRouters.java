package org.cbtm.smalltalk;

import org.cbtm.base.Progress;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;

/**
 * Kneser-Ney routers of a given order, counted on their part's prefixes (no budget: every prefix token is counted).
 * The order is the router's size knob: order 1 is a unigram model of the part, order 4 the experts' own model.
 *
 * @param order the n-gram order (1 to {@link NgramConfig#MAX_ORDER})
 */
public record NgramRouters(int order) implements RouterKind {

    public NgramRouters {
        if (order < 1 || order > NgramConfig.MAX_ORDER) {
            throw new IllegalArgumentException("router n-gram order must be in [1, " + NgramConfig.MAX_ORDER + "], got "
                    + order);
        }
    }

    @Override
    public String name() {
        return "kn" + order;
    }

    @Override
    public LanguageModel train(TokenShard prefixes, long seed) {
        if (prefixes.numTokens() == 0) {
            throw new IllegalArgumentException("a router needs at least one prefix token to count");
        }
        try (var quiet = Progress.muted()) { // one bar for the EM, not one per router
            return KneserNeyLM.train(prefixes, new NgramConfig(order));
        }
    }
}
