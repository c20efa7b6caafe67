package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import org.cbtm.lm.gpt.GptConfig;

/**
 * What a checkpoint says about itself (its JSON header): configs, where the run stands, and where it came from.
 *
 * @param format             format tag, {@link Checkpoint#FORMAT}
 * @param model              the architecture
 * @param train              the run's configuration (null for a checkpoint made by parameter averaging)
 * @param step               optimiser steps this run has taken
 * @param finished           whether the run has taken all {@code train.steps()} steps
 * @param dataPosition       training blocks consumed (the {@link PackedBlocks} index of the next block)
 * @param dropoutSeed        base of the per-step dropout seeds ({@code seed(step)} is a function of it and the
 *                           step, so the RNG state is this number and {@code step})
 * @param tokensSeen         training tokens of this run
 * @param lineageTokens      training tokens including every ancestor's (the seed's tokens plus this branch's)
 * @param trainShard         fingerprint of the training shard ({@link Fingerprint#of(TokenShard)})
 * @param validShard         fingerprint of the held-out shard, or null
 * @param validLoss          last held-out loss (nats per token), or NaN when none was measured
 * @param trainSeconds       wall time spent training (and evaluating) in this run, over all its sessions
 * @param device             device of the last session, e.g. "cpu()" or "gpu(0)"
 * @param parentPath         the checkpoint this run was branched from (or averaged from), or null
 * @param parent             that checkpoint's own header (so the whole lineage travels along), or null
 */
public record CheckpointInfo(String format, GptConfig model, TrainConfig train, long step, boolean finished,
                             long dataPosition, long dropoutSeed, long tokensSeen, long lineageTokens,
                             String trainShard, String validShard, double validLoss, double trainSeconds,
                             String device, String parentPath, CheckpointInfo parent) {

    public CheckpointInfo {
        if (model == null) {
            throw new IllegalArgumentException("a checkpoint needs its model config");
        }
        if (step < 0 || dataPosition < 0 || tokensSeen < 0 || lineageTokens < tokensSeen) {
            throw new IllegalArgumentException("inconsistent checkpoint counters: step " + step + ", data position "
                    + dataPosition + ", tokens " + tokensSeen + ", lineage tokens " + lineageTokens);
        }
    }

    /** Training FLOPs of the whole lineage, {@code 6 N tokens} (methods 6). */
    public double lineageFlops() {
        return model.trainingFlops(lineageTokens);
    }
}
