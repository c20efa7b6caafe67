package org.cbtm.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.cbtm.base.AtomicFiles;

/**
 * The metrics of a run: kept in memory (for plots) and, when a file is given, appended to a CSV one row at a
 * time. Reopening for a resumed run keeps the rows up to the checkpoint's step (rows written after it, and a
 * line cut short by a crash, are dropped) so the log matches the resumed run exactly.
 */
final class MetricsLog implements AutoCloseable {

    private final List<TrainMetrics> rows = new ArrayList<>();
    private final BufferedWriter out;

    private MetricsLog(Path file, long keepUpToStep) {
        if (file == null) {
            out = null;
            return;
        }
        try {
            StringBuilder kept = new StringBuilder(TrainMetrics.CSV_HEADER).append('\n');
            if (keepUpToStep > 0 && Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    TrainMetrics row = parseOrNull(line);
                    if (row != null && row.step() <= keepUpToStep) {
                        rows.add(row);
                        kept.append(line).append('\n');
                    }
                }
            }
            AtomicFiles.writeString(file, kept.toString());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the metrics log " + file + ": " + e.getMessage(), e);
        }
    }

    /** A log written to {@code file} (null: memory only), keeping existing rows up to {@code keepUpToStep}. */
    static MetricsLog open(Path file, long keepUpToStep) {
        return new MetricsLog(file, keepUpToStep);
    }

    private static TrainMetrics parseOrNull(String line) {
        if (line.isBlank() || line.startsWith("step")) {
            return null;
        }
        try {
            return TrainMetrics.parse(line);
        } catch (IllegalArgumentException e) {
            return null; // a line cut short by a crash
        }
    }

    void add(TrainMetrics row) {
        rows.add(row);
        if (out != null) {
            try {
                out.write(row.csv());
                out.newLine();
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the metrics log: " + e.getMessage(), e);
            }
        }
    }

    List<TrainMetrics> rows() {
        return Collections.unmodifiableList(rows);
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
