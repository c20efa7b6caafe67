package org.cbtm.train;

import org.cbtm.base.WorkInterrupted;
import org.cbtm.corpus.TokenShard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;


/**
 * The C-BTM training driver (methods 1.3): train a dense seed on the whole training mixture, then branch one expert
 * per cluster (a copy of the seed, optimiser state included) and train expert k on cluster k only, every expert
 * with the same {@code totalTokens / K} tokens whatever its cluster's size. The dense baseline is the same
 * procedure with K = 1 (the seed continues on all data with the whole budget).
 *
 * <p>Every expert is an independent, restartable job that reads its shard file and writes its checkpoint: a job
 * whose result exists is skipped, a job killed mid-way resumes from its last intermediate checkpoint, and when one
 * job fails the others still run and a second call re-runs only the failed one. Jobs run one after the other in
 * this JVM by default, or as {@code processes} separate JVMs at a time ({@code java ... TrainJob job.json}; DJL
 * allows one gradient collector per JVM, so parallel training must be separate processes).
 *
 * <pre>
 *   seedDir/                  the seed run (transformer experts only): final.ckpt, metrics.csv
 *   expertsDir/data/          shard-k.bin per cluster, all.bin, valid.bin
 *   expertsDir/expert-k/      expert k: final.ckpt + metrics.csv (transformer) or model.kn (n-gram), job.log
 * </pre>
 */
public final class CbtmTraining {

    /**
     * One C-BTM training run.
     *
     * @param kind        the expert kind (its seed, if it has one, is part of it)
     * @param totalTokens expert training tokens of the whole run, split equally over the K experts
     * @param processes   how many expert jobs run at once (1 = in this JVM, one after the other)
     */
    public record Plan(ExpertKind kind, long totalTokens, int processes) {
        public Plan {
            if (kind == null) {
                throw new IllegalArgumentException("a C-BTM plan needs an expert kind");
            }
            if (totalTokens < 1) {
                throw new IllegalArgumentException("the total token budget must be positive, got " + totalTokens);
            }
            if (processes < 1) {
                throw new IllegalArgumentException("processes must be at least 1, got " + processes);
            }
        }

        /** Sequential jobs in this JVM. */
        public static Plan of(ExpertKind kind, long totalTokens) {
            return new Plan(kind, totalTokens, 1);
        }

        /** The equal split of methods 1.3: every one of {@code k} experts gets {@code totalTokens / k} tokens. */
        public long tokensPerExpert(int k) {
            return totalTokens / k;
        }

        public Plan withProcesses(int n) {
            return new Plan(kind, totalTokens, n);
        }
    }

    /** The inputs of a run: the cluster shards, the whole training mixture (for the seed) and a held-out shard. */
    public record Data(List<TokenShard> clusterShards, TokenShard all, TokenShard valid) {
        public Data {
            clusterShards = List.copyOf(clusterShards);
            if (clusterShards.isEmpty() || all == null) {
                throw new IllegalArgumentException("C-BTM training needs at least one cluster shard and the whole mixture");
            }
            for (int c = 0; c < clusterShards.size(); c++) {
                if (clusterShards.get(c).numDocuments() == 0) {
                    throw new IllegalArgumentException("cluster " + c + " of " + clusterShards.size()
                            + " has no training documents: use fewer clusters or more data");
                }
            }
        }

        public int k() {
            return clusterShards.size();
        }
    }

    private CbtmTraining() {
    }

    /** Runs (or completes) the seed and the K expert jobs; see the class comment for the layout. */
    public static CbtmExperts run(Plan plan, Data data, Path seedDir, Path expertsDir) {
        int k = data.k();
        long perExpert = plan.tokensPerExpert(k);
        Path dataDir = expertsDir.resolve("data");
        List<Path> shardFiles = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            shardFiles.add(saveIfChanged(data.clusterShards().get(c), dataDir.resolve("shard-" + c + ".bin")));
        }
        Path validFile = data.valid() == null ? null : saveIfChanged(data.valid(), dataDir.resolve("valid.bin"));

        Path seed = null;
        if (plan.kind().hasSeed()) {
            Path allFile = saveIfChanged(data.all(), dataDir.resolve("all.bin"));
            seed = plan.kind().trainSeed(allFile, validFile, seedDir);
        }
        List<Runnable> jobs = new ArrayList<>();
        List<Path> experts = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            Path dir = expertsDir.resolve("expert-" + c);
            ExpertKind.ExpertJob job = plan.kind().expertJob(new ExpertKind.ExpertTask(c, shardFiles.get(c), validFile,
                    seed, perExpert, dir, plan.processes()));
            experts.add(job.artifact());
            if (!job.isDone()) {
                jobs.add(job.work());
            }
        }
        runAll(jobs, plan.processes());
        return new CbtmExperts(plan.kind(), seed, experts, perExpert);
    }

    /**
     * The shard in a seeded random document order when it holds more than the budget: an n-gram expert counts its
     * stream from the start up to its budget, so the budget must cover a random sample of the cluster's documents,
     * not whatever came first (a corpus listed source by source would lose whole sources). Transformer runs
     * shuffle their blocks themselves.
     */
    public static TokenShard sampleOrder(TokenShard shard, long budget, int cluster) {
        if (shard.numTokens() <= budget) {
            return shard;
        }
        int[] order = java.util.stream.IntStream.range(0, shard.numDocuments()).toArray();
        java.util.Random r = new java.util.Random(0x5EED_0000L + cluster);
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return shard.select(order);
    }

    /** Runs every job (at most {@code parallel} at once); a failed job does not stop the others. */
    private static void runAll(List<Runnable> jobs, int parallel) {
        List<String> failures = new ArrayList<>();
        if (parallel == 1) {
            for (Runnable job : jobs) {
                try {
                    job.run();
                } catch (WorkInterrupted e) {
                    throw e;
                } catch (RuntimeException e) {
                    failures.add(e.getMessage());
                }
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try {
                List<Future<?>> running = jobs.stream().<Future<?>>map(pool::submit).toList();
                for (Future<?> f : running) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        failures.add(e.getCause().getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new WorkInterrupted("training " + jobs.size() + " expert jobs");
                    }
                }
            } finally {
                pool.shutdownNow();   // interrupts running jobs, which stop their child processes
                awaitQuietly(pool);
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " of " + jobs.size() + " expert jobs failed (the others "
                    + "finished and are kept; run again to retry only the failed ones):\n  " + String.join("\n  ", failures));
        }
    }

    /** Waits (at most a minute) for interrupted jobs to stop their child processes before returning. */
    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes a shard unless an identical file is already there (so re-runs keep files and their timestamps). */
    public static Path saveIfChanged(TokenShard shard, Path file) {
        if (Files.isRegularFile(file) && TokenShard.load(file).equals(shard)) {
            return file;
        }
        return shard.save(file);
    }
}
