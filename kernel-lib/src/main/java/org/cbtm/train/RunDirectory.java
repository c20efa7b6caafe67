package org.cbtm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one run in its output folder: {@code final.ckpt} when it is done, {@code step-00001234.ckpt}
 * while it runs (only the latest is kept), {@code metrics.csv}.
 */
public record RunDirectory(Path dir) {

    private static final Pattern INTERMEDIATE = Pattern.compile("step-(\\d{8,})\\.ckpt");

    public Path finalCheckpoint() {
        return dir.resolve("final.ckpt");
    }

    public Path intermediate(long step) {
        return dir.resolve(String.format("step-%08d.ckpt", step));
    }

    public Path metrics() {
        return dir.resolve("metrics.csv");
    }

    /** An MoE run's routing per log interval ({@code routing.csv}: layer, expert, load, dropped tokens). */
    public Path routing() {
        return dir.resolve(RoutingLog.FILE);
    }

    /** The intermediate checkpoint with the highest step, if any. */
    public Optional<Path> latestIntermediate() {
        return intermediates().stream().max(Comparator.comparingLong(RunDirectory::stepOf));
    }

    /** Deletes intermediate checkpoints other than {@code keep} (null: all of them). */
    public void deleteIntermediatesExcept(Path keep) {
        for (Path p : intermediates()) {
            if (!p.equals(keep)) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete old checkpoint " + p + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private List<Path> intermediates() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> INTERMEDIATE.matcher(p.getFileName().toString()).matches()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long stepOf(Path p) {
        Matcher m = INTERMEDIATE.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
