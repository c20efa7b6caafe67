package org.cbtm.eval;

import org.cbtm.train.ComputeAccount;

/**
 * Settings of a perplexity evaluation.
 *
 * @param contextLength truncate every document to this many tokens; 0 means the model's own
 *                      {@link org.cbtm.lm.LanguageModel#contextLength()}. Models compared in one table should be
 *                      evaluated with the same value, or they are scored on different tokens.
 * @param batchSize     documents per model call (batching pays for neural models and ensembles)
 * @param threads       batches scored at once; more than 1 only for thread-safe models (n-gram experts and
 *                      ensembles of them are; a model on one GPU usually is not worth it)
 * @param progress      show a progress bar (tokens)
 * @param device        where the evaluation runs, for the tables
 */
public record EvalConfig(int contextLength, int batchSize, int threads, boolean progress, String device) {

    public EvalConfig {
        if (contextLength != 0 && contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be 0 (the model's) or >= 2 (one predicted token), got "
                    + contextLength);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        device = device == null || device.isBlank() ? ComputeAccount.localCpu() : device;
    }

    /** One thread, batches of 16, the model's context length, a progress bar, on this CPU. */
    public static EvalConfig defaults() {
        return new EvalConfig(0, 16, 1, true, ComputeAccount.localCpu());
    }

    /** The defaults with one thread per core: for thread-safe models only. */
    public static EvalConfig parallel() {
        return defaults().withThreads(Runtime.getRuntime().availableProcessors());
    }

    public EvalConfig withContextLength(int length) {
        return new EvalConfig(length, batchSize, threads, progress, device);
    }

    public EvalConfig withBatchSize(int size) {
        return new EvalConfig(contextLength, size, threads, progress, device);
    }

    public EvalConfig withThreads(int n) {
        return new EvalConfig(contextLength, batchSize, n, progress, device);
    }

    public EvalConfig withProgress(boolean show) {
        return new EvalConfig(contextLength, batchSize, threads, show, device);
    }

    public EvalConfig withDevice(String d) {
        return new EvalConfig(contextLength, batchSize, threads, progress, d);
    }
}
