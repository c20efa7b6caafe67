package org.cbtm.fewshot;

/**
 * How tasks are cut from the corpus.
 *
 * @param contextLength    the context the prompts must fit (the shortest of the models compared); 0 = no limit.
 *                         Inputs are cut so that {@code maxShots} demonstrations plus the test input, each with the
 *                         task prompt (and the demonstrations with their verbalizer and delimiter), fit it. Every
 *                         model compared on a suite sees the same inputs, so build one suite for the smallest context
 * @param maxShots         the most demonstrations a prompt is sized for (8 in the protocol)
 * @param maxInputTokens   inputs are never longer than this many tokens, whatever the context
 * @param maxTrainExamples the training pool (demonstrations, the supervised baselines) is a seeded sample of at
 *                         most this many training examples; 0 = the whole training split
 * @param seed             the seed of the test and training orders (the test examples of an evaluation capped at N
 *                         are the first N in this order, a seeded sample that a larger N extends)
 */
public record TaskConfig(int contextLength, int maxShots, int maxInputTokens, int maxTrainExamples, long seed) {

    public TaskConfig {
        if (contextLength < 0) {
            throw new IllegalArgumentException("contextLength must be >= 0 (0 = no limit), got " + contextLength);
        }
        if (maxShots < 0) {
            throw new IllegalArgumentException("maxShots must be >= 0, got " + maxShots);
        }
        if (maxInputTokens < 1) {
            throw new IllegalArgumentException("maxInputTokens must be >= 1, got " + maxInputTokens);
        }
        if (maxTrainExamples < 0) {
            throw new IllegalArgumentException("maxTrainExamples must be >= 0 (0 = all), got " + maxTrainExamples);
        }
    }

    /** No context limit, 8 shots, inputs of at most 64 tokens, the whole training split, seed 2023. */
    public static TaskConfig defaults() {
        return new TaskConfig(0, 8, 64, 0, 2023);
    }

    /** The defaults, with inputs cut so that 8 demonstrations and the test input fit {@code contextLength}. */
    public static TaskConfig forContext(int contextLength) {
        return defaults().withContextLength(contextLength);
    }

    public TaskConfig withContextLength(int n) {
        return new TaskConfig(n, maxShots, maxInputTokens, maxTrainExamples, seed);
    }

    public TaskConfig withMaxShots(int n) {
        return new TaskConfig(contextLength, n, maxInputTokens, maxTrainExamples, seed);
    }

    public TaskConfig withMaxInputTokens(int n) {
        return new TaskConfig(contextLength, maxShots, n, maxTrainExamples, seed);
    }

    public TaskConfig withMaxTrainExamples(int n) {
        return new TaskConfig(contextLength, maxShots, maxInputTokens, n, seed);
    }

    public TaskConfig withSeed(long s) {
        return new TaskConfig(contextLength, maxShots, maxInputTokens, maxTrainExamples, s);
    }
}
