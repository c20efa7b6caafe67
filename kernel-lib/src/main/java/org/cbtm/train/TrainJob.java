package org.cbtm.train;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.WorkInterrupted;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.Devices;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.TorchRuntime;

/**
 * One expert's training as an independent, restartable unit (a C-BTM / BTM job): read the shards, train, write
 * the checkpoint. {@link #run()} does nothing when {@code outputDir/final.ckpt} exists, resumes from the
 * latest intermediate checkpoint when one exists, and otherwise starts: from {@code init} (branching, weights
 * and optimiser state copied) or from scratch. Running a job twice, or again after a crash, is always safe.
 *
 * <p>{@link #main} runs a job from a JSON file ({@link #write}), so each expert can be its own process:
 * {@code java -cp ... org.cbtm.train.TrainJob job.json}. Relative paths in the file are resolved against the
 * file's folder.
 *
 * @param model      architecture (must match {@code init}'s when branching)
 * @param train      training configuration (budget, optimiser, schedule, seed ...)
 * @param trainShard the {@link TokenShard} to train on
 * @param validShard a held-out shard for the loss monitor, or null
 * @param init       checkpoint to branch from, or null to start from a random initialisation
 * @param outputDir  where checkpoints and {@code metrics.csv} go
 */
public record TrainJob(GptConfig model, TrainConfig train, Path trainShard, Path validShard, Path init, Path outputDir) {

    /** What {@link #run()} did. */
    public enum Outcome { SKIPPED_DONE, STARTED, BRANCHED, RESUMED }

    /**
     * The result of a job.
     *
     * @param outcome    how the job began (already done, fresh, branched or resumed)
     * @param checkpoint the final checkpoint
     * @param info       its header
     */
    public record Result(Outcome outcome, Path checkpoint, CheckpointInfo info) {
    }

    public TrainJob {
        if (model == null || train == null || trainShard == null || outputDir == null) {
            throw new IllegalArgumentException("a train job needs model, train, trainShard and outputDir");
        }
        if (train.blockLength() > model.contextLength()) {
            throw new IllegalArgumentException("blockLength " + train.blockLength() + " exceeds the model's context length "
                    + model.contextLength());
        }
    }

    public RunDirectory directory() {
        return new RunDirectory(outputDir);
    }

    /** The checkpoint this job produces. */
    public Path finalCheckpoint() {
        return directory().finalCheckpoint();
    }

    public boolean isDone() {
        return Files.isRegularFile(finalCheckpoint());
    }

    /** Runs the job in this JVM (skips, resumes, branches or starts; see the class comment). */
    public Result run() {
        return run(true);
    }

    public Result run(boolean showProgress) {
        RunDirectory dir = directory();
        if (isDone()) {
            return new Result(Outcome.SKIPPED_DONE, dir.finalCheckpoint(), Checkpoint.readInfo(dir.finalCheckpoint()));
        }
        TokenShard trainData = TokenShard.load(trainShard);
        TokenShard validData = validShard == null ? null : TokenShard.load(validShard);
        Optional<Path> latest = dir.latestIntermediate();
        Outcome outcome;
        Trainer trainer;
        if (latest.isPresent()) {
            Checkpoint c = Checkpoint.read(latest.get());
            if (!model.equals(c.info().model()) || !train.equals(c.info().train())) {
                throw new IllegalStateException(outputDir + " holds a run with other settings (" + latest.get().getFileName()
                        + ": " + c.info().model() + ", " + c.info().train() + "): use another output folder or delete it");
            }
            trainer = Trainer.resume(c, trainData, validData);
            outcome = Outcome.RESUMED;
        } else if (init != null) {
            Checkpoint parent = Checkpoint.read(init);
            if (!parent.info().model().sameArchitecture(model)) {
                throw new IllegalArgumentException("cannot branch " + model + " from " + init + ", which holds "
                        + parent.info().model() + ": the layers, width, heads, context length and vocabulary must be "
                        + "equal; branch from a checkpoint of this architecture or train a new seed for it");
            }
            trainer = Trainer.branch(parent, init.toAbsolutePath().toString(), model, train, trainData, validData,
                    Devices.best());
            outcome = Outcome.BRANCHED;
        } else {
            trainer = Trainer.start(model, train, trainData, validData);
            outcome = Outcome.STARTED;
        }
        try (trainer) {
            trainer.writeTo(outputDir).showProgress(showProgress).label("Training " + outputDir.getFileName()).run();
        }
        return new Result(outcome, dir.finalCheckpoint(), Checkpoint.readInfo(dir.finalCheckpoint()));
    }

