package org.cbtm.train;

import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.ngram.NgramConfig;

/**
 * What kind of language model the experts of a C-BTM run are: the kind-specific half of {@link CbtmTraining}.
 * Both kinds are real experts; the n-gram kind makes every ablation runnable on a laptop in minutes, the
 * transformer kind is the paper's.
 */
public sealed interface ExpertKind {

    /** A short name for tables and folder names. */
    String name();

    /** Whether experts branch from a dense seed trained first on the whole mixture (methods 1.3). */
    boolean hasSeed();

    /**
     * Interpolated modified Kneser-Ney experts. An n-gram model has nothing to branch from (its "training" is
     * counting, and adding the seed's counts would just be training on the other clusters' data), so every expert
     * counts its own cluster only, within its token budget.
     */
    record Ngram(NgramConfig config) implements ExpertKind {
        public Ngram {
            if (config == null) {
                throw new IllegalArgumentException("an n-gram expert kind needs its NgramConfig");
            }
        }

        @Override
        public String name() {
            return "kn" + config.order();
        }

        @Override
        public boolean hasSeed() {
            return false;
        }
    }

    /**
     * GPT-style transformer experts on DJL, branched from a dense seed (weights and optimiser state).
     *
     * @param model    the architecture of the seed and of every expert
     * @param training the training settings; its token budget, eval and checkpoint intervals are rescaled for each
     *                 run's budget by {@link #forBudget}
     */
    record Transformer(GptConfig model, TrainConfig training) implements ExpertKind {
        public Transformer {
            if (model == null || training == null) {
                throw new IllegalArgumentException("a transformer expert kind needs a GptConfig and a TrainConfig");
            }
            if (training.blockLength() > model.contextLength()) {
                throw new IllegalArgumentException("training block length " + training.blockLength()
                        + " exceeds the model's context length " + model.contextLength());
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
    }
}
