package org.cbtm.scale.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.CanonicalJson;
import org.cbtm.cluster.PartitionSpec;
import org.cbtm.corpus.TokenShard;
import org.cbtm.experiment.ArtifactStore;
import org.cbtm.experiment.CbtmConfig;
import org.cbtm.experiment.CbtmExperiment;
import org.cbtm.experiment.CbtmResult;
import org.cbtm.experiment.ClusterShards;
import org.cbtm.experiment.Presets;
import org.cbtm.experiment.RunStatus;
import org.cbtm.lm.LanguageModel;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.ComputeAccount;
import org.cbtm.train.ExpertKind;

/**
 * A C-BTM grid point as Slurm jobs: the command-line side of {@code environment/slurm/*}. The experts are trained in
 * exactly the folders of the artifact store where {@link CbtmExperiment#run} trains them in-process
 * ({@link CbtmExperiment#trainingRun}), so a notebook that runs the same config on the same store finds them finished
 * and only evaluates, and an expert that is finished is never trained again, here or there.
 *
 * <pre>
 *   prepare  RUN [--cpus N] [--mem-mb N] [--gpus N]  fit or find the partition, write the shards and plan.json;
 *                                                     prints key=value lines for the submit script
 *   prepare  --shards DIR --experts DIR [--seed-data FILE] (--config FILE | --k N --expert ...) [resources]
 *                                                     a run over shards made elsewhere (the Spark job's output)
 *   seed     RUN_DIR                                  train (or find) the seed; writes RUN_DIR/seed.json
 *   expert   RUN_DIR INDEX                            train (or resume, or find) expert INDEX (an array task)
 *   status   RUN_DIR                                  the RunStatus table of the run
 *   evaluate RUN                                      perplexity of the trained run (fails if an expert is missing)
 *   local    RUN                                      the same grid point trained and evaluated in this process
 *
 *   RUN = [--store DIR] (--config CONFIG.json | --k N --expert ngram|transformer
 *         [--partition balanced|unbalanced|random] [--budget TOKENS] [--seed S])
 * </pre>
 *
 * The run folder is {@code slurm/} inside the experts' folder: {@code plan.json}, {@code seed.json} and
 * {@code logs/} (one log per array task and attempt).
 */
public final class SlurmRun {

    private SlurmRun() {
    }

    /**
     * A grid point and the store it lives in.
     *
     * @param store  the artifact store's root (on a cluster: a folder on the shared file system)
     * @param config the grid point
     */
    public record RunSpec(Path store, CbtmConfig config) {
        public RunSpec {
            if (store == null || config == null) {
                throw new IllegalArgumentException("a run needs a store and a config");
            }
        }
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static final String USAGE = """
            usage: SlurmRun prepare RUN [--cpus N] [--mem-mb N] [--gpus N]
                   SlurmRun prepare --shards DIR --experts DIR [--seed-data FILE] RUN [--cpus N] ...
                   SlurmRun seed RUN_DIR
                   SlurmRun expert RUN_DIR INDEX
                   SlurmRun status RUN_DIR
                   SlurmRun evaluate RUN
                   SlurmRun local RUN
              RUN = [--store DIR] (--config CONFIG.json | --k N --expert ngram|transformer
                    [--partition balanced|unbalanced|random] [--budget TOKENS] [--seed S])""";

    /** Runs one command; returns the exit status. */
    static int run(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command\n" + USAGE);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "prepare" -> prepare(rest);
            case "seed" -> seed(runDir(rest, 1));
            case "expert" -> expert(runDir(rest, 2), index(rest[1]));
            case "status" -> {
                Path dir = runDir(rest, 1);
                System.out.println(status(dir).printAll());
                System.out.println("name=" + jobName(dir));
            }
            case "evaluate" -> evaluate(parseRun(rest), true);
            case "local" -> evaluate(parseRun(rest), false);
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'\n" + USAGE);
        }
        return 0;
    }

    // ------------------------------------------------------------------ prepare

