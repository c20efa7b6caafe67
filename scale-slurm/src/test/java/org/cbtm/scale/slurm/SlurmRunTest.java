package org.cbtm.scale.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.ProjectPaths;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.sources.SourceSpec;
import org.cbtm.eval.EvalConfig;
import org.cbtm.experiment.ArtifactStore;
import org.cbtm.experiment.CbtmConfig;
import org.cbtm.experiment.CbtmExperiment;
import org.cbtm.experiment.ClusterShards;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.train.NgramExperts;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TransformerExperts;

import tech.tablesaw.api.Table;

/** The array tasks' side without Slurm: prepare, run every task as its own call, evaluate. */
class SlurmRunTest {

    private static final CbtmConfig KN2 = CbtmConfig.balanced(2, new NgramExperts(new NgramConfig(2)), 4_000);

    /** The committed samples, every fifth document held out (as kernel-lib's tests do). */
    private static CbtmExperiment sample(Path store) {
        Path samples = ProjectPaths.root().resolve("datasets").resolve("samples");
        List<Document> all = SourceSpec.ALL.stream().flatMap(s -> s.read(samples.resolve(s.name())).stream()).toList();
        List<Document> train = new ArrayList<>();
        List<Document> test = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 5 == 4 ? test : train).add(all.get(i));
        }
        return new CbtmExperiment(train, test, Tokenizer.fullGpt2(), new ArtifactStore(store),
                EvalConfig.defaults().withContextLength(64).withProgress(false));
    }

    @Test
    void tasksTrainWhatTheInProcessRunTrainsAndNothingTwice(@TempDir Path dir) throws Exception {
        double inProcess;
        try (CbtmExperiment a = sample(dir.resolve("in-process"))) {
            inProcess = a.run(KN2).perplexity();
        }
        try (CbtmExperiment b = sample(dir.resolve("slurm"))) {
            SlurmRun.Prepared p = SlurmRun.prepare(b, KN2, null, null, null);
            assertEquals(List.of(0, 1), p.plan().pending());
            String kv = p.keyValues();
            assertTrue(kv.contains("\nk=2\n") && kv.contains("\npending=0,1\n") && kv.contains("\nseed=none\n")
                    && kv.contains("\ncpus=1\n") && kv.contains("\ngpus=0\n"), kv);
            assertEquals(List.of("not started", "not started"), SlurmRun.status(p.runDir()).stringColumn("state").asList());

            Path first = SlurmRun.expert(p.runDir(), 0);
            Path second = SlurmRun.expert(p.runDir(), 1);
            long stamp = Files.getLastModifiedTime(first).toMillis();
            assertEquals(first, SlurmRun.expert(p.runDir(), 0), "a finished expert is found");
            assertEquals(stamp, Files.getLastModifiedTime(first).toMillis(), "and not trained again");
            assertEquals(List.of(), SlurmRun.prepare(b, KN2, null, null, null).plan().pending());
            Table status = SlurmRun.status(p.runDir());
            assertEquals(List.of("done", "done"), status.stringColumn("state").asList());
            assertTrue(status.stringColumn("slurm").get(1).startsWith("none (not under Slurm)"), status.print());

            double elsewhere = b.run(KN2).perplexity();
            assertEquals(inProcess, elsewhere, 0.0, "the experts trained as tasks make the same ensemble");
            assertEquals(stamp, Files.getLastModifiedTime(first).toMillis(), "evaluation trained nothing");
            assertTrue(Files.isRegularFile(second));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> SlurmRun.expert(p.runDir(), 2));
            assertTrue(bad.getMessage().contains("K = 2"), bad.getMessage());
        }
    }

    @Test
    void shardsMadeElsewhereTrainOneExpertEach(@TempDir Path dir) {
        Path shards = dir.resolve("assigned");
        try (CbtmExperiment exp = sample(dir.resolve("store"))) {
            ClusterShards.build(exp.partition(KN2), exp.trainDocuments(), exp.tokenizer()).save(shards);
        }
        Path experts = dir.resolve("experts");
        SlurmRun.Prepared p = SlurmRun.prepareShards(shards, experts, KN2, null, null, null, null);
        assertEquals(List.of(0, 1), p.plan().pending());
        assertEquals(experts.resolve("slurm"), p.runDir());
        assertTrue(p.keyValues().contains("name=" + SlurmRun.jobName(p.runDir()) + "\n"), p.keyValues());
        for (int c = 0; c < 2; c++) {
            assertEquals(experts.resolve("expert-" + c).resolve("model.kn").toAbsolutePath(), SlurmRun.expert(p.runDir(), c));
        }
        assertEquals(List.of(), SlurmRun.prepareShards(shards, experts, KN2, null, null, null, null).plan().pending());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SlurmRun.prepareShards(shards,
                experts, KN2.withK(3), null, null, null, null));
        assertTrue(e.getMessage().contains("K = 3"), e.getMessage());
        // optimiser steps of 4 x 128 tokens: KN2's 2,000 tokens per expert are at least one step
        CbtmConfig seeded = KN2.withExpert(new TransformerExperts(new GptConfig(50_257, 1, 32, 2, 128, 0.0),
                TrainConfig.reference(1 << 14, 4, 128, 1e-3), 8_192));
        e = assertThrows(IllegalArgumentException.class, () -> SlurmRun.prepareShards(shards, experts, seeded, null,
                null, null, null));
        assertTrue(e.getMessage().contains("--seed-data"), e.getMessage());
    }

    @Test
    void configFilesRoundTrip(@TempDir Path dir) throws Exception {
        CbtmConfig transformer = CbtmConfig.balanced(4, new TransformerExperts(new GptConfig(300, 1, 32, 2, 128, 0.0),
                TrainConfig.quick(1 << 14), 8_192), 40_000).withTopK(2).withTemperature(0.5);
        for (CbtmConfig c : List.of(KN2, transformer)) {
            Path file = Files.writeString(dir.resolve("config.json"), CanonicalJson.of(c));
            assertEquals(c, SlurmRun.readConfig(file));
        }
        Files.writeString(dir.resolve("bad.json"), "{\"k\": 4}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlurmRun.readConfig(dir.resolve("bad.json")));
        assertTrue(e.getMessage().contains("bad.json"), e.getMessage());
        String typo = CanonicalJson.of(KN2).replace("\"seed\":0", "\"sede\":0");
        Files.writeString(dir.resolve("typo.json"), typo);
        e = assertThrows(IllegalArgumentException.class, () -> SlurmRun.readConfig(dir.resolve("typo.json")));
        assertTrue(e.getMessage().contains("'sede'"), e.getMessage());
    }

    @Test
    void resourcesComeFromTheKindAndCanBeOverridden() {
        Resources kn = Resources.forExpert(new NgramExperts(new NgramConfig(4)), 10_000_000, 10_000_000);
        assertEquals(new Resources(1, 512 + 512 + 2048 + 39, 0), kn);
        assertEquals(kn.memMb() - Resources.JVM_OVERHEAD_MB, kn.heapMb());
        Resources gpt = Resources.forExpert(new TransformerExperts(new GptConfig(300, 1, 32, 2, 128, 0.0),
                TrainConfig.quick(1 << 14), 8_192), 1 << 14, 1 << 16);
        assertEquals(1, gpt.gpus());
        assertEquals(new Resources(8, 4096, 0), gpt.with(8, 4096L, 0));
        assertThrows(IllegalArgumentException.class, () -> new Resources(0, 4096, 0));
        assertThrows(IllegalArgumentException.class, () -> new Resources(1, 100, 0));
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlurmRun.parseRun(new String[] {"--k", "4"}));
        assertTrue(e.getMessage().contains("--expert"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SlurmRun.parseRun(new String[] {"--k", "4", "--expert", "moe"}));
        assertTrue(e.getMessage().contains("ngram or transformer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SlurmRun.run(new String[] {"train"}));
        assertTrue(e.getMessage().contains("unknown command"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SlurmRun.run(new String[] {"expert", "/nonexistent", "0"}));
        assertTrue(e.getMessage().contains("not a prepared run"), e.getMessage());
    }
}
