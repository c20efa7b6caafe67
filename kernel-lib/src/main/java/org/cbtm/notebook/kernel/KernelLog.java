package org.cbtm.notebook.kernel;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the kernel's diagnostics go: a log file, never the terminal of the Jupyter server (which gets one line
 * saying where the file is) and never a cell. The file is {@code $CBTM_KERNEL_LOG} when set (the kernelspec's launcher
 * sets it, and the headless runner chooses it beside the executed notebook), else
 * {@code build/jupyter/logs/<connection file name>.log} under {@code $CBTM_HOME}, else the same name in the temporary
 * folder. Nothing writes the connection file or its key.
 */
final class KernelLog {

    /** Log files kept per folder: older ones are deleted at start. */
    static final int KEEP = 50;

    private KernelLog() {
    }

    static Path fileFor(Path connectionFile) {
        String set = System.getenv("CBTM_KERNEL_LOG");
        if (set != null && !set.isBlank()) {
            return Path.of(set).toAbsolutePath();
        }
        String name = connectionFile.getFileName().toString().replaceFirst("\\.json$", "") + ".log";
        String home = System.getenv("CBTM_HOME");
        Path dir = home != null && !home.isBlank() ? Path.of(home, "build", "jupyter", "logs")
                : Path.of(System.getProperty("java.io.tmpdir"), "cbtm-kernel-logs");
        return dir.resolve(name);
    }

    /**
     * Opens the log, points this JVM's standard streams and the SLF4J loggers at it, and prints the one line the
     * terminal gets. Call first in {@code main}, before anything logs.
     */
    static Path open(Path connectionFile) throws IOException {
        Path file = fileFor(connectionFile);
        Files.createDirectories(file.getParent());
        prune(file.getParent(), file);
        PrintStream terminal = System.err;
        PrintStream log = new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8);
        System.setOut(log);
        System.setErr(log);
        // SLF4J's simple logger writes to the System.err it finds at start (the log), not the cell's stream later
        System.setProperty("org.slf4j.simpleLogger.cacheOutputStream", "true");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "true");
        System.setProperty("org.slf4j.simpleLogger.log.org.cbtm.notebook.kernel", "info");
        System.setProperty("org.slf4j.simpleLogger.log.org.dflib.jjava", "info");
        if (System.getenv("CBTM_KERNEL_LOG") == null) {
            // started without the launcher, which has already said where the log is
            terminal.println("[cbtm] Java (C-BTM) kernel " + connectionFile.getFileName() + " started; its log: " + file);
            terminal.flush();
        }
        return file;
    }

    /** Deletes all but the newest {@link #KEEP} logs of a folder (never {@code current}). */
    static void prune(Path dir, Path current) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> logs = files.filter(p -> p.getFileName().toString().endsWith(".log") && !p.equals(current))
                    .sorted(Comparator.comparing(KernelLog::modified).reversed()).toList();
            for (Path old : logs.subList(Math.min(logs.size(), KEEP - 1), logs.size())) {
                Files.deleteIfExists(old);
            }
        } catch (IOException | RuntimeException e) {
            // a log folder we cannot tidy is not a reason to fail a kernel start
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
