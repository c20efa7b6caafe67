package org.cbtm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.Profile;
import org.cbtm.base.ProjectPaths;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TrainJob;

/**
 * K expert jobs on C cores, the two ways to spend the cores (issue 13, run it with
 * {@code environment/bench/parallel-experts}): one job after the other, each a process with C libtorch threads,
 * against min(K, C) jobs at once, each a process with one thread (what {@code CbtmTraining.Plan.withProcesses}
 * does). Same K shards of the real quick mixture, same model and steps; rounds alternate the two ways. Reported:
 * aggregate tokens/s over the wall time of all K jobs (JVM starts included, as a user waits for them) and over
 * the jobs' own training time.
 */
public final class ParallelExpertsBenchmark {

    /** One way of running the K jobs, once. */
    record Round(String way, double wallSeconds, double[] trainSeconds, long tokensPerJob) {
        double wallRate() {
            return tokensPerJob * trainSeconds.length / wallSeconds;
        }

        /** Aggregate training throughput: jobs at once add up; jobs one after the other share the time. */
        double trainRate(boolean concurrent) {
            return concurrent ? Arrays.stream(trainSeconds).map(s -> tokensPerJob / s).sum()
                    : tokensPerJob * trainSeconds.length / Arrays.stream(trainSeconds).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        int experts = 2;
        int layers = 2;
        int width = 128;
        int heads = 4;
        int block = 128;
        int batch = 16;
        int steps = 6;
        int rounds = 3;
        int vocabRanks = 0;
        Path out = ProjectPaths.build().resolve("bench/parallel-experts");
        boolean writeFigures = true;
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--experts" -> experts = Integer.parseInt(args[++a]);
                case "--layers" -> layers = Integer.parseInt(args[++a]);
                case "--width" -> width = Integer.parseInt(args[++a]);
                case "--heads" -> heads = Integer.parseInt(args[++a]);
                case "--block" -> block = Integer.parseInt(args[++a]);
                case "--batch" -> batch = Integer.parseInt(args[++a]);
                case "--steps" -> steps = Integer.parseInt(args[++a]);
                case "--rounds" -> rounds = Integer.parseInt(args[++a]);
                case "--small-vocab" -> vocabRanks = Integer.parseInt(args[++a]);
                case "--no-figures" -> writeFigures = false;
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: environment/bench/parallel-experts [--experts 2] [--steps 6] [--rounds 3] [--small-vocab 8192]
                                   [--layers 2] [--width 128] [--heads 4] [--block 128] [--batch 16] [--no-figures]
                            Trains K experts on K shards of the real quick mixture one after the other (each with all cores)
                            and min(K, cores) at a time (each with one thread), alternating rounds; prints aggregate tokens/s
                            of both, writes figures/bench-parallel-experts.md (-v<R>.md with --small-vocab R).""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[a] + " (see --help)");
            }
        }
        if (experts < 1 || steps < 1 || rounds < 1) {
            throw new IllegalArgumentException("--experts, --steps and --rounds must be at least 1");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        Tokenizer tokenizer = vocabRanks == 0 ? Corpora.tokenizer() : Tokenizer.truncated(vocabRanks);
        List<Document> docs = Mixture.standard(Profile.QUICK).sample(Split.TRAIN);
        List<Path> shards = new ArrayList<>();
        for (int k = 0; k < experts; k++) {   // K contiguous slices of the mixture: K "clusters" of real text
            List<Document> slice = docs.subList(k * docs.size() / experts, (k + 1) * docs.size() / experts);
            shards.add(CbtmTraining.saveIfChanged(TokenShard.encode(tokenizer, slice), out.resolve("shard-" + k + ".bin")));
        }
        GptConfig model = new GptConfig(tokenizer.vocabSize(), layers, width, heads, block, 0.0);
        TrainConfig train = TrainConfig.reference((long) steps * batch * block, batch, block, 1e-3)
                .withEval(0, 0).withCheckpointInterval(0).withLogInterval(1);

        int parallel = Math.min(experts, cores);
        List<Round> sequential = new ArrayList<>();
        List<Round> concurrent = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            boolean seqFirst = r % 2 == 0;
            for (int w = 0; w < 2; w++) {
                boolean seq = (w == 0) == seqFirst;
                Path dir = out.resolve("round-" + r + (seq ? "-sequential" : "-parallel"));
                Round round = run(seq ? 1 : parallel, seq ? cores : Math.max(1, cores / parallel), model, train, shards,
                        dir, seq ? "sequential" : "parallel");
                (seq ? sequential : concurrent).add(round);
                System.err.printf(Locale.ROOT, "round %d %-10s: %.0f tokens/s over the wall, %.0f in training (load %.1f)%n",
                        r + 1, round.way(), round.wallRate(), round.trainRate(!seq), load());
                deleteTree(dir);
            }
        }
        List<String> lines = new ArrayList<>();
        double seqWall = EnsembleBenchmark.median(sequential.stream().mapToDouble(Round::wallRate).toArray());
        double parWall = EnsembleBenchmark.median(concurrent.stream().mapToDouble(Round::wallRate).toArray());
        double seqTrain = EnsembleBenchmark.median(sequential.stream().mapToDouble(x -> x.trainRate(false)).toArray());
        double parTrain = EnsembleBenchmark.median(concurrent.stream().mapToDouble(x -> x.trainRate(true)).toArray());
        double seqBest = sequential.stream().mapToDouble(Round::wallRate).max().orElseThrow();
        double parBest = concurrent.stream().mapToDouble(Round::wallRate).max().orElseThrow();
        lines.add(String.format(Locale.ROOT, "one job at a time, %d threads each: %.0f tokens/s over the wall (median; best %.0f), "
                + "%.0f in training", cores, seqWall, seqBest, seqTrain));
        lines.add(String.format(Locale.ROOT, "%d jobs at a time, %d thread(s) each: %.0f tokens/s over the wall (median; best %.0f), "
                + "%.0f in training", parallel, Math.max(1, cores / parallel), parWall, parBest, parTrain));
        lines.add(String.format(Locale.ROOT, "parallel / one at a time: %.2fx over the wall (median), %.2fx (best), %.2fx in training "
                + "(median); %s", parWall / seqWall, parBest / seqBest, parTrain / seqTrain,
                parWall >= seqWall && parBest >= seqBest ? "parallel single-thread jobs win" : "parallel jobs do not win here"));
        lines.add(String.format(Locale.ROOT, "K = %d experts, %d cores; GPT V %d%s, d %d, %d layers, %d heads, T %d, B %d, %d steps "
                + "(%d tokens) per expert; %d rounds, alternating; load average at the end %.2f", experts, cores,
                tokenizer.vocabSize(), vocabRanks == 0 ? " (corpus tokenizer)" : " (r50k first " + vocabRanks + ")", width,
                layers, heads, block, batch, steps, train.tokenBudget(), rounds, load()));
        lines.forEach(System.out::println);
        if (writeFigures) {
            StringBuilder md = new StringBuilder("# Expert jobs on the cores: one at a time against in parallel\n\n");
            md.append("`environment/bench/parallel-experts`: each job is a `TrainJob` process on its own shard of the ")
                    .append("real quick mixture; one at a time each gets every core, in parallel each gets cores / jobs ")
                    .append("libtorch threads (what `CbtmTraining.Plan.withProcesses` does).\n\n| round | way | wall s | ")
                    .append("tokens/s over the wall | tokens/s in training |\n|---|---|---|---|---|\n");
            for (int r = 0; r < rounds; r++) {
                for (Round x : List.of(sequential.get(r), concurrent.get(r))) {
                    boolean par = x == concurrent.get(r);
                    md.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %.0f | %.0f |%n", r + 1, x.way(),
                            x.wallSeconds(), x.wallRate(), x.trainRate(par)));
                }
            }
            md.append("\n```\n").append(String.join("\n", lines)).append("\n```\n");
            String name = "bench-parallel-experts" + (vocabRanks == 0 ? "" : "-v" + vocabRanks) + ".md";
            AtomicFiles.writeString(ProjectPaths.figures().resolve(name), md.toString());
        }
    }

    private static Round run(int atOnce, int threads, GptConfig model, TrainConfig train, List<Path> shards, Path dir,
                             String way) throws Exception {
        List<Path> jobFiles = new ArrayList<>();
        List<TrainJob> jobs = new ArrayList<>();
        for (int k = 0; k < shards.size(); k++) {
            TrainJob job = new TrainJob(model, train, shards.get(k), null, null, dir.resolve("expert-" + k));
            jobs.add(job);
            jobFiles.add(job.write(dir.resolve("expert-" + k).resolve("job.json")));
        }
        String[] options = {"-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1"};
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(atOnce);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int k = 0; k < jobFiles.size(); k++) {
                Path file = jobFiles.get(k);
                running.add(pool.submit(() -> TrainJob.runProcess(file, file.resolveSibling("job.log"), options)));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double[] trainSeconds = jobs.stream().mapToDouble(j -> Checkpoint.readInfo(j.finalCheckpoint()).trainSeconds())
                .toArray();
        return new Round(way, wall, trainSeconds, train.tokenBudget());
    }

    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
