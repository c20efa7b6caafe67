package org.cbtm.fewshot;

import java.util.List;
import java.util.Objects;

/**
 * The few-shot protocol (methods 1.5).
 *
 * @param shots           the numbers of demonstrations (0, 1, 4, 8). k = 0 runs once: without demonstrations the
 *                        seed changes nothing
 * @param seeds           demonstration draws per k (seeds 0..seeds-1); accuracy is their mean with a t interval
 * @param maxTestExamples at most this many test examples per task (the first of the task's seeded order)
 * @param contextLength   the context the prompts must fit; 0 = the scorer's own
 * @param threads         test examples scored at once; more than 1 only for thread-safe models (n-gram experts and
 *                        their ensembles are)
 * @param baselines       add the majority, uniform and logistic-regression rows to every result
 * @param progress        show a progress bar (test examples)
 * @param format          the prompt's delimiter and the content-free input of calibration
 */
public record FewShotConfig(List<Integer> shots, int seeds, int maxTestExamples, int contextLength, int threads,
                            boolean baselines, boolean progress, PromptFormat format) {

    public FewShotConfig {
        shots = List.copyOf(Objects.requireNonNull(shots, "shots"));
        if (shots.isEmpty()) {
            throw new IllegalArgumentException("shots needs at least one number of demonstrations");
        }
        if (shots.stream().anyMatch(k -> k < 0) || shots.stream().distinct().count() != shots.size()) {
            throw new IllegalArgumentException("shots must be distinct and >= 0, got " + shots);
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds must be >= 1, got " + seeds);
        }
        if (maxTestExamples < 1) {
            throw new IllegalArgumentException("maxTestExamples must be >= 1, got " + maxTestExamples);
        }
        if (contextLength != 0 && contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be 0 (the scorer's) or >= 2, got " + contextLength);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        Objects.requireNonNull(format, "format");
    }

    /** k in {0, 1, 4, 8}, 5 seeds, up to 1000 test examples, the scorer's context, 1 thread, baselines, a bar. */
    public static FewShotConfig defaults() {
        return new FewShotConfig(List.of(0, 1, 4, 8), 5, 1000, 0, 1, true, true, PromptFormat.standard());
    }

    public int maxShots() {
        return shots.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    public FewShotConfig withShots(Integer... k) {
        return new FewShotConfig(List.of(k), seeds, maxTestExamples, contextLength, threads, baselines, progress, format);
    }

    public FewShotConfig withSeeds(int n) {
        return new FewShotConfig(shots, n, maxTestExamples, contextLength, threads, baselines, progress, format);
    }

    public FewShotConfig withMaxTestExamples(int n) {
        return new FewShotConfig(shots, seeds, n, contextLength, threads, baselines, progress, format);
    }

    public FewShotConfig withContextLength(int n) {
        return new FewShotConfig(shots, seeds, maxTestExamples, n, threads, baselines, progress, format);
    }

    public FewShotConfig withThreads(int n) {
        return new FewShotConfig(shots, seeds, maxTestExamples, contextLength, n, baselines, progress, format);
    }

    /** The defaults with one thread per core: for thread-safe models only (n-gram experts and their ensembles). */
    public static FewShotConfig parallel() {
        return defaults().withThreads(Runtime.getRuntime().availableProcessors());
    }

    public FewShotConfig withBaselines(boolean on) {
        return new FewShotConfig(shots, seeds, maxTestExamples, contextLength, threads, on, progress, format);
    }

    public FewShotConfig withProgress(boolean on) {
        return new FewShotConfig(shots, seeds, maxTestExamples, contextLength, threads, baselines, on, format);
    }

    public FewShotConfig withFormat(PromptFormat f) {
        return new FewShotConfig(shots, seeds, maxTestExamples, contextLength, threads, baselines, progress, f);
    }
}
