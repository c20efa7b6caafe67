package org.cbtm.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Function;

import org.cbtm.base.AtomicFiles;

/**
 * A CSV log of a training run whose rows start with the step: appended one row at a time, and reopened for a
 * resumed run keeping only the rows up to the checkpoint's step (rows written after it, and a line cut short by a
 * crash, are dropped) so the log matches the resumed run exactly. What {@code metrics.csv} and {@code routing.csv}
 * share.
 */
final class StepCsvFile implements AutoCloseable {

    private final BufferedWriter out;

    /**
     * Opens {@code file} with {@code header}, keeping the existing rows whose step ({@code stepOf}, null for a line
     * that does not parse) is at most {@code keepUpToStep}; those rows go to {@code kept}.
     */
    StepCsvFile(Path file, String header, long keepUpToStep, Function<String, Long> stepOf, List<String> kept) {
        try {
            StringBuilder text = new StringBuilder(header).append('\n');
            if (keepUpToStep > 0 && Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank() || line.equals(header)) {
                        continue;
                    }
                    Long step = stepOf.apply(line);
                    if (step != null && step <= keepUpToStep) {
                        kept.add(line);
                        text.append(line).append('\n');
                    }
                }
            }
            AtomicFiles.writeString(file, text.toString());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the training log " + file + ": " + e.getMessage(), e);
        }
    }

    void append(String rows) {
        try {
            out.write(rows);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the training log: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
