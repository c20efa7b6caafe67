package org.cbtm.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.HasProvenance;
import org.cbtm.base.Provenance;
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
 * @param created            when the checkpoint was written (ISO-8601 instant); null in checkpoints written before
 *                           it was recorded (they still load)
 * @param libraryVersion     the kernel-lib version that wrote it; null in those older checkpoints
 */
public record CheckpointInfo(String format, GptConfig model, TrainConfig train, long step, boolean finished,
                             long dataPosition, long dropoutSeed, long tokensSeen, long lineageTokens,
                             String trainShard, String validShard, double validLoss, double trainSeconds,
                             String device, String parentPath, CheckpointInfo parent, String created,
                             String libraryVersion) implements HasProvenance {

    /** What {@link #provenance()} says for what an older checkpoint did not record. */
    public static final String UNKNOWN = "unknown (not recorded)";

    public CheckpointInfo {
        if (model == null) {
            throw new IllegalArgumentException("a checkpoint needs its model config");
        }
        if (step < 0 || dataPosition < 0 || tokensSeen < 0 || lineageTokens < tokensSeen) {
            throw new IllegalArgumentException("inconsistent checkpoint counters: step " + step + ", data position "
                    + dataPosition + ", tokens " + tokensSeen + ", lineage tokens " + lineageTokens);
        }
    }

    /**
     * The checkpoint as the library's one {@link Provenance}: kind "gpt expert" (branched from a parent), "gpt model"
     * (trained from scratch, e.g. a C-BTM seed), "gpt average" (parameter averaging) or "gpt moe (upcycled or
     * merged)" (an MoE made from dense models, before training); config the model and
     * training configs; inputs the fingerprints of the training and held-out shards, the tokens seen (alone and
     * with the ancestors'), the steps, the device of the last session and the parent's provenance fingerprint;
     * seed the training seed (0 for an average).
     */
    @Override
    public Provenance provenance() {
        String kind = train == null ? (model.moe() != null ? "gpt moe (upcycled or merged)" : "gpt average")
                : parent != null ? "gpt expert" : "gpt model";
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", model);
        if (train != null) {
            config.put("train", train);
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        if (trainShard != null) {
            inputs.put("train shard", trainShard);
        }
        if (validShard != null) {
            inputs.put("valid shard", validShard);
        }
        inputs.put("tokens seen", Long.toString(tokensSeen));
        inputs.put("lineage tokens", Long.toString(lineageTokens));
        inputs.put("steps", Long.toString(step));
        if (device != null) {
            inputs.put("device", device);
        }
        if (parent != null) {
            inputs.put("parent", parent.provenance().fingerprint());
        }
        return new Provenance(kind, CanonicalJson.of(config), inputs, train == null ? 0 : train.seed(),
                libraryVersion == null ? UNKNOWN : libraryVersion, created == null ? UNKNOWN : created);
    }

    /** Training FLOPs of the whole lineage, {@code 6 N tokens} (methods 6). */
    public double lineageFlops() {
        return model.trainingFlops(lineageTokens);
    }
}
