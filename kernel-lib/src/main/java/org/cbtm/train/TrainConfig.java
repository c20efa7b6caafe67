package org.cbtm.train;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.cbtm.lm.gpt.Precision;

/**
 * How one training run goes: token budget, batches, optimiser, learning-rate schedule, clipping, evaluation and
 * checkpoint intervals, seed. The number of optimiser steps is {@code tokenBudget / (batchSize * blockLength)}
 * (rounded down: a run never sees more tokens than its budget; {@link #tokensSeen()} says how many it sees).
 *
 * @param tokenBudget        training tokens (input positions) for the whole run
 * @param batchSize          blocks per optimiser step
 * @param blockLength        tokens per block (the model's training sequence length; at most its context)
 * @param optimizer          Adam (L2 weight decay added to the gradient) or AdamW (decoupled decay)
 * @param learningRate       peak learning rate
 * @param beta1              Adam's first-moment decay
 * @param beta2              Adam's second-moment decay
 * @param eps                Adam's epsilon (added to the bias-corrected root of the second moment)
 * @param weightDecay        decay of matrices and embeddings (biases and LayerNorms never decay); 0 = none
 * @param schedule           learning-rate decay after the warmup
 * @param warmupSteps        linear warmup from 0 over this many steps (0 = none)
 * @param finalLrRatio       the learning rate at the last step as a fraction of the peak (0 = decay to zero)
 * @param clipNorm           global L2 norm the gradient is clipped to (0 = no clipping)
 * @param evalInterval       steps between held-out evaluations (0 = only at the end)
 * @param evalTokens         held-out tokens per evaluation (rounded up to whole blocks, capped by the shard)
 * @param checkpointInterval steps between intermediate checkpoints (0 = only the final one)
 * @param logInterval        steps between rows of the metrics log
 * @param seed               initialisation, data order and dropout
 * @param precision          number format of the passes ({@link Precision}; null = FP32). FP32 is left out of the
 *                           JSON header, so an FP32 config reads, and fingerprints, as it did before this existed
 */
