package org.cbtm.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian {@code chromium}) turns a figure's HTML page into a PNG. The flags stop it from
 * reaching for outside hosts, which these machines refuse.
 */
public final class Chromium {

    private Chromium() {
    }

    /** {@code $CBTM_CHROMIUM}, else the first of chromium, chromium-browser, google-chrome on the PATH. */
    public static Path executable() {
        String env = System.getenv("CBTM_CHROMIUM");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new IllegalStateException("Headless Chromium is needed to write PNG figures and was not found on the PATH. "
                + "Install Debian's chromium (environment/jupyter does: apt-get install chromium) or set CBTM_CHROMIUM.");
    }

    /** Screenshots {@code page} into {@code png} (written atomically) with the given window size. */
    public static void screenshot(Path page, Path png, int width, int height) {
        Path profile = null;
        Path shot = null;
        try {
            profile = Files.createTempDirectory("cbtm-chromium-");
            shot = Files.createTempFile(png.toAbsolutePath().getParent(), "." + png.getFileName(), ".partial.png");
            List<String> cmd = new ArrayList<>(List.of(executable().toString(),
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-default-apps", "--hide-scrollbars", "--mute-audio",
                    "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                    "--virtual-time-budget=8000", "--screenshot=" + shot.toAbsolutePath(),
                    page.toAbsolutePath().toUri() + "#static"));
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] log = proc.getInputStream().readAllBytes();
            if (!proc.waitFor(120, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                throw new IllegalStateException("Chromium did not finish the screenshot of " + page + " in 120 s");
            }
            if (proc.exitValue() != 0 || Files.size(shot) == 0) {
                throw new IllegalStateException("Chromium failed to screenshot " + page + " (exit " + proc.exitValue()
                        + "):\n" + new String(log, StandardCharsets.UTF_8));
            }
            org.cbtm.base.AtomicFiles.makeReadable(shot);
            Files.move(shot, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + png + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Chromium rendered " + page, e);
        } finally {
            deleteQuietly(shot);
            deleteTree(profile);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(Chromium::deleteQuietly);
        } catch (IOException ignored) {
            // Chromium's profile in /tmp: harmless if it stays
        }
    }
}
