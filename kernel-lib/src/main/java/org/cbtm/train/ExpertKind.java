package org.cbtm.train;

import java.nio.file.Path;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

import org.cbtm.lm.LanguageModel;

/**
 * What kind of language model the experts of a run are: the kind-specific half of {@link CbtmTraining}, and
 * everything the driver, the ensemble, the grid and the analyses need to know about it. A new kind of expert (the
 * MoE, a BTM expert, ...) is one class implementing this interface; nothing else switches on kinds.
 *
 * <p>Kinds are immutable records of their settings: they are part of every cache key (as canonical JSON, with the
 * class name, so two kinds with equal fields never share an artifact) and of every provenance.
 *
 * <p>Implemented by {@link NgramExperts} (Kneser-Ney counting: every ablation runs on a laptop in minutes) and
 * {@link TransformerExperts} (the paper's GPT experts, branched from a dense seed).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "@kind")
public interface ExpertKind {

    /** A short name for tables, labels and folder names, e.g. "kn4" or "gpt-2l128d". */
    String name();

    /** Whether experts branch from a dense seed trained first on the whole mixture (methods 1.3). */
    default boolean hasSeed() {
        return false;
    }

    /** Tokens of the dense seed run (0 for kinds without a seed). */
    default long seedTokens() {
        return 0;
    }

    /**
     * Trains (or finds, or resumes) the dense seed on the whole mixture and returns its artifact. Only called when
     * {@link #hasSeed()}.
     *
     * @param mixture the whole training mixture as a shard file
     * @param valid   a held-out shard file, or null
     * @param dir     the seed's folder
     */
    default Path trainSeed(Path mixture, Path valid, Path dir) {
        throw new UnsupportedOperationException(name() + " experts have no seed");
    }

    /**
     * The job that makes one expert: its artifact (the file {@link #load} reads) and the work that writes it, or no
     * work when the artifact exists already. The work must be restartable: a job killed mid-way and started again
     * completes.
     */
    ExpertJob expertJob(ExpertTask task);

    /** Loads a trained expert (or the seed); close it when done (some kinds hold native memory). */
    LanguageModel load(Path artifact);

    /**
     * What training the artifact took: the tokens it actually trained on (not its budget), FLOPs under the kind's
     * convention (NaN when none applies), wall seconds and device.
     */
    ComputeAccount account(Path artifact);

    /** The last held-out loss recorded while training the artifact (nats per token), NaN when none. */
    default double validLoss(Path artifact) {
        return Double.NaN;
    }

    /**
     * How many threads scoring should use: kinds that run in plain Java score documents in parallel on every core,
     * kinds that run on a native engine parallelise inside one call and want 1.
     */
    default int scoringThreads() {
        return 1;
    }

    /**
     * Why a budget of {@code tokensPerExpert} tokens per expert is too small to mean anything for this kind, or
     * empty when it is fine. Runs still go ahead; the reason is shown with the results.
     */
    default Optional<String> budgetWarning(long tokensPerExpert) {
        return Optional.empty();
    }

    /**
     * The fewest tokens per expert a run may have at all: below it the experts mean nothing, so a
     * {@code CbtmConfig} with less is refused (budgets above it but still small get a {@link #budgetWarning}).
     */
    default long minTokensPerExpert() {
        return 1;
    }

    /**
     * One expert's job for {@link #expertJob}.
     *
     * @param cluster         the cluster index
     * @param shard           the cluster's training shard file
     * @param valid           a held-out shard file, or null
     * @param seed            the seed artifact to branch from, or null for kinds without a seed
     * @param tokens          the expert's budget (methods 1.3: total / K)
     * @param dir             the expert's folder (the artifact goes here)
     * @param parallelJobs    how many expert jobs run at once: 1 runs the work in this JVM; more run each as its own
     *                        process, which then gets its share of the cores ({@link #threadsPerJob})
     */
    record ExpertTask(int cluster, Path shard, Path valid, Path seed, long tokens, Path dir, int parallelJobs) {
        public ExpertTask {
            if (parallelJobs < 1) {
                throw new IllegalArgumentException("parallelJobs must be at least 1, got " + parallelJobs);
            }
        }

        /** Whether the work should run as a separate process. */
        public boolean separateProcess() {
            return parallelJobs > 1;
        }

        /**
         * The compute threads of one job: the cores split over the jobs that run at once (at least 1), so that
         * parallel jobs do not oversubscribe the machine.
         */
        public int threadsPerJob() {
            return Math.max(1, Runtime.getRuntime().availableProcessors() / parallelJobs);
        }
    }

    /**
     * The artifact of one expert and the work that writes it.
     *
     * @param artifact the file {@link ExpertKind#load} reads
     * @param work     what writes it, or null when it exists already
     */
    record ExpertJob(Path artifact, Runnable work) {
        /** An expert that is already trained. */
        public static ExpertJob done(Path artifact) {
            return new ExpertJob(artifact, null);
        }

        public boolean isDone() {
            return work == null;
        }
    }
}
