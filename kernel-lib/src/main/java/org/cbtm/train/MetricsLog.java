package org.cbtm.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The metrics of a run: kept in memory (for plots) and, when a file is given, appended to a CSV one row at a
 * time. Reopening for a resumed run keeps the rows up to the checkpoint's step (rows written after it, and a
 * line cut short by a crash, are dropped) so the log matches the resumed run exactly.
 */
final class MetricsLog implements AutoCloseable {

    private final List<TrainMetrics> rows = new ArrayList<>();
    private final StepCsvFile out;

    private MetricsLog(Path file, long keepUpToStep) {
        if (file == null) {
            out = null;
            return;
        }
        List<String> kept = new ArrayList<>();
        out = new StepCsvFile(file, TrainMetrics.CSV_HEADER, keepUpToStep, MetricsLog::stepOrNull, kept);
        for (String line : kept) {
            rows.add(TrainMetrics.parse(line));
        }
    }

    /** A log written to {@code file} (null: memory only), keeping existing rows up to {@code keepUpToStep}. */
    static MetricsLog open(Path file, long keepUpToStep) {
        return new MetricsLog(file, keepUpToStep);
    }

    private static Long stepOrNull(String line) {
        try {
            return TrainMetrics.parse(line).step();
        } catch (IllegalArgumentException e) {
            return null; // a line cut short by a crash
        }
    }

    void add(TrainMetrics row) {
        rows.add(row);
        if (out != null) {
            out.append(row.csv() + "\n");
        }
    }

    List<TrainMetrics> rows() {
        return Collections.unmodifiableList(rows);
    }

    @Override
    public void close() {
        if (out != null) {
            out.close();
        }
    }
}
