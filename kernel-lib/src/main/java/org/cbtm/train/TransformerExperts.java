package org.cbtm.train;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.gpt.GptConfig;

/**
 * GPT-style transformer experts on DJL, branched from a dense seed (weights and optimiser state) trained first on the
 * whole mixture (methods 1.3). Each expert is a {@link TrainJob}: restartable from its last checkpoint, in this JVM
 * or as its own process.
 *
 * @param model      the architecture of the seed and of every expert
 * @param training   the training settings; its token budget, eval and checkpoint intervals are rescaled for each
 *                   run's budget by {@link #forBudget}
 * @param seedTokens tokens of the dense seed run on the whole mixture
 */
public record TransformerExperts(GptConfig model, TrainConfig training, long seedTokens) implements ExpertKind {

    /** Fewer optimiser steps per expert than this and the experts have barely moved from the seed. */
    public static final long MIN_STEPS_PER_EXPERT = 20;

    public TransformerExperts {
        if (model == null || training == null) {
            throw new IllegalArgumentException("transformer experts need a GptConfig and a TrainConfig");
        }
        if (training.blockLength() > model.contextLength()) {
            throw new IllegalArgumentException("training block length " + training.blockLength()
                    + " exceeds the model's context length " + model.contextLength());
        }
        if (seedTokens < training.tokensPerStep()) {
            throw new IllegalArgumentException("transformer experts branch from a seed: its " + seedTokens
                    + " tokens are less than one optimiser step (" + training.tokensPerStep() + " tokens)");
        }
    }

    @Override
    public String name() {
        return "gpt-" + model.layers() + "l" + model.width() + "d";
    }

    @Override
    public boolean hasSeed() {
        return true;
    }

    /**
     * The training settings for a run of {@code tokens} tokens: the budget set, about ten held-out evaluations
     * and four intermediate checkpoints per run whatever its length, the warmup capped at a tenth of the run.
     */
    public TrainConfig forBudget(long tokens) {
        long perStep = training.tokensPerStep();
        if (tokens < perStep) {
            throw new IllegalArgumentException("a run of " + tokens + " tokens is shorter than one optimiser step ("
                    + perStep + " tokens): raise the budget, lower K, or use smaller batches");
        }
        long steps = tokens / perStep;
        int every = (int) Math.max(1, steps / 10);
        // the warmup is capped before the budget changes: every with... validates, and the preset's warmup can
        // be longer than a short run (e.g. 10 warmup steps against an 8-step expert)
        return training.withSchedule(training.schedule(), (int) Math.min(training.warmupSteps(), steps / 10),
                        training.finalLrRatio())
                .withTokenBudget(tokens)
                .withEval(every, training.evalTokens())
                .withCheckpointInterval((int) Math.max(1, steps / 4))
                .withLogInterval((int) Math.max(1, Math.min(training.logInterval(), every)));
    }

    @Override
    public Path trainSeed(Path mixture, Path valid, Path dir) {
        return new TrainJob(model, forBudget(seedTokens), mixture, valid, null, dir).run().checkpoint();
    }

    @Override
    public ExpertJob expertJob(ExpertTask task) {
        TrainJob job = new TrainJob(model, forBudget(task.tokens()), task.shard(), task.valid(), task.seed(), task.dir());
        if (job.isDone()) {
            return ExpertJob.done(job.finalCheckpoint());
        }
        if (!task.separateProcess()) {
            return new ExpertJob(job.finalCheckpoint(), job::run);
        }
        Path file = job.write(task.dir().resolve("job.json"));
        // one libtorch thread per core share: two 2-thread jobs on 2 cores would fight over them
        String[] threads = {"-Dai.djl.pytorch.num_threads=" + task.threadsPerJob(),
                "-Dai.djl.pytorch.num_interop_threads=1"};
        return new ExpertJob(job.finalCheckpoint(),
                () -> TrainJob.runProcess(file, task.dir().resolve("job.log"), threads));
    }

    @Override
    public LanguageModel load(Path artifact) {
        return Checkpoint.loadModel(artifact);
    }

    @Override
    public ComputeAccount account(Path artifact) {
        CheckpointInfo info = Checkpoint.readInfo(artifact);
        return ComputeAccount.neural(info.tokensSeen(), model.activeNonEmbeddingParameters(), info.trainSeconds(),
                info.device());
    }

    @Override
    public double validLoss(Path artifact) {
        return Checkpoint.readInfo(artifact).validLoss();
    }

    /** One optimiser step per expert: with less, an expert would not train at all. */
    @Override
    public long minTokensPerExpert() {
        return training.tokensPerStep();
    }

    @Override
    public Optional<String> budgetWarning(long tokensPerExpert) {
        long steps = tokensPerExpert / training.tokensPerStep();
        if (steps < MIN_STEPS_PER_EXPERT) {
            return Optional.of(String.format(Locale.ROOT, "each %s expert takes only %d optimiser step%s of %d tokens: "
                            + "the experts barely move from the seed; raise the budget or lower K", name(), steps,
                    steps == 1 ? "" : "s", training.tokensPerStep()));
        }
        return Optional.empty();
    }
}