    /** Fits or finds the partition, writes the shards (where the in-process driver would) and the plan. */
    public static Prepared prepare(RunSpec spec, Integer cpus, Long memMb, Integer gpus) {
        try (CbtmExperiment exp = CbtmExperiment.standard(Presets.evalContext(), new ArtifactStore(spec.store()))) {
            return prepare(exp, spec.config(), cpus, memMb, gpus);
        }
    }

    /** {@link #prepare(RunSpec, Integer, Long, Integer)} in an open experiment. */
    public static Prepared prepare(CbtmExperiment exp, CbtmConfig config, Integer cpus, Long memMb, Integer gpus) {
        CbtmExperiment.TrainingRun run = exp.trainingRun(config);
        Path runDir = run.expertsDir().resolve("slurm");
        Path marker = runDir.resolve(SlurmPlan.SEED_MARKER);
        Deferred deferred = new Deferred(run.plan().kind(), marker);
        // the driver itself lays out the shards and builds every expert's task; the deferred kind only records them
        CbtmTraining.run(new CbtmTraining.Plan(deferred, run.plan().totalTokens(), 1), run.data(), run.seedDir(),
                run.expertsDir());
        List<SlurmPlan.Expert> experts = new ArrayList<>();
        long largestShard = 0;
        for (int c = 0; c < deferred.tasks.size(); c++) {
            ExpertKind.ExpertTask t = deferred.tasks.get(c);
            experts.add(new SlurmPlan.Expert(t.cluster(), t.shard().toString(), t.dir().toString(), t.tokens(),
                    deferred.done.get(c)));
            largestShard = Math.max(largestShard, run.data().clusterShards().get(c).numTokens());
        }
        ExpertKind kind = config.expert();
        long perExpert = run.plan().tokensPerExpert(config.k());
        Resources expertRes = Resources.forExpert(kind, perExpert, largestShard).with(cpus, memMb, gpus);
        Resources seedRes = kind.hasSeed()
                ? Resources.forExpert(kind, kind.seedTokens(), run.data().all().numTokens()).with(cpus, memMb, gpus)
                : expertRes;
        SlurmPlan plan = new SlurmPlan(config, kind.hasSeed() ? run.seedDir().toString() : null,
                deferred.mixture == null ? null : deferred.mixture.toString(),
                deferred.valid == null ? null : deferred.valid.toString(), Files.isRegularFile(marker), experts,
                expertRes, seedRes);
        plan.write(runDir);
        return new Prepared(runDir, plan);
    }

    /**
     * A run over shards made elsewhere (the Spark job's output, {@code shard-<k>.bin} for k in [0, K)): expert k
     * trains on shard k in {@code expertsDir/expert-<k>} with the config's budget / K (the driver's equal split); a
     * kind with a seed first trains it on {@code seedData} in {@code expertsDir/seed}. The run folder is
     * {@code expertsDir/slurm}. The config's partition and routing are not used here (the shards are the partition).
     */
    public static Prepared prepareShards(Path shardDir, Path expertsDir, CbtmConfig config, Path seedData, Integer cpus,
                                         Long memMb, Integer gpus) {
        int k = config.k();
        if (!ClusterShards.saved(shardDir, k) || ClusterShards.saved(shardDir, k + 1)) {
            throw new IllegalArgumentException(shardDir + " does not hold exactly the shards shard-0.bin .. shard-"
                    + (k - 1) + ".bin of K = " + k + " clusters (the output of SparkAssign with a K = " + k + " model)");
        }
        ExpertKind kind = config.expert();
        if (kind.hasSeed() && (seedData == null || !Files.isRegularFile(seedData))) {
            throw new IllegalArgumentException(kind.name() + " experts branch from a seed: pass --seed-data FILE, a "
                    + "token shard of the seed's mixture" + (seedData == null ? "" : " (" + seedData + " does not exist)"));
        }
        Path runDir = expertsDir.resolve("slurm");
        Path marker = runDir.resolve(SlurmPlan.SEED_MARKER);
        Path seedDir = expertsDir.resolve("seed");
        Path seed = !kind.hasSeed() ? null : Files.isRegularFile(marker) ? seedArtifact(marker) : seedDir;
        long perExpert = new CbtmTraining.Plan(kind, config.totalTokens(), 1).tokensPerExpert(k);
        List<SlurmPlan.Expert> experts = new ArrayList<>();
        long largestShard = 0;
        for (int c = 0; c < k; c++) {
            Path shard = ClusterShards.shardPath(shardDir, c).toAbsolutePath();
            Path dir = expertsDir.resolve("expert-" + c).toAbsolutePath();
            ExpertKind.ExpertJob job = kind.expertJob(new ExpertKind.ExpertTask(c, shard, null, seed, perExpert, dir, 1));
            experts.add(new SlurmPlan.Expert(c, shard.toString(), dir.toString(), perExpert, job.isDone()));
            largestShard = Math.max(largestShard, TokenShard.numTokens(shard));
        }
        Resources expertRes = Resources.forExpert(kind, perExpert, largestShard).with(cpus, memMb, gpus);
        Resources seedRes = kind.hasSeed()
                ? Resources.forExpert(kind, kind.seedTokens(), TokenShard.numTokens(seedData)).with(cpus, memMb, gpus)
                : expertRes;
        SlurmPlan plan = new SlurmPlan(config, kind.hasSeed() ? seedDir.toAbsolutePath().toString() : null,
                kind.hasSeed() ? seedData.toAbsolutePath().toString() : null, null, Files.isRegularFile(marker),
                experts, expertRes, seedRes);
        plan.write(runDir);
        return new Prepared(runDir, plan);
    }

