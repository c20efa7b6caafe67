package org.cbtm.corpus;

import org.cbtm.corpus.sources.SourceSpec;
import org.cbtm.base.ProjectPaths;

import java.nio.file.Path;
import java.util.List;

/** The committed source samples in datasets/samples (tests never need the registries). */
public final class Samples {
    private Samples() {
    }

    public static Path dir() {
        return ProjectPaths.root().resolve("datasets").resolve("samples");
    }

    public static Path of(String source) {
        return dir().resolve(source);
    }

    /** Every sample of every source, converted. */
    public static List<Document> all() {
        return SourceSpec.ALL.stream().flatMap(s -> s.read(of(s.name())).stream()).toList();
    }
}