public record TrainConfig(long tokenBudget, int batchSize, int blockLength,
                          Optimizer optimizer, double learningRate, double beta1, double beta2, double eps,
                          double weightDecay, Schedule schedule, int warmupSteps, double finalLrRatio,
                          double clipNorm, int evalInterval, long evalTokens, int checkpointInterval,
                          int logInterval, long seed,
                          @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Fp32Filter.class)
                          Precision precision) {

    /** The Jackson filter that leaves {@code precision} out of the header when it is FP32 (the default). */
    static final class Fp32Filter {
        @Override
        public boolean equals(Object value) {
            return value == null || value == Precision.FP32;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** The constructor without a precision: FP32. */
    public TrainConfig(long tokenBudget, int batchSize, int blockLength, Optimizer optimizer, double learningRate,
                       double beta1, double beta2, double eps, double weightDecay, Schedule schedule, int warmupSteps,
                       double finalLrRatio, double clipNorm, int evalInterval, long evalTokens, int checkpointInterval,
                       int logInterval, long seed) {
        this(tokenBudget, batchSize, blockLength, optimizer, learningRate, beta1, beta2, eps, weightDecay, schedule,
                warmupSteps, finalLrRatio, clipNorm, evalInterval, evalTokens, checkpointInterval, logInterval, seed,
                Precision.FP32);
    }

    /** Adam with L2 weight decay (the reference's) or AdamW with decoupled decay. */
    public enum Optimizer { ADAM, ADAMW }

    /** Learning-rate decay after the warmup. */
    public enum Schedule {
        /** Half a cosine from the peak down to {@code finalLrRatio * peak} (nanoGPT). */
        COSINE,
        /** fairseq's polynomial_decay with power 1: a straight line down to {@code finalLrRatio * peak} (reference). */
        POLYNOMIAL
    }

    public TrainConfig {
        if (precision == null) {
            precision = Precision.FP32; // a header written before precision existed
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        if (blockLength < 1) {
            throw new IllegalArgumentException("blockLength must be positive, got " + blockLength);
        }
        long perStep = (long) batchSize * blockLength;
        if (tokenBudget < perStep) {
            throw new IllegalArgumentException("token budget " + tokenBudget + " is smaller than one step of "
                    + batchSize + " blocks x " + blockLength + " tokens = " + perStep
                    + " tokens: raise the budget or use smaller batches or blocks");
        }
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("optimizer and schedule must be set");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be positive, got " + eps);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
        long steps = tokenBudget / perStep;
        if (warmupSteps < 0 || warmupSteps >= steps) {
            throw new IllegalArgumentException("warmupSteps must be in [0, steps) where steps = budget / (batch x block) = "
                    + steps + ", got " + warmupSteps);
        }
        if (!(finalLrRatio >= 0 && finalLrRatio <= 1)) {
            throw new IllegalArgumentException("finalLrRatio must be in [0, 1], got " + finalLrRatio);
        }
        if (!(clipNorm >= 0)) {
            throw new IllegalArgumentException("clipNorm must be >= 0 (0 = no clipping), got " + clipNorm);
        }
        if (evalInterval < 0 || evalTokens < 0 || checkpointInterval < 0) {
            throw new IllegalArgumentException("evalInterval, evalTokens and checkpointInterval must be >= 0 (0 = off / only at the end)");
        }
        if (logInterval < 1) {
            throw new IllegalArgumentException("logInterval must be at least 1 step, got " + logInterval);
        }
    }

    /**
     * The C-BTM reference settings (methods 1.3): Adam (0.9, 0.95), eps 1e-6, no weight decay, clip 1.0,
     * polynomial decay to 0 without warmup; held-out loss every ~10% of the run on 16 blocks, a checkpoint
     * every ~25%, a metrics row every 10 steps, seed 0.
     */
    public static TrainConfig reference(long tokenBudget, int batchSize, int blockLength, double learningRate) {
        long steps = Math.max(1, tokenBudget / ((long) batchSize * blockLength));
        return new TrainConfig(tokenBudget, batchSize, blockLength, Optimizer.ADAM, learningRate, 0.9, 0.95, 1e-6,
                0.0, Schedule.POLYNOMIAL, 0, 0.0, 1.0, (int) Math.max(1, steps / 10), 16L * blockLength,
                (int) Math.max(1, steps / 4), 10, 0L);
    }

    /**
     * For small CPU runs: the reference optimiser with batch 16 x 128 tokens, learning rate 1e-3 and a short
     * warmup (2% of the steps, at most 100), which small models need at this rate.
     */
    public static TrainConfig quick(long tokenBudget) {
        TrainConfig r = reference(tokenBudget, 16, 128, 1e-3);
        int warmup = (int) Math.min(100, r.steps() / 50);
        return r.withSchedule(Schedule.POLYNOMIAL, warmup, 0.0);
    }

    /** Tokens per optimiser step. */
    public long tokensPerStep() {
        return (long) batchSize * blockLength;
    }

    /** Optimiser steps of the run. */
    public long steps() {
        return tokenBudget / tokensPerStep();
    }

    /** Tokens the run actually trains on: whole steps only. */
    public long tokensSeen() {
        return steps() * tokensPerStep();
    }

    /** The learning rate of step {@code step} (0-based): linear warmup, then the decay schedule. */
    public double learningRate(long step) {
        long total = steps();
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / (total - warmupSteps);
        double low = finalLrRatio * learningRate;
        return switch (schedule) {
            case COSINE -> low + 0.5 * (1 + Math.cos(Math.PI * progress)) * (learningRate - low);
            case POLYNOMIAL -> low + (learningRate - low) * (1 - progress);
        };
    }

    public TrainConfig withTokenBudget(long tokens) {
        return new TrainConfig(tokens, batchSize, blockLength, optimizer, learningRate, beta1, beta2, eps, weightDecay,
                schedule, warmupSteps, finalLrRatio, clipNorm, evalInterval, evalTokens, checkpointInterval, logInterval, seed, precision);
    }

    public TrainConfig withSeed(long newSeed) {
        return new TrainConfig(tokenBudget, batchSize, blockLength, optimizer, learningRate, beta1, beta2, eps, weightDecay,
                schedule, warmupSteps, finalLrRatio, clipNorm, evalInterval, evalTokens, checkpointInterval, logInterval, newSeed, precision);
    }

    public TrainConfig withLearningRate(double peak) {
        return new TrainConfig(tokenBudget, batchSize, blockLength, optimizer, peak, beta1, beta2, eps, weightDecay,
                schedule, warmupSteps, finalLrRatio, clipNorm, evalInterval, evalTokens, checkpointInterval, logInterval, seed, precision);
    }

    public TrainConfig withOptimizer(Optimizer kind, double b1, double b2, double epsilon, double decay) {
        return new TrainConfig(tokenBudget, batchSize, blockLength, kind, learningRate, b1, b2, epsilon, decay,
                schedule, warmupSteps, finalLrRatio, clipNorm, evalInterval, evalTokens, checkpointInterval, logInterval, seed, precision);
    }

    public TrainConfig withSchedule(Schedule kind, int warmup, double finalRatio) {
        return new TrainConfig(tokenBudget, batchSize, blockLength, optimizer, learningRate, beta1, beta2, eps, weightDecay,
                kind, warmup, finalRatio, clipNorm, evalInterval, evalTokens, checkpointInterval, logInterval, seed, precision);
    }

    public TrainConfig withClipNorm(double norm) {
        return new TrainConfig(tokenBudget, batchSize, blockLength, optimizer, learningRate, beta1, beta2, eps, weightDecay,
                schedule, warmupSteps, finalLrRatio, norm, evalInterval, evalTokens, checkpointInterval, logInterval, seed, precision);
    }

    /** Held-out loss every {@code interval} steps (0 = at the end only) on {@code tokens} tokens. */
    public TrainConfig withEval(int interval, long tokens) {
        return new TrainConfig(tokenBudget, batchSize, blockLength, optimizer, learningRate, beta1, beta2, eps, weightDecay,
                schedule, warmupSteps, finalLrRatio, clipNorm, interval, tokens, checkpointInterval, logInterval, seed, precision);
    }

    public TrainConfig withCheckpointInterval(int interval) {
        return new TrainConfig(tokenBudget, batchSize, blockLength, optimizer, learningRate, beta1, beta2, eps, weightDecay,
                schedule, warmupSteps, finalLrRatio, clipNorm, evalInterval, evalTokens, interval, logInterval, seed, precision);
    }

    public TrainConfig withLogInterval(int interval) {
        return new TrainConfig(tokenBudget, batchSize, blockLength, optimizer, learningRate, beta1, beta2, eps, weightDecay,
                schedule, warmupSteps, finalLrRatio, clipNorm, evalInterval, evalTokens, checkpointInterval, interval, seed, precision);
    }

    /** The same run with its passes in {@code format} ({@link Precision}). */
    public TrainConfig withPrecision(Precision format) {
        return new TrainConfig(tokenBudget, batchSize, blockLength, optimizer, learningRate, beta1, beta2, eps, weightDecay,
                schedule, warmupSteps, finalLrRatio, clipNorm, evalInterval, evalTokens, checkpointInterval, logInterval, seed,
                format);
    }
}
