package org.cbtm.base;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the project's folders are, so that notebooks, tests and commands agree without passing paths around.
 *
 * <p>The root is {@code $CBTM_HOME} when set (the kernelspec and the scripts set it), otherwise the first folder
 * at or above the working directory that holds both {@code pom.xml} and {@code environment/}.
 */
public final class ProjectPaths {

    private ProjectPaths() {
    }

    /** The project root. */
    public static Path root() {
        String home = System.getenv("CBTM_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("environment"))) {
                return p;
            }
        }
        throw new IllegalStateException("Cannot find the project root from " + start
                + ": set CBTM_HOME to the folder that holds pom.xml and environment/ "
                + "(environment/jupyter and environment/reproduce set it for you).");
    }

    /** The git-ignored build folder: caches, executed notebooks, the kernelspec. */
    public static Path build() {
        return root().resolve("build");
    }

    /** Where figures are saved: {@code $CBTM_FIGURES_DIR} when set (quick runs use a build folder), else {@code figures/}. */
    public static Path figures() {
        String dir = System.getenv("CBTM_FIGURES_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath().normalize();
        }
        return root().resolve("figures");
    }

    /** The git-ignored folder that holds the built corpora: {@code $CBTM_DATA_DIR} when set, else {@code datasets/cache}. */
    public static Path dataCache() {
        String dir = System.getenv("CBTM_DATA_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath().normalize();
        }
        return root().resolve("datasets").resolve("cache");
    }
}
