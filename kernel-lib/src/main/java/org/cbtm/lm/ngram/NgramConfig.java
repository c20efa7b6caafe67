package org.cbtm.lm.ngram;

/**
 * How a {@link KneserNeyLM} is built.
 *
 * @param order the longest n-gram, 1 (unigram) to {@link #MAX_ORDER}; the C-BTM experiments use 4
 */
public record NgramConfig(int order) {

    /** Tables are keyed by prefix ids, so any order fits a key; beyond 10 the counts are all ones anyway. */
    public static final int MAX_ORDER = 10;
    public static final int DEFAULT_ORDER = 4;

    public NgramConfig {
        if (order < 1 || order > MAX_ORDER) {
            throw new IllegalArgumentException("n-gram order must be between 1 and " + MAX_ORDER + ", got " + order);
        }
    }

    /** Order 4, the default of the experiments. */
    public static NgramConfig defaults() {
        return new NgramConfig(DEFAULT_ORDER);
    }

    public static NgramConfig of(int order) {
        return new NgramConfig(order);
    }
}
