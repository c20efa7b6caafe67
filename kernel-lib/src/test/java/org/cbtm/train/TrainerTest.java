package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptLM;
import org.cbtm.lm.gpt.GptWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    @BeforeAll
    static void oneThread() {
        TestThreads.single();
    }

    static final int VOCAB = 30;

    /** {@link CountingCorpus} over this test's vocabulary. */
    static TokenShard countingCorpus(int docs, long seed) {
        return CountingCorpus.of(docs, seed, VOCAB);
    }

    static double unigramEntropy(TokenShard shard) {
        double[] counts = new double[shard.vocabSize()];
        for (int t : shard.tokens()) {
            counts[t]++;
        }
        double h = 0;
        for (double c : counts) {
            if (c > 0) {
                double p = c / shard.numTokens();
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    static GptConfig model(double dropout) {
        return new GptConfig(VOCAB, 2, 32, 2, 16, dropout);
    }

    static TrainConfig config(long steps) {
        return TrainConfig.reference(steps * 8 * 16, 8, 16, 3e-3)
                .withSchedule(TrainConfig.Schedule.COSINE, (int) Math.min(5, steps - 1), 0.1)
                .withEval(0, 64).withCheckpointInterval(0).withLogInterval(5);
    }

    @Test
    void overfitsATinyCorpusFarBelowTheUnigramEntropy() {
        TokenShard train = countingCorpus(60, 1);
        TokenShard valid = countingCorpus(20, 2);
        double unigram = unigramEntropy(train);
        try (Trainer t = Trainer.start(model(0), config(150), train, valid, Device.cpu()).showProgress(false)) {
            CheckpointInfo info = t.run();
            assertEquals(150, info.step());
            assertTrue(info.finished());
            List<TrainMetrics> rows = t.metrics();
            double first = rows.get(0).trainLoss();
            double last = rows.get(rows.size() - 1).trainLoss();
            assertTrue(first > 0.8 * unigram, "starts near chance: " + first + " vs unigram " + unigram);
            assertTrue(last < 0.4 * unigram, "train loss " + last + " should fall well below the unigram entropy " + unigram);
            assertTrue(t.validLoss() < 0.5 * unigram, "held-out loss " + t.validLoss() + " vs unigram " + unigram);
            assertEquals(150L * 8 * 16, info.tokensSeen());
        }
    }

    /** An interrupted thread (a notebook's Kernel > Interrupt) stops training between steps, keeping its checkpoints. */
    @Test
    void anInterruptStopsTrainingBetweenStepsAndKeepsTheCheckpoints(@TempDir Path dir) throws Exception {
        TokenShard train = countingCorpus(60, 1);
        try (Trainer t = Trainer.start(model(0), config(1_000_000).withCheckpointInterval(5), train, null, Device.cpu())
                .showProgress(false).writeTo(dir)) {
            Thread.currentThread().interrupt();
            org.cbtm.base.WorkInterrupted e = assertThrows(org.cbtm.base.WorkInterrupted.class, () -> t.runSteps(1_000_000));
            assertTrue(Thread.interrupted(), "the interrupt flag stays set for the caller");
            assertEquals(0, t.step(), "stopped before the next step");
            assertTrue(e.getMessage().contains("interrupted"));
            t.runSteps(12);   // not interrupted any more: goes on, and writes checkpoints that a rerun resumes from
            assertEquals(12, t.step());
        }
        assertTrue(new RunDirectory(dir).latestIntermediate().isPresent());
    }

    @Test
    void resumedRunEqualsUninterruptedRunWithoutDropout(@TempDir Path dir) {
        resumeEqualsUninterrupted(0.0, dir);
    }

    @Test
    void resumedRunEqualsUninterruptedRunWithDropout(@TempDir Path dir) {
        resumeEqualsUninterrupted(0.2, dir);
    }

    private void resumeEqualsUninterrupted(double dropout, Path dir) {
        TokenShard train = countingCorpus(10, 3); // a few blocks: the 12 steps cycle through several epochs
        TrainConfig cfg = config(12).withClipNorm(0.5);
        Checkpoint straight;
        try (Trainer t = Trainer.start(model(dropout), cfg, train, null, Device.cpu()).showProgress(false)) {
            t.run();
            straight = t.checkpoint();
        }
        Path saved = dir.resolve("mid.ckpt");
        try (Trainer t = Trainer.start(model(dropout), cfg, train, null, Device.cpu()).showProgress(false)) {
            t.runSteps(5); // "killed" after step 5
            t.checkpoint().write(saved);
        }
        Checkpoint resumedFinal;
        try (Trainer t = Trainer.resume(Checkpoint.read(saved), train, null, Device.cpu()).showProgress(false)) {
            assertEquals(5, t.step());
            CheckpointInfo done = t.run();
            assertEquals(12, done.step());
            assertTrue(done.finished());
            resumedFinal = t.checkpoint();
        }
        assertTrue(resumedFinal.weights().sameValues(straight.weights()),
                "max difference " + resumedFinal.weights().maxAbsDifference(straight.weights()));
        assertTrue(resumedFinal.optimizer().sameValues(straight.optimizer()));
        assertEquals(straight.info().dataPosition(), resumedFinal.info().dataPosition());
        assertEquals(12 * 8, resumedFinal.info().dataPosition());
    }

    @Test
    void dropoutChangesTheTrajectory() {
        TokenShard train = countingCorpus(10, 3);
        GptWeights noDrop;
        try (Trainer a = Trainer.start(model(0.0), config(3), train, null, Device.cpu()).showProgress(false)) {
            a.run();
            noDrop = a.model().weights();
        }
        try (Trainer c = Trainer.start(model(0.2), config(3), train, null, Device.cpu()).showProgress(false)) {
            c.run();
            assertTrue(c.model().weights().maxAbsDifference(noDrop) > 1e-5);
        }
    }

    @Test
    void branchingCopiesWeightsAndOptimiserStateExactly(@TempDir Path dir) {
        TokenShard seedData = countingCorpus(30, 4);
        TokenShard expertData = countingCorpus(30, 5);
        Checkpoint seed;
        try (Trainer t = Trainer.start(model(0), config(6), seedData, null, Device.cpu()).showProgress(false)) {
            t.run();
            seed = t.checkpoint();
        }
        Path seedFile = seed.write(dir.resolve("seed.ckpt"));
        Checkpoint fromDisk = Checkpoint.read(seedFile);
        assertTrue(fromDisk.weights().sameValues(seed.weights()));
        assertTrue(fromDisk.optimizer().sameValues(seed.optimizer()));
        TrainConfig expertCfg = config(4).withSeed(9);
        try (Trainer branch = Trainer.branch(fromDisk, seedFile.toString(), model(0), expertCfg, expertData, null, Device.cpu())
                .showProgress(false)) {
            Checkpoint start = branch.checkpoint();
            assertTrue(start.weights().sameValues(seed.weights()), "branch starts from the seed's weights");
            assertTrue(start.optimizer().sameValues(seed.optimizer()), "and from its optimiser state");
            assertEquals(6, start.optimizer().updates());
            assertEquals(0, start.info().step());
            CheckpointInfo done = branch.run();
            assertEquals(4 * 8 * 16, done.tokensSeen());
            assertEquals((6 + 4) * 8 * 16, done.lineageTokens());
            assertEquals(seedFile.toString(), done.parentPath());
            assertEquals(seed.info().trainShard(), done.parent().trainShard());
            assertFalse(done.trainShard().equals(done.parent().trainShard()));
            assertEquals(10, branch.checkpoint().optimizer().updates());
        }
    }

    @Test
    void averagingTwoIdenticalCheckpointsGivesTheSameModel() {
        TokenShard data = countingCorpus(20, 6);
        try (Trainer t = Trainer.start(model(0), config(3), data, null, Device.cpu()).showProgress(false)) {
            t.run();
            Checkpoint c = t.checkpoint();
            Checkpoint avg = Checkpoint.average(List.of(c, c), new double[] {0.5, 0.5}, "test");
            assertTrue(avg.weights().sameValues(c.weights()));
            try (GptLM a = GptLM.of(c.weights(), Device.cpu()); GptLM b = GptLM.of(avg.weights(), Device.cpu())) {
                int[] doc = data.document(0);
                float[] x = a.sequenceLogProbs(doc);
                float[] y = b.sequenceLogProbs(doc);
                assertEquals(x.length, y.length);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(x[i], y[i], 0f);
                }
            }
        }
    }

    @Test
    void nativeMemoryDoesNotGrowWithSteps() {
        TokenShard data = countingCorpus(20, 7);
        try (Trainer t = Trainer.start(model(0.1), config(40).withEval(5, 64), data, countingCorpus(10, 8), Device.cpu())
                .showProgress(false)) {
            t.runSteps(5);
            int before = ((BaseNDManager) t.model().manager()).getManagedArrays().size();
            t.runSteps(30);
            int after = ((BaseNDManager) t.model().manager()).getManagedArrays().size();
            assertEquals(before, after, "arrays alive after 5 and after 35 steps");
        }
    }

    @Test
    void writesMetricsAndCheckpoints(@TempDir Path dir) throws Exception {
        TokenShard data = countingCorpus(20, 9);
        TrainConfig cfg = config(10).withCheckpointInterval(4).withEval(5, 32);
        try (Trainer t = Trainer.start(model(0), cfg, data, countingCorpus(5, 10), Device.cpu()).showProgress(false)
                .writeTo(dir)) {
            t.runSteps(9);
            assertTrue(Files.exists(dir.resolve("step-00000008.ckpt")));
            assertFalse(Files.exists(dir.resolve("step-00000004.ckpt")), "only the latest intermediate is kept");
            t.run();
        }
        assertTrue(Files.exists(dir.resolve("final.ckpt")));
        assertFalse(Files.exists(dir.resolve("step-00000008.ckpt")));
        List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(TrainMetrics.CSV_HEADER, lines.get(0));
        assertEquals("10", lines.get(lines.size() - 1).split(",")[0]);
        long evalRows = lines.stream().skip(1).filter(l -> !l.split(",", -1)[3].isEmpty()).count();
        assertEquals(2, evalRows, lines.toString()); // steps 5 and 10
        CheckpointInfo info = Checkpoint.readInfo(dir.resolve("final.ckpt"));
        assertTrue(info.finished());
        assertEquals(cfg, info.train());
        assertTrue(info.validLoss() > 0);
        try (var stream = Files.list(dir)) {
            assertTrue(stream.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void invalidTrainingSetupsFailClearly() {
        var e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.reference(100, 1, 128, 1e-3));
        assertTrue(e.getMessage().contains("smaller than one step"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.reference(10_000, 4, 16, 0));
        assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.reference(64 * 10, 4, 16, 1e-3).withSchedule(TrainConfig.Schedule.COSINE, 10, 0));
        assertTrue(e.getMessage().contains("warmupSteps"), e.getMessage());
        TokenShard data = countingCorpus(20, 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.start(model(0), TrainConfig.reference(10_000, 4, 32, 1e-3), data, null, Device.cpu()));
        assertTrue(e.getMessage().contains("context length"), e.getMessage());
        TokenShard other = TokenShard.ofDocuments(List.of(new int[] {1, 2, 3}), 99);
        e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.start(model(0), config(3), other, null, Device.cpu()));
        assertTrue(e.getMessage().contains("vocabulary"), e.getMessage());
    }

    @Test
    void scheduleShapes() {
        TrainConfig poly = TrainConfig.reference(100 * 64, 4, 16, 1.0);
        assertEquals(1.0, poly.learningRate(0), 1e-12);
        assertEquals(0.5, poly.learningRate(50), 1e-12);
        assertEquals(0.01, poly.learningRate(99), 1e-12);
        TrainConfig cos = poly.withSchedule(TrainConfig.Schedule.COSINE, 10, 0.1);
        assertEquals(0.1, cos.learningRate(0), 1e-12);
        assertEquals(1.0, cos.learningRate(9), 1e-12);
        assertEquals(1.0, cos.learningRate(10), 1e-12);
        assertEquals(0.55, cos.learningRate(55), 1e-12);
    }
}
