package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.cbtm.lm.LanguageModel;

import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.TinyGpt;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CbtmTrainingTest {

    private static final int VOCAB = 40;

    @BeforeAll
    static void threads() {
        TestThreads.single();
    }

    /** Documents of one "cluster": runs of ids counting up by {@code step} from a random start. */
    private static TokenShard cluster(int docs, int step, long seed) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            int[] doc = new int[8 + r.nextInt(8)];
            int t = 1 + r.nextInt(VOCAB - 1);
            for (int i = 0; i < doc.length; i++) {
                doc[i] = t;
                t = 1 + (t - 1 + step) % (VOCAB - 1);
            }
            out.add(doc);
        }
        return TokenShard.ofDocuments(out, VOCAB);
    }

    private static CbtmTraining.Data data() {
        TokenShard a = cluster(60, 1, 1);
        TokenShard b = cluster(20, 3, 2); // a smaller cluster: its expert still gets the same budget
        List<int[]> all = new ArrayList<>();
        for (TokenShard s : List.of(a, b)) {
            for (int i = 0; i < s.numDocuments(); i++) {
                int[] d = s.document(i);
                all.add(java.util.Arrays.copyOf(d, d.length - 1));
            }
        }
        return new CbtmTraining.Data(List.of(a, b), TokenShard.ofDocuments(all, VOCAB), cluster(10, 1, 3));
    }

    @Test
    void ngramExpertsSplitTheBudgetEquallyAndRerunOnlyWhatIsMissing(@TempDir Path dir) throws Exception {
        CbtmTraining.Data data = data();
        var plan = CbtmTraining.Plan.of(new NgramExperts(new NgramConfig(3)), 600);
        CbtmExperts experts = CbtmTraining.run(plan, data, dir.resolve("seed"), dir.resolve("k2"));
        assertEquals(300, experts.budgetPerExpert());
        for (int k = 0; k < 2; k++) {
            KneserNeyLM m = (KneserNeyLM) experts.load(k);
            assertEquals(Math.min(300, data.clusterShards().get(k).numTokens()), m.tokensUsed());
        }
        assertEquals(Math.min(300, data.clusterShards().get(0).numTokens()) + Math.min(300, data.clusterShards().get(1).numTokens()),
                experts.expertTokens(), "n-gram experts count what they read, not the budget");
        // a re-run keeps finished experts; a missing one (a failed job) is the only one redone
        Path e0 = experts.experts().get(0);
        Files.setLastModifiedTime(e0, FileTime.fromMillis(1_000));
        Files.delete(experts.experts().get(1));
        CbtmTraining.run(plan, data, dir.resolve("seed"), dir.resolve("k2"));
        assertEquals(1_000, Files.getLastModifiedTime(e0).toMillis());
        assertTrue(Files.isRegularFile(experts.experts().get(1)));
    }

    @Test
    void transformerExpertsBranchFromTheSeed(@TempDir Path dir) {
        GptConfig model = TinyGpt.config(VOCAB).withContextLength(16);
        TrainConfig train = TrainConfig.reference(64 * 4, 4, 16, 3e-3);
        var kind = new TransformerExperts(model, train, 4 * 64);
        var plan = CbtmTraining.Plan.of(kind, 2 * 2 * 64);
        CbtmExperts experts = CbtmTraining.run(plan, data(), dir.resolve("seed"), dir.resolve("k2"));
        CheckpointInfo seed = Checkpoint.readInfo(experts.seed());
        assertEquals(4 * 64, seed.tokensSeen());
        for (Path e : experts.experts()) {
            CheckpointInfo info = Checkpoint.readInfo(e);
            assertEquals(2 * 64, info.tokensSeen(), "every expert trains total / K tokens");
            assertEquals(seed.tokensSeen() + info.tokensSeen(), info.lineageTokens());
            assertEquals(experts.seed().toAbsolutePath().toString(), info.parentPath());
            assertEquals(seed.step(), info.parent().step());
        }
        assertNotEquals(experts.experts().get(0), experts.experts().get(1));
        var curves = experts.lossCurves();
        assertEquals(List.of("seed", "expert 0", "expert 1"), curves.stringColumn("run").unique().asList());
        try (var lm = experts.load(1)) {
            assertEquals(VOCAB, lm.vocabSize());
        }
    }

    @Test
    void transformerExpertsRunAsSeparateProcesses(@TempDir Path dir) {
        GptConfig model = TinyGpt.config(VOCAB).withContextLength(16);
        var kind = new TransformerExperts(model, TrainConfig.reference(64 * 2, 4, 16, 3e-3), 2 * 64);
        var plan = CbtmTraining.Plan.of(kind, 2 * 64).withProcesses(2);
        CbtmExperts experts = CbtmTraining.run(plan, data(), dir.resolve("seed"), dir.resolve("k2"));
        for (Path e : experts.experts()) {
            assertEquals(64, Checkpoint.readInfo(e).tokensSeen());
            assertTrue(Files.isRegularFile(e.getParent().resolve("job.log")));
        }
    }

    /**
     * A kind whose jobs only record how many run at once (and fail for one cluster): the scheduler's own behaviour,
     * without training anything.
     */
    private record RecordingKind(AtomicInteger running, AtomicInteger most, Set<Integer> finished, int failing,
                                 List<Integer> threads) implements ExpertKind {
        @Override
        public String name() {
            return "recording";
        }

        @Override
        public ExpertJob expertJob(ExpertTask task) {
            threads.add(task.threadsPerJob());
            return new ExpertJob(task.dir().resolve("done"), () -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                if (task.cluster() == failing) {
                    throw new IllegalStateException("cluster " + task.cluster() + " failed on purpose");
                }
                finished.add(task.cluster());
            });
        }

        @Override
        public LanguageModel load(Path artifact) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ComputeAccount account(Path artifact) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void parallelJobsNeverExceedTheProcessesAskedAndAFailureLeavesTheOthersFinished(@TempDir Path dir) {
        List<TokenShard> shards = new ArrayList<>();
        for (int c = 0; c < 7; c++) {
            shards.add(cluster(3, 1 + c % 3, c));
        }
        var data = new CbtmTraining.Data(shards, cluster(10, 1, 99), null);
        for (int processes : new int[] {1, 2, 3}) {
            var kind = new RecordingKind(new AtomicInteger(), new AtomicInteger(), ConcurrentHashMap.newKeySet(), 4,
                    new CopyOnWriteArrayList<>());
            var plan = new CbtmTraining.Plan(kind, 7 * 10, processes);
            var e = assertThrows(IllegalStateException.class,
                    () -> CbtmTraining.run(plan, data, dir.resolve("seed"), dir.resolve("p" + processes)));
            assertTrue(e.getMessage().contains("1 of 7 expert jobs failed") && e.getMessage().contains("cluster 4"),
                    e.getMessage());
            assertEquals(Set.of(0, 1, 2, 3, 5, 6), kind.finished(), "every other job finished");
            assertTrue(kind.most().get() <= processes, kind.most().get() + " jobs ran at once, asked " + processes);
            if (processes > 1) {
                assertEquals(processes, kind.most().get(), "the jobs do run side by side");
            }
            int cores = Runtime.getRuntime().availableProcessors();
            assertTrue(kind.threads().stream().allMatch(t -> t == Math.max(1, cores / processes)), kind.threads()
                    + " threads per job for " + processes + " jobs on " + cores + " cores");
        }
    }

    @Test
    void invalidPlansFailClearly() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TransformerExperts(TinyGpt.config(VOCAB), TrainConfig.reference(64, 4, 16, 1e-3), 0));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
        var kind = new TransformerExperts(TinyGpt.config(VOCAB), TrainConfig.reference(64, 4, 16, 1e-3), 64);
        e = assertThrows(IllegalArgumentException.class, () -> kind.forBudget(10));
        assertTrue(e.getMessage().contains("shorter than one optimiser step"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CbtmTraining.Data(
                List.of(cluster(3, 1, 1), TokenShard.ofDocuments(List.of(), VOCAB)), cluster(3, 1, 1), null));
        assertTrue(e.getMessage().contains("cluster 1"), e.getMessage());
    }
}
