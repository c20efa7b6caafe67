package org.cbtm.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cbtm.base.CsvTables;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptLM;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.lm.moe.MoeConfig;
import org.cbtm.moe.BranchTrainMix;
import org.cbtm.moe.Upcycling;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.CheckpointInfo;
import org.cbtm.train.ComputeAccount;
import org.cbtm.train.RunDirectory;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TrainJob;
import org.cbtm.train.TransformerExperts;

import tech.tablesaw.api.Table;

/**
 * The MoE side of the C-BTM comparison (methods 4-6) in the artifact store: a sparse-upcycled MoE made from a dense
 * checkpoint, a Branch-Train-MiX MoE merged from C-BTM experts, and their training on the whole mixture as
 * restartable {@link TrainJob}s (same trainer, checkpoints, resume and progress as the experts). Every stage has a
 * stable folder keyed by what shapes it, so a rerun trains nothing and a killed run resumes.
 *
 * <pre>{@code
 * Path init = MoeRuns.upcycle(store, seedCheckpoint, MoeConfig.upcycling(4), 0.0, 2023);
 * long tokens = MoeRuns.tokensAtFlops(init, denseFlops, kind.training().tokensPerStep());
 * MoeRuns.Trained moe = MoeRuns.train(store, "upcycled MoE", init, kind, tokens, mixture, valid, seedAccount);
 * }</pre>
 */
public final class MoeRuns {

    /** Artifact kinds: the MoE before training, and its training run. */
    public static final String INIT = "moe-init";
    public static final String RUN = "moe-run";
    private static final String INIT_FILE = "init.ckpt";

    private MoeRuns() {
    }

    /**
     * A trained MoE of the comparison.
     *
     * @param label      how tables name it
     * @param checkpoint its final checkpoint
     * @param account    what it cost, ingredients (seed, experts) included
     */
    public record Trained(String label, Path checkpoint, ComputeAccount account) {

        public CheckpointInfo info() {
            return Checkpoint.readInfo(checkpoint);
        }

        public GptConfig model() {
            return info().model();
        }

        /** The run's metrics ({@code metrics.csv}: step, tokens, losses, learning rate, tokens/s). */
        public Table metrics() {
            return CsvTables.read(new RunDirectory(checkpoint.getParent()).metrics());
        }

        /** The routing of the training batches per log interval ({@code routing.csv}: layer, expert, load, dropped). */
        public Table routing() {
            return CsvTables.read(new RunDirectory(checkpoint.getParent()).routing());
        }

        /**
         * The run's loss curve in the columns of {@link org.cbtm.train.CbtmExperts#lossCurves()} (run = the label;
         * tokens_incl_seed counts its ancestors' tokens, so it continues the seed's curve). Its training loss includes
         * the weighted balancing loss (about 0.01).
         */
        public Table lossCurve() {
            CheckpointInfo info = info();
            return org.cbtm.train.CbtmExperts.lossCurves(Map.of(label, new RunDirectory(checkpoint.getParent()).metrics()),
                    Map.of(label, info.lineageTokens() - info.tokensSeen()));
        }

        /** The trained model (close it when done). */
        public GptLM load() {
            return Checkpoint.loadModel(checkpoint);
        }
    }

