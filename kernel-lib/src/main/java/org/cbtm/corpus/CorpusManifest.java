package org.cbtm.corpus;

import org.cbtm.base.Checksums;

import com.fasterxml.jackson.databind.SerializationFeature;
import org.cbtm.base.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code manifest.json} of a built corpus folder. It is written last, atomically, so its presence means the
 * corpus is complete.
 *
 * @param format      {@link #FORMAT}
 * @param config      how the corpus was built (passage size, split fractions and salt)
 * @param packages    registry package name to the version that was converted
 * @param sources     one entry per source
 * @param tokenizer   the corpus tokenizer file, or null
 */
public record CorpusManifest(String format, BuildConfig config, Map<String, String> packages,
                             Map<String, SourceEntry> sources, FileEntry tokenizer) {

    public static final String FORMAT = "cbtm-corpus-v1";
    public static final String FILE_NAME = "manifest.json";

    /** The settings that determine the content. */
    public record BuildConfig(int passageMaxChars, int passageMinChars, double validFraction, double testFraction,
                              String splitSalt) {
        public static BuildConfig of(PassageSplitter p, SplitAssigner s) {
            return new BuildConfig(p.maxChars(), p.minChars(), s.validFraction(), s.testFraction(), s.salt());
        }
    }

    /**
     * @param documents original documents per split; {@code passages}: records per split
     * @param labels    passages per label
     */
    public record SourceEntry(String file, String sha256, long bytes, String packageName,
                              Map<String, Long> documents, Map<String, Long> passages, long characters,
                              long tokens, long skippedEmpty, Map<String, Long> labels) {
        public long totalDocuments() {
            return documents.values().stream().mapToLong(Long::longValue).sum();
        }

        public long totalPassages() {
            return passages.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public record FileEntry(String file, String sha256, long bytes) {
    }

    public CorpusManifest {
        packages = new TreeMap<>(packages);
        sources = new TreeMap<>(sources);
    }

    /**
     * One row per source: packages and versions, documents and passages per split, characters, tokens, labels,
     * empty documents skipped, and the first 12 hex digits of the file's sha256.
     */
    public tech.tablesaw.api.Table toTable() {
        var t = tech.tablesaw.api.Table.create("corpus manifest");
        var source = tech.tablesaw.api.StringColumn.create("source");
        var pkgs = tech.tablesaw.api.StringColumn.create("packages");
        var docs = tech.tablesaw.api.LongColumn.create("documents");
        var train = tech.tablesaw.api.LongColumn.create("train_docs");
        var valid = tech.tablesaw.api.LongColumn.create("valid_docs");
        var test = tech.tablesaw.api.LongColumn.create("test_docs");
        var passages = tech.tablesaw.api.LongColumn.create("passages");
        var chars = tech.tablesaw.api.LongColumn.create("characters");
        var tokens = tech.tablesaw.api.LongColumn.create("tokens");
        var labels = tech.tablesaw.api.IntColumn.create("labels");
        var skipped = tech.tablesaw.api.LongColumn.create("empty_skipped");
        var sha = tech.tablesaw.api.StringColumn.create("sha256");
        sources.forEach((name, e) -> {
            source.append(name);
            pkgs.append(java.util.Arrays.stream(e.packageName().split(" \\+ "))
                    .map(p -> p + " " + packages.getOrDefault(p, "?")).collect(java.util.stream.Collectors.joining(", ")));
            docs.append(e.totalDocuments());
            train.append(e.documents().getOrDefault("train", 0L));
            valid.append(e.documents().getOrDefault("valid", 0L));
            test.append(e.documents().getOrDefault("test", 0L));
            passages.append(e.totalPassages());
            chars.append(e.characters());
            tokens.append(e.tokens());
            labels.append(e.labels().size());
            skipped.append(e.skippedEmpty());
            sha.append(e.sha256().substring(0, Math.min(12, e.sha256().length())));
        });
        t.addColumns(source, pkgs, docs, train, valid, test, passages, chars, tokens, labels, skipped, sha);
        return t;
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE_NAME));
    }

    public static CorpusManifest read(Path dir) {
        Path f = dir.resolve(FILE_NAME);
        try {
            CorpusManifest m = Jsonl.MAPPER.readValue(f.toFile(), CorpusManifest.class);
            if (!FORMAT.equals(m.format())) {
                throw new IllegalStateException(f + " has format " + m.format() + ", expected " + FORMAT
                        + ": delete " + dir + " and run datasets/build again.");
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + f + ": " + e.getMessage()
                    + " (delete the folder and run datasets/build again)", e);
        }
    }

    public void write(Path dir) {
        AtomicFiles.write(dir.resolve(FILE_NAME), out -> out.write(
                Jsonl.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(this)));
    }

    /** Checks that every listed file exists with its recorded size (and, if {@code checksums}, its sha256). */
    public void verify(Path dir, boolean checksums) {
        for (SourceEntry e : sources.values()) {
            check(dir, new FileEntry(e.file(), e.sha256(), e.bytes()), checksums);
        }
        if (tokenizer != null) {
            check(dir, tokenizer, checksums);
        }
    }

    private static void check(Path dir, FileEntry e, boolean checksums) {
        Path f = dir.resolve(e.file());
        try {
            if (!Files.isRegularFile(f) || Files.size(f) != e.bytes()) {
                throw new IllegalStateException("Corpus file " + f + " is missing or has the wrong size: delete "
                        + dir + " and run datasets/build again.");
            }
            if (checksums && !Checksums.sha256(f).equals(e.sha256())) {
                throw new IllegalStateException("Corpus file " + f + " does not match its sha256 in the manifest: "
                        + "delete " + dir + " and run datasets/build again.");
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
