package org.cbtm.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cbtm.train.ComputeAccount;
import org.cbtm.train.ExpertKind;
import org.cbtm.train.RunDirectory;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Where the experts of a training run stand, read from their folders only (so it works while they train elsewhere,
 * as Slurm array tasks or separate processes, on a shared file system): one row for the seed (kinds with one) and one
 * per expert, with its state, step, tokens, tokens/s and last held-out loss from its {@code metrics.csv}, and the
 * Slurm job that last ran it (from {@code slurm.json}, written by the array task).
 *
 * <p>States: {@code done} (the kind's artifact exists: a finished expert, never trained again), {@code checkpointed}
 * (an intermediate checkpoint: a rerun resumes from its step), {@code started} (a log or metrics, no checkpoint yet),
 * {@code not started}.
 *
 * <pre>{@code
 * RunStatus.of(exp, CbtmConfig.balanced(4, Presets.ngram(), Presets.budget()))
 * }</pre>
 */
public final class RunStatus {

    /** The file an array task writes into its expert's folder when it starts: job, array task, node, time. */
    public static final String SLURM_FILE = "slurm.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunStatus() {
    }

    /** The status of a config's seed and experts in {@code exp}'s store (fits or finds the partition). */
    public static Table of(CbtmExperiment exp, CbtmConfig c) {
        CbtmExperiment.TrainingRun run = exp.trainingRun(c);
        return of(run.plan().kind(), run.plan().tokensPerExpert(run.data().k()), run.data().k(), run.seedDir(),
                run.expertsDir());
    }

    /**
     * The status of the seed (in {@code seedDir}, when the kind has one) and of {@code k} experts in
     * {@code expertsDir/expert-<c>} (the C-BTM driver's layout) trained with {@code tokensPerExpert} tokens each.
     */
    public static Table of(ExpertKind kind, long tokensPerExpert, int k, Path seedDir, Path expertsDir) {
        if (k < 1) {
            throw new IllegalArgumentException("a run has at least one expert, got k = " + k);
        }
        StringColumn expert = StringColumn.create("expert");
        StringColumn state = StringColumn.create("state");
        LongColumn step = LongColumn.create("step");
        LongColumn tokens = LongColumn.create("tokens");
        LongColumn budget = LongColumn.create("budget");
        DoubleColumn speed = DoubleColumn.create("tokens_per_s");
        DoubleColumn loss = DoubleColumn.create("valid_loss");
        StringColumn slurm = StringColumn.create("slurm");
        Table t = Table.create("run status", expert, state, step, tokens, budget, speed, loss, slurm);
        if (kind.hasSeed()) {
            Path artifact = new RunDirectory(seedDir).finalCheckpoint(); // seeds are TrainJob runs
            addRow(t, "seed", seedDir, Files.isRegularFile(artifact) ? Optional.of(artifact) : Optional.empty(), kind,
                    kind.seedTokens());
        }
        for (int c = 0; c < k; c++) {
            Path dir = expertsDir.resolve("expert-" + c);
            ExpertKind.ExpertJob job = kind.expertJob(new ExpertKind.ExpertTask(c,
                    expertsDir.resolve("data").resolve("shard-" + c + ".bin"), null, null, tokensPerExpert, dir, 1));
            addRow(t, Integer.toString(c), dir, job.isDone() ? Optional.of(job.artifact()) : Optional.empty(), kind,
                    tokensPerExpert);
        }
        return t;
    }

    private static void addRow(Table t, String name, Path dir, Optional<Path> artifact, ExpertKind kind, long budget) {
        Optional<String[]> last = lastMetrics(dir);
        String[] header = last.isPresent() ? header(dir) : null;
        long step = last.map(r -> (long) number(r, header, "step")).orElse(-1L);
        long tokens = last.map(r -> (long) number(r, header, "tokens")).orElse(-1L);
        double speed = last.map(r -> number(r, header, "tokens_per_s")).orElse(Double.NaN);
        double loss = last.map(r -> number(r, header, "valid_loss")).orElse(Double.NaN);
        String state;
        if (artifact.isPresent()) {
            state = "done";
            if (last.isEmpty()) { // a kind without metrics (n-gram counting): its account says what it did
                ComputeAccount a = kind.account(artifact.get());
                tokens = a.trainingTokens();
                speed = a.trainingSeconds() > 0 ? a.trainingTokens() / a.trainingSeconds() : Double.NaN;
            }
        } else if (new RunDirectory(dir).latestIntermediate().isPresent()) {
            state = "checkpointed";
        } else if (last.isPresent() || Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(SLURM_FILE))) {
            state = "started";
        } else {
            state = "not started";
        }
        t.stringColumn("expert").append(name);
        t.stringColumn("state").append(state);
        appendKnown(t.longColumn("step"), step);
        appendKnown(t.longColumn("tokens"), tokens);
        t.longColumn("budget").append(budget);
        t.doubleColumn("tokens_per_s").append(speed);
        t.doubleColumn("valid_loss").append(loss);
        t.stringColumn("slurm").append(slurm(dir));
    }

    /** A count, or a missing value when it is not known (-1). */
    private static void appendKnown(LongColumn column, long value) {
        if (value < 0) {
            column.appendMissing();
        } else {
            column.append(value);
        }
    }

    /** The last complete row of {@code dir/metrics.csv}, split on commas. */
    private static Optional<String[]> lastMetrics(Path dir) {
        Path file = new RunDirectory(dir).metrics();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines = readLines(file);
        int columns = lines.isEmpty() ? 0 : lines.get(0).split(",").length;
        for (int i = lines.size() - 1; i > 0; i--) {
            String[] row = lines.get(i).split(",");
            if (row.length == columns) { // a line cut short by a kill mid-write is skipped
                return Optional.of(row);
            }
        }
        return Optional.empty();
    }

    private static String[] header(Path dir) {
        return readLines(new RunDirectory(dir).metrics()).get(0).split(",");
    }

    private static double number(String[] row, String[] header, String column) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(column)) {
                try {
                    return Double.parseDouble(row[i]);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }

    private static String slurm(Path dir) {
        Path file = dir.resolve(SLURM_FILE);
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try {
            JsonNode s = JSON.readTree(file.toFile());
            return s.path("job").asText("?") + " on " + s.path("node").asText("?") + " since "
                    + s.path("started").asText("?");
        } catch (IOException e) {
            return "unreadable " + SLURM_FILE + ": " + e.getMessage();
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
