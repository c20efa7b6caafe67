package org.cbtm.present;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The layering of the presentation package, on the sources: present draws on the domain packages but never on
 * experiment or notebook, and no domain package draws on present (figures are built in present only).
 */
class PresentLayeringTest {
    private static final Path MAIN = Path.of("src/main/java/org/cbtm");
    private static final List<String> DOMAIN = List.of("base", "math", "corpus", "text", "cluster", "lm", "train",
            "route", "ensemble", "eval");

    private static List<String> offending(Path dir, Pattern pattern) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                if (pattern.matcher(text).find()) {
                    out.add(MAIN.relativize(f).toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void presentDoesNotUseExperimentOrNotebook() {
        assertEquals(List.of(), offending(MAIN.resolve("present"),
                Pattern.compile("import\\s+(static\\s+)?org\\.cbtm\\.(experiment|notebook)\\.|org\\.cbtm\\.(experiment|notebook)\\.[A-Z]")));
    }

    @Test
    void noDomainPackageUsesPresentOrBuildsFigures() {
        for (String p : DOMAIN) {
            assertEquals(List.of(), offending(MAIN.resolve(p), Pattern.compile("org\\.cbtm\\.present\\.|tech\\.tablesaw\\.plotly")),
                    p + " imports the presentation layer or builds a figure");
        }
    }
}
