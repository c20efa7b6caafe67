package org.cbtm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.cbtm.corpus.TokenShard;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.TestThreads;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TrainJob;
import org.cbtm.train.TransformerExperts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard profile's promise "a killed run continues from its last checkpoint": an expert of the standard
 * profile's model (the small vocabulary, 2 layers, width 64, batches of 8 x 128) trained as a separate process is
 * killed by the operating system (SIGKILL, no chance to clean up) after its first intermediate checkpoint, then
 * resumed; its final weights and optimiser state equal, bit for bit, those of a run that was never interrupted.
 */
class StandardExpertResumeTest {

    @BeforeAll
    static void oneThread() {
        TestThreads.single();
    }

    /** Text-like token data in the small vocabulary: sentences of a small grammar, encoded by its tokenizer. */
    private static TokenShard sentences(int docs, long seed) {
        String[] subjects = {"The river", "A small committee", "Her brother", "The old engine", "Every student"};
        String[] verbs = {"carried", "examined", "described", "refused", "remembered"};
        String[] objects = {"the letters", "a quiet harbour", "the annual report", "its own shadow", "the second plan"};
        SplittableRandom r = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            StringBuilder b = new StringBuilder();
            for (int s = 0; s < 6 + r.nextInt(6); s++) {
                b.append(subjects[r.nextInt(subjects.length)]).append(' ').append(verbs[r.nextInt(verbs.length)])
                        .append(' ').append(objects[r.nextInt(objects.length)]).append(". ");
            }
            texts.add(b.toString());
        }
        return TokenShard.encodeTexts(Presets.standardTokenizer(), texts);
    }

    @Test
    void aStandardProfileExpertKilledByTheSystemResumesBitExactly(@TempDir Path dir) throws Exception {
        TransformerExperts kind = Presets.standardTransformer(2, 64, 2);
        assertEquals(4_097, kind.model().vocabSize());
        TrainConfig train = kind.forBudget(24 * kind.training().tokensPerStep()); // 24 steps, a checkpoint every 6
        Path shard = dir.resolve("cluster.shard");
        sentences(300, 7).save(shard);

        TrainJob straight = new TrainJob(kind.model(), train, shard, null, null, dir.resolve("straight"));
        straight.run(false);

        TrainJob killed = new TrainJob(kind.model(), train, shard, null, null, dir.resolve("killed"));
        Path file = killed.write(dir.resolve("killed.json"));
        CompletableFuture<Throwable> child = CompletableFuture.supplyAsync(() -> {
            try {
                TrainJob.runProcess(file, dir.resolve("killed.log"), "-Dai.djl.pytorch.num_threads=1",
                        "-Dai.djl.pytorch.num_interop_threads=1");
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (killed.directory().latestIntermediate().isEmpty() && !child.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(killed.directory().latestIntermediate().isPresent(), "no intermediate checkpoint within 2 minutes");
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly); // SIGKILL
        Throwable failure = child.get(60, TimeUnit.SECONDS);
        assertTrue(failure != null, "the killed job must not report success");
        long stoppedAt = Checkpoint.readInfo(killed.directory().latestIntermediate().orElseThrow()).step();
        assertTrue(stoppedAt > 0 && stoppedAt < 24, "killed at step " + stoppedAt);

        TrainJob.Result resumed = killed.run(false);
        assertEquals(TrainJob.Outcome.RESUMED, resumed.outcome());
        Checkpoint a = Checkpoint.read(straight.finalCheckpoint());
        Checkpoint b = Checkpoint.read(killed.finalCheckpoint());
        assertEquals(24, b.info().step());
        assertTrue(a.weights().sameValues(b.weights()), "max diff " + a.weights().maxAbsDifference(b.weights()));
        assertTrue(a.optimizer().sameValues(b.optimizer()), "the Adam state differs after the resume");
    }
}
