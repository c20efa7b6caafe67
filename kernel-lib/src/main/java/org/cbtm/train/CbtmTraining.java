package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cbtm.lm.ngram.KneserNeyLM;

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
     * @param kind        n-gram or transformer experts
     * @param seedTokens  tokens of the dense seed run on the whole mixture (ignored by kinds without a seed)
     * @param totalTokens expert training tokens of the whole run, split equally over the K experts
     * @param processes   how many expert jobs run at once (1 = in this JVM, one after the other)
     */
    public record Plan(ExpertKind kind, long seedTokens, long totalTokens, int processes) {
        public Plan {
            if (kind == null) {
                throw new IllegalArgumentException("a C-BTM plan needs an expert kind");
            }
            if (totalTokens < 1) {
                throw new IllegalArgumentException("the total token budget must be positive, got " + totalTokens);
            }
            if (kind.hasSeed() && seedTokens < 1) {
                throw new IllegalArgumentException(kind.name() + " experts branch from a seed: seedTokens must be positive, got "
                        + seedTokens);
            }
            if (processes < 1) {
                throw new IllegalArgumentException("processes must be at least 1, got " + processes);
            }
        }

        /** Sequential jobs in this JVM. */
        public static Plan of(ExpertKind kind, long seedTokens, long totalTokens) {
            return new Plan(kind, seedTokens, totalTokens, 1);
        }

        /** The equal split of methods 1.3: every one of {@code k} experts gets {@code totalTokens / k} tokens. */
        public long tokensPerExpert(int k) {
            return totalTokens / k;
        }

        public Plan withProcesses(int n) {
            return new Plan(kind, seedTokens, totalTokens, n);
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
        if (plan.kind() instanceof ExpertKind.Transformer t) {
            Path allFile = saveIfChanged(data.all(), dataDir.resolve("all.bin"));
            TrainJob seedJob = new TrainJob(t.model(), t.forBudget(plan.seedTokens()), allFile, validFile, null, seedDir);
            seed = seedJob.run().checkpoint();
        }
        List<Runnable> jobs = new ArrayList<>();
        List<Path> experts = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            Path dir = expertsDir.resolve("expert-" + c);
            experts.add(expertJob(plan, c, shardFiles.get(c), validFile, seed, perExpert, dir, jobs));
        }
        runAll(jobs, plan.processes());
        return new CbtmExperts(plan.kind(), seed, experts, perExpert);
    }

    /** The artifact of expert {@code c}, adding the job that makes it to {@code jobs} unless it exists. */
    private static Path expertJob(Plan plan, int c, Path shard, Path valid, Path seed, long tokens, Path dir,
                                  List<Runnable> jobs) {
        return switch (plan.kind()) {
            case ExpertKind.Ngram n -> {
                Path model = dir.resolve("model.kn");
                if (!Files.isRegularFile(model)) {
                    jobs.add(() -> {
                        long start = System.nanoTime();
                        KneserNeyLM lm = KneserNeyLM.train(sampleOrder(TokenShard.load(shard), tokens, c), n.config(),
                                tokens);
                        double seconds = (System.nanoTime() - start) / 1e9;
                        // the timing first: model.kn is the "done" mark, so a crash in between only loses a retry
                        org.cbtm.base.AtomicFiles.writeString(dir.resolve("train-seconds.txt"), seconds + "\n");
                        lm.save(model);
                    });
                }
                yield model;
            }
            case ExpertKind.Transformer t -> {
                TrainJob job = new TrainJob(t.model(), t.forBudget(tokens), shard, valid, seed, dir);
                if (!job.isDone()) {
                    if (plan.processes() == 1) {
                        jobs.add(job::run);
                    } else {
                        Path file = job.write(dir.resolve("job.json"));
                        jobs.add(() -> runProcess(file, dir.resolve("job.log")));
                    }
                }
                yield job.finalCheckpoint();
            }
        };
    }

    /**
     * The shard in a seeded random document order when it holds more than the budget: an n-gram expert counts its
     * stream from the start up to its budget, so the budget must cover a random sample of the cluster's documents,
     * not whatever came first (a corpus listed source by source would lose whole sources). Transformer runs
     * shuffle their blocks themselves.
     */
    static TokenShard sampleOrder(TokenShard shard, long budget, int cluster) {
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
                        throw new IllegalStateException("interrupted while expert jobs were running", e);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " of " + jobs.size() + " expert jobs failed (the others "
                    + "finished and are kept; run again to retry only the failed ones):\n  " + String.join("\n  ", failures));
        }
    }

    /** Writes a shard unless an identical file is already there (so re-runs keep files and their timestamps). */
    private static Path saveIfChanged(TokenShard shard, Path file) {
        if (Files.isRegularFile(file) && TokenShard.load(file).equals(shard)) {
            return file;
        }
        return shard.save(file);
    }

    /** Runs one {@link TrainJob} as a child JVM with this JVM's memory, module and property settings. */
    private static void runProcess(Path jobFile, Path log) {
        List<String> options = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // memory, system properties and module flags carry over; agents and debug ports must not
            if (arg.startsWith("-X") && !arg.startsWith("-Xrunjdwp") || arg.startsWith("-D")
                    || arg.startsWith("--add-modules")) {
                options.add(arg);
            }
        }
        try {
            Files.createDirectories(log.getParent());
            Process p = TrainJob.processBuilder(jobFile, options.toArray(String[]::new))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("expert job " + jobFile + " exited with status " + rc + "; its output is in " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the expert job " + jobFile + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + jobFile, e);
        }
    }
}
