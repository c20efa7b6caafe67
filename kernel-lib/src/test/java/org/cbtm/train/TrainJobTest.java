package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.Device;
import org.cbtm.base.CanonicalJson;
import org.cbtm.base.WorkInterrupted;
import org.cbtm.base.Provenance;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptLM;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainJobTest {

    @BeforeAll
    static void oneThread() {
        TestThreads.single();
    }

    static final GptConfig MODEL = TrainerTest.model(0.1);

    static TrainConfig config() {
        return TrainerTest.config(10).withCheckpointInterval(3).withEval(5, 32);
    }

    static TrainJob job(Path dir, String name, Path init) {
        Path train = dir.resolve("train.shard");
        Path valid = dir.resolve("valid.shard");
        if (!Files.exists(train)) {
            TrainerTest.countingCorpus(40, 21).save(train);
            TrainerTest.countingCorpus(10, 22).save(valid);
        }
        return new TrainJob(MODEL, config(), train, valid, init, dir.resolve(name));
    }

    @Test
    void runsOnceThenSkips(@TempDir Path dir) {
        TrainJob job = job(dir, "seed", null);
        assertFalse(job.isDone());
        TrainJob.Result first = job.run(false);
        assertEquals(TrainJob.Outcome.STARTED, first.outcome());
        assertTrue(first.info().finished());
        assertEquals(10, first.info().step());
        assertTrue(Files.exists(job.directory().metrics()));
        TrainJob.Result again = job.run(false);
        assertEquals(TrainJob.Outcome.SKIPPED_DONE, again.outcome());
        assertEquals(first.info(), again.info());
    }

    @Test
    void aKilledJobResumesFromItsLatestCheckpointAndEndsWhereAnUninterruptedOneDoes(@TempDir Path dir) {
        TrainJob straight = job(dir, "straight", null);
        straight.run(false);
        TrainJob crashed = job(dir, "crashed", null);
        // the first session dies after step 7: checkpoints at 3 and 6 were written, only 6 is kept
        try (Trainer t = Trainer.start(MODEL, config(), TokenShard.load(crashed.trainShard()),
                TokenShard.load(crashed.validShard()), Device.cpu()).showProgress(false).writeTo(crashed.outputDir())) {
            t.runSteps(7);
        }
        assertEquals(crashed.directory().intermediate(6), crashed.directory().latestIntermediate().orElseThrow());
        TrainJob.Result r = crashed.run(false);
        assertEquals(TrainJob.Outcome.RESUMED, r.outcome());
        Checkpoint a = Checkpoint.read(straight.finalCheckpoint());
        Checkpoint b = Checkpoint.read(crashed.finalCheckpoint());
        assertTrue(a.weights().sameValues(b.weights()), "max diff " + a.weights().maxAbsDifference(b.weights()));
        assertTrue(a.optimizer().sameValues(b.optimizer()));
        assertEquals(a.info().validLoss(), b.info().validLoss());
        assertFalse(crashed.directory().latestIntermediate().isPresent(), "intermediates are removed at the end");
        // the metrics log has each step once, in order, although steps 7 was logged twice by the two sessions
        long[] steps = TrainMetricsTestSupport.steps(crashed.directory().metrics());
        for (int i = 1; i < steps.length; i++) {
            assertTrue(steps[i] > steps[i - 1], java.util.Arrays.toString(steps));
        }
    }

    @Test
    void branchesFromAnInitCheckpoint(@TempDir Path dir) {
        TrainJob seed = job(dir, "seed", null);
        seed.run(false);
        TrainJob expert = job(dir, "expert", seed.finalCheckpoint());
        TrainJob.Result r = expert.run(false);
        assertEquals(TrainJob.Outcome.BRANCHED, r.outcome());
        assertEquals(seed.finalCheckpoint().toAbsolutePath().toString(), r.info().parentPath());
        assertEquals(2 * r.info().tokensSeen(), r.info().lineageTokens());
        // the loaded expert carries the checkpoint's provenance: config, data fingerprints, tokens, seed, device, time
        try (GptLM lm = Checkpoint.loadModel(r.checkpoint())) {
            Provenance p = lm.provenance();
            assertEquals("gpt expert", p.kind());
            assertEquals(CanonicalJson.of(Map.of("model", MODEL, "train", config())), p.config());
            assertEquals(Fingerprint.of(TokenShard.load(expert.trainShard())), p.input("train shard"));
            assertEquals(Fingerprint.of(TokenShard.load(expert.validShard())), p.input("valid shard"));
            assertEquals(Long.toString(r.info().tokensSeen()), p.input("tokens seen"));
            assertEquals(Long.toString(r.info().lineageTokens()), p.input("lineage tokens"));
            assertEquals(r.info().device(), p.input("device"));
            assertEquals(Checkpoint.readInfo(seed.finalCheckpoint()).provenance().fingerprint(), p.input("parent"));
            assertEquals(config().seed(), p.seed());
            assertEquals(r.info().created(), p.created());
            assertEquals(Provenance.currentLibraryVersion(), p.libraryVersion());
            assertEquals("gpt model", Checkpoint.readInfo(seed.finalCheckpoint()).provenance().kind(),
                    "the seed is trained from scratch");
        }
        TrainJob other = new TrainJob(new GptConfig(30, 1, 32, 2, 16, 0), config(), expert.trainShard(), null,
                seed.finalCheckpoint(), dir.resolve("bad"));
        var e = assertThrows(IllegalArgumentException.class, () -> other.run(false));
        assertTrue(e.getMessage().contains("cannot branch"), e.getMessage());
    }

    @Test
    void jobsRoundTripThroughJsonAndRunFromMain(@TempDir Path dir) throws Exception {
        TrainJob job = job(dir, "viaMain", null);
        Path file = job.write(dir.resolve("job.json"));
        assertEquals(job, TrainJob.read(file));
        // relative paths are resolved against the file's folder
        String json = Files.readString(file).replace(dir.toAbsolutePath() + "/", "");
        Files.writeString(dir.resolve("relative.json"), json);
        assertEquals(job, TrainJob.read(dir.resolve("relative.json")));
        TrainJob.main(new String[] {file.toString(), "--quiet"});
        assertTrue(job.isDone());
    }

    @Test
    void runsInItsOwnProcess(@TempDir Path dir) throws Exception {
        TrainJob job = job(dir, "child", null);
        Process p = TrainJob.processBuilder(job.write(dir.resolve("child.json")), "-Xmx512m")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), output);
        assertTrue(output.contains("STARTED"), output);
        assertTrue(job.isDone());
        assertEquals(10, Checkpoint.readInfo(job.finalCheckpoint()).step());
    }

    /**
     * Kernel > Interrupt on a cell that waits for an expert job: the child process is stopped (it must not go on
     * writing into the run folder), the caller gets a {@link WorkInterrupted}, the last checkpoint is usable and a
     * rerun resumes from it.
     */
    @Test
    void anInterruptedProcessJobStopsItsChildAndARerunResumes(@TempDir Path dir) throws Exception {
        Path train = dir.resolve("train.shard");
        TrainerTest.countingCorpus(40, 21).save(train);
        TrainJob job = new TrainJob(MODEL, TrainerTest.config(2_000).withCheckpointInterval(10), train, null, null,
                dir.resolve("long"));
        Path file = job.write(dir.resolve("long.json"));
        java.util.concurrent.CompletableFuture<Throwable> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                TrainJob.runProcess(file, dir.resolve("long.log"));
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, r -> new Thread(r, "cell").start());
        Thread cell = null;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (job.directory().latestIntermediate().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(job.directory().latestIntermediate().isPresent(), "no checkpoint within 2 minutes");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            cell = t.getName().equals("cell") ? t : cell;
        }
        cell.interrupt();
        Throwable t = waiting.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(t instanceof WorkInterrupted, String.valueOf(t));
        assertTrue(t.getMessage().contains("running it again resumes"), t.getMessage());
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
                "the child job was stopped");
        long step = Checkpoint.readInfo(job.directory().latestIntermediate().orElseThrow()).step();
        assertTrue(step > 0 && step < 2_000 && step % 10 == 0, "step " + step);
        TrainJob.Result rerun = job.run(false);
        assertEquals(TrainJob.Outcome.RESUMED, rerun.outcome());
        assertEquals(2_000, rerun.info().step());
    }

    @Test
    void refusesToResumeARunWithOtherSettings(@TempDir Path dir) {
        TrainJob job = job(dir, "run", null);
        try (Trainer t = Trainer.start(MODEL, config(), TokenShard.load(job.trainShard()), null, Device.cpu())
                .showProgress(false).writeTo(job.outputDir())) {
            t.runSteps(4);
        }
        TrainJob changed = new TrainJob(MODEL, config().withSeed(5), job.trainShard(), job.validShard(), null, job.outputDir());
        var e = assertThrows(IllegalStateException.class, () -> changed.run(false));
        assertTrue(e.getMessage().contains("other settings"), e.getMessage());
    }
}
