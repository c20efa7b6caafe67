package org.cbtm.smalltalk;

/**
 * Scores the experts of a hard prefix router (methods 3) from the first tokens of a sequence: SmallTalk's router
 * LMs ({@link RouterLms}), or a tf-idf centroid baseline ({@link CentroidPrefixScorer}). Higher is better.
 * Implementations are thread-safe.
 */
public interface PrefixScorer {

    /** E, the number of experts scored. */
    int numExperts();

    /**
     * The running scores of a prefix: row {@code l} holds every expert's score after reading
     * {@code prefix[0..l]} (l + 1 tokens), for {@code l < prefix.length}. Row l must depend on those tokens only.
     */
    double[][] runningScores(int[] prefix);

    /** The tokens the scorer reads to route one prefix of {@code length} tokens, summed over its models. */
    long tokensScored(int length);

    /** The parameters the scorer runs per routed token, over all its models (methods 6). */
    long parameters();

    /** Short description for tables ("router LMs kn2"). */
    String name();
}