    private static com.fasterxml.jackson.databind.ObjectMapper json() {
        return Checkpoint.JSON.copy()
                .registerModule(new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance))
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Writes the job as JSON (absolute paths), atomically. */
    public Path write(Path file) {
        TrainJob absolute = new TrainJob(model, train, trainShard.toAbsolutePath(),
                validShard == null ? null : validShard.toAbsolutePath(), init == null ? null : init.toAbsolutePath(),
                outputDir.toAbsolutePath());
        return AtomicFiles.write(file, out -> out.write(json().writeValueAsBytes(absolute)));
    }

    /** Reads a job written by {@link #write} (or by hand); relative paths are resolved against the file's folder. */
    public static TrainJob read(Path file) {
        TrainJob j;
        try {
            j = json().readValue(file.toFile(), TrainJob.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the train job " + file + ": " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        return new TrainJob(j.model(), j.train(), resolve(base, j.trainShard()), resolve(base, j.validShard()),
                resolve(base, j.init()), resolve(base, j.outputDir()));
    }

    private static Path resolve(Path base, Path p) {
        return p == null ? null : base.resolve(p);
    }

    /**
     * A process that runs the job written at {@code jobFile} in a fresh JVM (this JVM's java and classpath), so
     * that jobs can run side by side (DJL allows one GradientCollector per JVM) and a failed one can be re-run
     * alone. OpenMP waits passively in the child unless the caller's environment says otherwise (see
     * {@link org.cbtm.lm.gpt.TorchRuntime}). Start it with {@code .inheritIO().start()} or redirect its output.
     */
    public static ProcessBuilder processBuilder(Path jobFile, String... jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Djdk.lang.processReaperUseDefaultStackSize=true");
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(childClasspath());
        cmd.add(TrainJob.class.getName());
        cmd.add(jobFile.toAbsolutePath().toString());
        cmd.add("--quiet");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        TorchRuntime.childEnvironment(pb.environment());
        pb.environment().putIfAbsent("OPT_OUT_TRACKING", "true");
        return pb;
    }

    /**
     * The classpath for child JVMs: this JVM's, plus the library's own location and, when it is the built jar or
     * classes folder of kernel-lib, the dependency folder next to it (a notebook kernel loads the library through
     * its own class loader, so {@code java.class.path} alone does not name it).
     */
    static String childClasspath() {
        Set<String> entries = new LinkedHashSet<>();
        try {
            Path self = Path.of(TrainJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            entries.add(self.toString());
            Path target = self.getParent();
            Path deps = target == null ? null : target.resolve("kernel-classpath");
            if (deps != null && Files.isDirectory(deps)) {
                try (var files = Files.list(deps)) {
                    files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> entries.add(f.toString()));
                }
            }
        } catch (Exception e) {
            // fall back to java.class.path alone
        }
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** {@code TrainJob job.json [--quiet]}: runs one job; exit status 0 when its final checkpoint exists. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2 || args.length == 2 && !args[1].equals("--quiet")) {
            System.err.println("usage: TrainJob JOB.json [--quiet]");
            System.exit(2);
        }
        TrainJob job = read(Path.of(args[0]));
        Result r = job.run(args.length == 1);
        System.out.printf("%s %s: step %d, %d tokens, valid loss %.4f, %.1f s%n", r.outcome(), r.checkpoint(),
                r.info().step(), r.info().tokensSeen(), r.info().validLoss(), r.info().trainSeconds());
    }

    /** Runs one {@link TrainJob} as a child JVM with this JVM's memory, module and property settings. */
    public static void runProcess(Path jobFile, Path log) {
        runProcess(jobFile, log, new String[0]);
    }

    /** {@link #runProcess(Path, Path)} with more JVM options, after this JVM's (so that they win). */
    public static void runProcess(Path jobFile, Path log, String... extraJvmOptions) {
        List<String> options = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // memory, system properties and module flags carry over; agents and debug ports must not
            if (arg.startsWith("-X") && !arg.startsWith("-Xrunjdwp") || arg.startsWith("-D")
                    || arg.startsWith("--add-modules")) {
                options.add(arg);
            }
        }
        options.addAll(List.of(extraJvmOptions));
        try {
            Files.createDirectories(log.getParent());
            Process p = processBuilder(jobFile, options.toArray(String[]::new))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int rc;
            try {
                rc = p.waitFor();
            } catch (InterruptedException e) {
                // the child must not go on writing into the run folder that a rerun will resume from
                stop(p);
                Thread.currentThread().interrupt();
                throw new WorkInterrupted("expert job " + jobFile);
            }
            if (rc != 0) {
                throw new IllegalStateException("expert job " + jobFile + " exited with status " + rc + "; its output is in " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the expert job " + jobFile + ": " + e.getMessage(), e);
        }
    }

    /** Ends a child job: SIGTERM (its checkpoints are written atomically, so any moment is safe), then SIGKILL. */
    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException again) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