    /** The Slurm job name of a run: {@code cbtm-} and 12 hex digits of its folder's path. */
    public static String jobName(Path runDir) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(
                    runDir.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "cbtm-" + java.util.HexFormat.of().formatHex(d).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A prepared run.
     *
     * @param runDir the run folder
     * @param plan   its plan
     */
    public record Prepared(Path runDir, SlurmPlan plan) {
        /** The key=value lines the submit script reads. */
        public String keyValues() {
            SlurmPlan p = plan;
            String seed = !p.config().expert().hasSeed() ? "none" : p.seedDone() ? "done" : "pending";
            StringBuilder sb = new StringBuilder();
            line(sb, "run_dir", runDir.toAbsolutePath());
            line(sb, "name", jobName(runDir));
            line(sb, "k", p.config().k());
            line(sb, "kind", p.config().expert().name());
            line(sb, "pending", p.pending().stream().map(String::valueOf).collect(Collectors.joining(",")));
            line(sb, "seed", seed);
            resources(sb, "", p.expertResources());
            resources(sb, "seed_", p.seedResources());
            return sb.toString();
        }

        private static void resources(StringBuilder sb, String prefix, Resources r) {
            line(sb, prefix + "cpus", r.cpus());
            line(sb, prefix + "mem_mb", r.memMb());
            line(sb, prefix + "heap_mb", r.heapMb());
            line(sb, prefix + "gpus", r.gpus());
        }

        private static void line(StringBuilder sb, String key, Object value) {
            sb.append(key).append('=').append(value).append('\n');
        }
    }

    /**
     * An expert kind that trains nothing: handed to the C-BTM driver, it records the seed's inputs and every
     * expert's task (the driver's shard files and folders) and says which experts are finished.
     */
    static final class Deferred implements ExpertKind {
        private final ExpertKind inner;
        private final Path marker;
        final List<ExpertTask> tasks = new ArrayList<>();
        final List<Boolean> done = new ArrayList<>();
        Path mixture;
        Path valid;

        Deferred(ExpertKind inner, Path marker) {
            this.inner = inner;
            this.marker = marker;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public boolean hasSeed() {
            return inner.hasSeed();
        }

        @Override
        public long seedTokens() {
            return inner.seedTokens();
        }

        /** Records the seed's data; its artifact is known once the seed task ran (the marker). */
        @Override
        public Path trainSeed(Path mixture, Path valid, Path dir) {
            this.mixture = mixture;
            this.valid = valid;
            return Files.isRegularFile(marker) ? seedArtifact(marker) : dir;
        }

        @Override
        public ExpertJob expertJob(ExpertTask task) {
            ExpertJob real = inner.expertJob(task); // only asks whether the artifact exists
            tasks.add(task);
            done.add(real.isDone());
            return ExpertJob.done(real.artifact());
        }

        @Override
        public LanguageModel load(Path artifact) {
            return inner.load(artifact);
        }

        @Override
        public ComputeAccount account(Path artifact) {
            return inner.account(artifact);
        }
    }

    // ------------------------------------------------------------------ the tasks

    /** The seed task: trains (or finds) the seed, then writes the marker the expert tasks read. */
    public static Path seed(Path runDir) {
        SlurmPlan plan = SlurmPlan.read(runDir);
        ExpertKind kind = plan.config().expert();
        if (!kind.hasSeed()) {
            throw new IllegalArgumentException(kind.name() + " experts have no seed: nothing to do");
        }
        Path seedDir = Path.of(plan.seedDir());
        try (FileLock lock = lock(seedDir, "the seed")) {
            System.err.println("seed: training (or finding) " + kind.name() + " seed of " + kind.seedTokens()
                    + " tokens in " + seedDir);
            Path artifact = kind.trainSeed(Path.of(plan.mixture()), plan.valid() == null ? null : Path.of(plan.valid()),
                    seedDir);
            AtomicFiles.writeString(runDir.resolve(SlurmPlan.SEED_MARKER), SlurmPlan.JSON.createObjectNode()
                    .put("artifact", artifact.toAbsolutePath().toString()).put("finished", Instant.now().toString())
                    .toString() + "\n");
            System.err.println("seed: done, " + artifact);
            return artifact;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An array task: trains expert {@code index} unless it is finished (resuming from a checkpoint when one exists). */
    public static Path expert(Path runDir, int index) {
        SlurmPlan plan = SlurmPlan.read(runDir);
        if (index < 0 || index >= plan.experts().size()) {
            throw new IllegalArgumentException("expert " + index + " does not exist: the run has K = "
                    + plan.experts().size() + " experts (0.." + (plan.experts().size() - 1) + ")");
        }
        ExpertKind kind = plan.config().expert();
        SlurmPlan.Expert e = plan.experts().get(index);
        Path seed = null;
        if (kind.hasSeed()) {
            Path marker = runDir.resolve(SlurmPlan.SEED_MARKER);
            if (!Files.isRegularFile(marker)) {
                throw new IllegalStateException("the seed is not trained (no " + marker + "): the seed job runs first; "
                        + "submit the run again (environment/slurm/submit), which submits the seed job when it is missing");
            }
            seed = seedArtifact(marker);
        }
        Path dir = Path.of(e.dir());
        try (FileLock lock = lock(dir, "expert " + index)) {
            ExpertKind.ExpertJob job = kind.expertJob(new ExpertKind.ExpertTask(index, Path.of(e.shard()),
                    plan.valid() == null ? null : Path.of(plan.valid()), seed, e.tokens(), dir, 1));
            if (job.isDone()) {
                System.err.println("expert " + index + ": already trained (" + job.artifact() + "): nothing to do");
                return job.artifact();
            }
            writeSlurmRecord(dir);
            System.err.println("expert " + index + ": training " + kind.name() + " on " + e.shard() + " with "
                    + e.tokens() + " tokens into " + dir);
            long start = System.nanoTime();
            job.work().run();
            System.err.printf(Locale.ROOT, "expert %d: done in %.1f s, %s%n", index, (System.nanoTime() - start) / 1e9,
                    job.artifact());
            return job.artifact();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** The status table of a prepared run ({@link RunStatus}). */
    public static tech.tablesaw.api.Table status(Path runDir) {
        SlurmPlan plan = SlurmPlan.read(runDir);
        ExpertKind kind = plan.config().expert();
        return RunStatus.of(kind, plan.experts().get(0).tokens(), plan.experts().size(),
                plan.seedDir() == null ? runDir : Path.of(plan.seedDir()), runDir.getParent());
    }

    // ------------------------------------------------------------------ evaluation

    /**
     * Evaluates the grid point in its store and prints {@code perplexity=<value>}. With {@code trainedElsewhere} the
     * experts must all be finished (nothing is trained here); without, this is the in-process run.
     */
    public static CbtmResult evaluate(RunSpec spec, boolean trainedElsewhere) {
        try (CbtmExperiment exp = CbtmExperiment.standard(Presets.evalContext(), new ArtifactStore(spec.store()))) {
            if (trainedElsewhere) {
                Prepared p = prepare(exp, spec.config(), null, null, null);
                if (!p.plan().pending().isEmpty()) {
                    throw new IllegalStateException("experts " + p.plan().pending() + " of " + p.runDir()
                            + " are not trained: submit the run again (environment/slurm/submit), then evaluate");
                }
            }
            CbtmResult r = exp.run(spec.config());
            System.out.println("perplexity=" + r.perplexity());
            System.out.println("test_tokens=" + r.testTokens());
            System.out.println("training_tokens=" + r.trainingTokens());
            return r;
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Path seedArtifact(Path marker) {
        try {
            JsonNode m = SlurmPlan.JSON.readTree(marker.toFile());
            return Path.of(m.path("artifact").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the seed marker " + marker + ": " + e.getMessage(), e);
        }
    }

    /** An exclusive lock on {@code dir/.slurm.lock}: one process trains a job at a time, whatever submitted it. */
    private static FileLock lock(Path dir, String what) throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(".slurm.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            ch.close();
            throw new IllegalStateException(what + " is being trained by another process (" + dir.resolve(".slurm.lock")
                    + " is locked): wait for it or cancel it");
        }
        return lock; // released, and the channel closed, when this process ends
    }

    /** Records which Slurm job runs this expert (RunStatus shows it). */
    private static void writeSlurmRecord(Path dir) {
        String array = System.getenv("SLURM_ARRAY_JOB_ID");
        String task = System.getenv("SLURM_ARRAY_TASK_ID");
        String job = array != null && task != null ? array + "_" + task
                : System.getenv().getOrDefault("SLURM_JOB_ID", "none (not under Slurm)");
        AtomicFiles.writeString(dir.resolve(RunStatus.SLURM_FILE), SlurmPlan.JSON.createObjectNode().put("job", job)
                .put("node", System.getenv().getOrDefault("SLURMD_NODENAME", "?"))
                .put("started", Instant.now().toString()).toString() + "\n");
    }

    private static Path runDir(String[] rest, int arity) {
        if (rest.length != arity) {
            throw new IllegalArgumentException("wrong number of arguments\n" + USAGE);
        }
        Path dir = Path.of(rest[0]);
        if (!Files.isRegularFile(dir.resolve(SlurmPlan.FILE))) {
            throw new IllegalArgumentException(dir + " is not a prepared run (no " + SlurmPlan.FILE + ")");
        }
        return dir;
    }

    private static int index(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the expert index must be a whole number, got '" + s + "'");
        }
    }

    private static void prepare(String[] args) {
        List<String> runArgs = new ArrayList<>();
        Integer cpus = null;
        Long mem = null;
        Integer gpus = null;
        Path shards = null;
        Path experts = null;
        Path seedData = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cpus" -> cpus = (int) number(args, ++i);
                case "--mem-mb" -> mem = number(args, ++i);
                case "--gpus" -> gpus = (int) number(args, ++i);
                case "--shards" -> shards = Path.of(value(args, ++i, "--shards"));
                case "--experts" -> experts = Path.of(value(args, ++i, "--experts"));
                case "--seed-data" -> seedData = Path.of(value(args, ++i, "--seed-data"));
                default -> runArgs.add(args[i]);
            }
        }
        Prepared p;
        if (shards == null) {
            if (experts != null || seedData != null) {
                throw new IllegalArgumentException("--experts and --seed-data go with --shards (shards made elsewhere)");
            }
            p = prepare(parseRun(runArgs.toArray(String[]::new)), cpus, mem, gpus);
        } else {
            if (experts == null) {
                throw new IllegalArgumentException("--shards needs --experts DIR: where the experts are trained");
            }
            if (runArgs.contains("--store")) {
                throw new IllegalArgumentException("--store is the artifact store of runs prepared from the corpus; a "
                        + "run over --shards trains in --experts");
            }
            p = prepareShards(shards, experts, parseRun(runArgs.toArray(String[]::new)).config(), seedData, cpus, mem,
                    gpus);
        }
        System.out.print(p.keyValues());
    }

    /** Parses RUN options (see the class comment). */
    static RunSpec parseRun(String[] args) {
        Path store = null;
        Path configFile = null;
        Integer k = null;
        String expert = null;
        String partition = "balanced";
        Long budget = null;
        long seed = 0;
        for (int i = 0; i < args.length; i++) {
            String opt = args[i];
            switch (opt) {
                case "--store" -> store = Path.of(value(args, ++i, opt));
                case "--config" -> configFile = Path.of(value(args, ++i, opt));
                case "--k" -> k = (int) number(args, ++i);
                case "--expert" -> expert = value(args, ++i, opt);
                case "--partition" -> partition = value(args, ++i, opt);
                case "--budget" -> budget = number(args, ++i);
                case "--seed" -> seed = number(args, ++i);
                default -> throw new IllegalArgumentException("unknown option " + opt + "\n" + USAGE);
            }
        }
        if (store == null) {
            store = ArtifactStore.standard().root();
        }
        CbtmConfig config;
        if (configFile != null) {
            if (k != null || expert != null || budget != null) {
                throw new IllegalArgumentException("--config names the whole grid point: leave out --k, --expert and --budget");
            }
            config = readConfig(configFile);
        } else {
            if (k == null || expert == null) {
                throw new IllegalArgumentException("name the grid point: --config FILE, or --k N and --expert ngram|transformer\n"
                        + USAGE);
            }
            ExpertKind kind = switch (expert) {
                case "ngram" -> Presets.ngram();
                case "transformer" -> Presets.transformer();
                default -> throw new IllegalArgumentException("--expert takes ngram or transformer, got '" + expert + "'");
            };
            PartitionSpec p = switch (partition) {
                case "balanced" -> PartitionSpec.balanced();
                case "unbalanced" -> PartitionSpec.unbalanced();
                case "random" -> PartitionSpec.random();
                default -> throw new IllegalArgumentException("--partition takes balanced, unbalanced or random, got '"
                        + partition + "'");
            };
            config = CbtmConfig.balanced(k, kind, budget == null ? Presets.budget() : budget).withPartition(p)
                    .withSeed(seed);
        }
        return new RunSpec(store, config);
    }

    /**
     * A grid point written as JSON ({@code CanonicalJson.of(config)}, or by hand with the same fields). Derived
     * values that the canonical form carries beside the fields (such as {@code "dense"}) are accepted; a field that
     * the config does not have anywhere (a typo) is an error.
     */
    static CbtmConfig readConfig(Path file) {
        JsonNode tree;
        CbtmConfig config;
        try {
            tree = SlurmPlan.JSON.readTree(file.toFile());
            config = SlurmPlan.JSON.copy()
                    .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .treeToValue(tree, CbtmConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the config " + file + ": " + e.getMessage(), e);
        }
        String unknown = unknownField(tree, CanonicalJson.tree(config), "");
        if (unknown != null) {
            throw new IllegalArgumentException("the config " + file + " has a field that no config has: '" + unknown
                    + "' (see CanonicalJson.of(config) for the fields)");
        }
        return config;
    }

    /** The first object key of {@code given} that {@code known} lacks at the same place, or null. */
    private static String unknownField(JsonNode given, JsonNode known, String path) {
        if (given.isObject()) {
            for (var it = given.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!known.has(name)) {
                    return path + name;
                }
                String deeper = unknownField(given.get(name), known.get(name), path + name + ".");
                if (deeper != null) {
                    return deeper;
                }
            }
        }
        return null;
    }

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static long number(String[] args, int i) {
        String opt = args[i - 1];
        String v = value(args, i, opt);
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " takes a whole number, got '" + v + "'");
        }
    }
}