    /**
     * The sparse-upcycled MoE of {@code dense} (methods 4), written once as a checkpoint without optimiser state;
     * its lineage keeps the dense model's tokens.
     */
    public static Path upcycle(ArtifactStore store, Path dense, MoeConfig moe, double noise, long seed) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("method", "sparse upcycling");
        config.put("moe", moe);
        config.put("noise", noise);
        config.put("seed", seed);
        return stored(store, config, Map.of("dense", ArtifactStore.fingerprint(dense)), () -> {
            Checkpoint d = Checkpoint.read(dense);
            return Checkpoint.derived(Upcycling.upcycle(d.weights(), moe, noise, seed), d.info(), d.info().lineageTokens(),
                    "sparse upcycling of " + dense.toAbsolutePath() + " into " + moe.shortName());
        });
    }

    /**
     * The Branch-Train-MiX MoE of trained expert checkpoints (methods 5), written once; its lineage counts the first
     * expert's ancestors (the shared seed) once plus every expert's own tokens.
     */
    public static Path merge(ArtifactStore store, List<Path> experts, MoeConfig moe, long seed) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("method", "branch-train-mix");
        config.put("moe", moe);
        config.put("seed", seed);
        Map<String, String> inputs = new LinkedHashMap<>();
        for (int k = 0; k < experts.size(); k++) {
            inputs.put("expert-" + k, ArtifactStore.fingerprint(experts.get(k)));
        }
        return stored(store, config, inputs, () -> {
            List<Checkpoint> read = experts.stream().map(Checkpoint::read).toList();
            GptWeights merged = BranchTrainMix.merge(read.stream().map(Checkpoint::weights).toList(), moe, seed);
            CheckpointInfo first = read.get(0).info();
            long lineage = first.lineageTokens() - first.tokensSeen();
            for (Checkpoint c : read) {
                lineage += c.info().tokensSeen();
            }
            return Checkpoint.derived(merged, first, lineage, "branch-train-mix of " + experts.size() + " experts into "
                    + moe.shortName());
        });
    }

    private static Path stored(ArtifactStore store, Map<String, Object> config, Map<String, String> inputs,
                               java.util.function.Supplier<Checkpoint> make) {
        Path file = store.folder(INIT, ArtifactStore.key(INIT, config, inputs)).resolve(INIT_FILE);
        if (!Files.isRegularFile(file)) {
            make.get().write(file); // atomic: a reader never sees half of it
        }
        return file;
    }

    /**
     * Trains the MoE in {@code init} for {@code tokens} tokens of {@code mixture} with the expert kind's training
     * settings ({@link TransformerExperts#forBudget}), in a stable folder (a finished run is found, a killed one
     * resumes). {@code ingredients} is the training after the shared seed that went into {@code init} (null for an
     * upcycled seed; the experts' account for BTX); the result's account adds this run's FLOPs with the MoE's
     * active parameters, so it compares with C-BTM's and dense's training after the same seed.
     */
    public static Trained train(ArtifactStore store, String label, Path init, TransformerExperts kind, long tokens,
                                TokenShard mixture, TokenShard valid, ComputeAccount ingredients) {
        GptConfig model = Checkpoint.readInfo(init).model();
        if (model.moe() == null) {
            throw new IllegalArgumentException(init + " holds a dense model; upcycle or merge it first (MoeRuns.upcycle, MoeRuns.merge)");
        }
        TrainConfig training = kind.forBudget(tokens);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", model);
        config.put("train", training);
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("init", ArtifactStore.fingerprint(init));
        inputs.put("mixture", ArtifactStore.fingerprintInts(mixture.tokens(), mixture.starts()));
        if (valid != null) {
            inputs.put("valid", ArtifactStore.fingerprintInts(valid.tokens(), valid.starts()));
        }
        Path folder = store.folder(RUN, ArtifactStore.key(RUN, config, inputs));
        Path mixtureFile = CbtmTraining.saveIfChanged(mixture, folder.resolve("data/all.bin"));
        Path validFile = valid == null ? null : CbtmTraining.saveIfChanged(valid, folder.resolve("data/valid.bin"));
        TrainJob.Result r = new TrainJob(model, training, mixtureFile, validFile, init, folder.resolve("moe")).run();
        CheckpointInfo info = r.info();
        ComputeAccount own = ComputeAccount.neural(info.tokensSeen(), model.activeNonEmbeddingParameters(),
                info.trainSeconds(), info.device());
        return new Trained(label, r.checkpoint(), ingredients == null ? own : ingredients.plus(own));
    }

    /**
     * The training tokens (whole optimiser steps of {@code tokensPerStep}) at which the model of {@code init} spends
     * {@code flops} by the convention of methods 6 (6 x active non-embedding parameters x tokens): the MoE's budget
     * at equal training compute.
     */
    public static long tokensAtFlops(Path init, double flops, long tokensPerStep) {
        GptConfig model = Checkpoint.readInfo(init).model();
        long tokens = (long) Math.floor(flops / (6.0 * model.activeNonEmbeddingParameters()));
        long steps = tokens / tokensPerStep;
        if (steps < 1) {
            throw new IllegalArgumentException(flops + " FLOPs buy " + tokens + " tokens of " + model.shortName()
                    + ", less than one optimiser step of " + tokensPerStep);
        }
        return steps * tokensPerStep;
    }

    /** Routing tables of several runs stacked, with a {@code model} column (for one heatmap per run and layer). */
    public static Table routing(List<Trained> runs) {
        List<Table> parts = new ArrayList<>();
        for (Trained t : runs) {
            Table r = t.routing();
            r.insertColumn(0, tech.tablesaw.api.StringColumn.create("model", java.util.Collections.nCopies(r.rowCount(), t.label())));
            parts.add(r);
        }
        Table out = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            out = out.append(parts.get(i));
        }
        return out.setName("routing");
    }
}
