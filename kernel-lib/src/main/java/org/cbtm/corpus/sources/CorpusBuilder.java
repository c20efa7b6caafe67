package org.cbtm.corpus.sources;

import org.cbtm.base.Checksums;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.CorpusManifest;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Jsonl;
import org.cbtm.corpus.PassageSplitter;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.SplitAssigner;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.text.token.TokenizerConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Converts unpacked sources into the corpus folder: one {@code <source>.jsonl.gz} per source (documents cut into
 * passages, each with {@code doc_id}, {@code split}, {@code label} and the source's metadata), the corpus
 * {@code tokenizer.json} fitted on the training split, and {@code manifest.json} last. Every file is written
 * atomically and the manifest marks completion, so an interrupted build is simply redone, and a complete one is
 * left alone.
 *
 * @param splitter  passage size
 * @param splits    split fractions and salt
 * @param tokenizer vocabulary settings of the corpus tokenizer
 */
public record CorpusBuilder(PassageSplitter splitter, SplitAssigner splits, TokenizerConfig tokenizer) {

    public static final CorpusBuilder DEFAULT =
            new CorpusBuilder(PassageSplitter.DEFAULT, SplitAssigner.DEFAULT, TokenizerConfig.DEFAULT);

    /** What {@link #build} did. */
    public enum Outcome { BUILT, ALREADY_COMPLETE }

    /**
     * Builds {@code outDir} from the inputs (source name to its input folder), unless a manifest with the same
     * configuration is already there. {@code packages}: package name to version, recorded in the manifest.
     *
     * @throws IllegalStateException when {@code outDir} holds a corpus built with another configuration
     */
    public Outcome build(Map<String, Path> inputs, Map<String, String> packages, Path outDir, PrintStream log) {
        CorpusManifest.BuildConfig config = CorpusManifest.BuildConfig.of(splitter, splits);
        if (CorpusManifest.exists(outDir)) {
            CorpusManifest old = CorpusManifest.read(outDir);
            if (!old.config().equals(config) || !old.sources().keySet().equals(new java.util.TreeSet<>(inputs.keySet()))) {
                throw new IllegalStateException("The corpus in " + outDir + " was built with " + old.config()
                        + " and sources " + old.sources().keySet() + "; asked for " + config + " and " + inputs.keySet()
                        + ". Delete " + outDir + " to rebuild it, or set CBTM_DATA_DIR to another folder.");
            }
            old.verify(outDir, false);
            log.println("corpus: " + outDir + " is complete (manifest.json present): nothing to do.");
            return Outcome.ALREADY_COMPLETE;
        }
        long t0 = System.nanoTime();
        Map<String, Stats> stats = new LinkedHashMap<>();
        for (var in : inputs.entrySet()) {
            stats.put(in.getKey(), convert(SourceSpec.named(in.getKey()), in.getValue(), outDir, log));
        }
        log.printf("tokenizer: fitting r50k_base compaction on the training split...%n");
        Corpus train = Corpus.of(stats.values().stream().map(s -> s.file).toList()).split(Split.TRAIN);
        Tokenizer tok;
        try (Stream<Document> docs = train.stream()) {
            tok = Tokenizer.train(() -> docs.map(Document::text).iterator(), tokenizer);
        }
        Path tokFile = tok.save(outDir.resolve("tokenizer.json"));
        log.printf("tokenizer: %,d ids (%s...)%n", tok.vocabSize(), tok.sha256().substring(0, 12));
        Map<String, CorpusManifest.SourceEntry> entries = new TreeMap<>();
        for (var e : stats.entrySet()) {
            Stats s = e.getValue();
            long tokens;
            try (Stream<Document> docs = Corpus.of(List.of(s.file)).stream()) {
                tokens = docs.parallel().mapToLong(d -> tok.count(d.text())).sum();
            }
            SourceSpec spec = SourceSpec.named(e.getKey());
            entries.put(e.getKey(), new CorpusManifest.SourceEntry(s.file.getFileName().toString(),
                    Checksums.sha256(s.file), size(s.file), String.join(" + ", spec.packages()), s.documents,
                    s.passages, s.characters, tokens, s.skippedEmpty, s.labels));
            log.printf("%-13s %,9d documents %,9d passages %,12d chars %,11d tokens %4d labels%n", e.getKey(),
                    s.documents.values().stream().mapToLong(Long::longValue).sum(),
                    s.passages.values().stream().mapToLong(Long::longValue).sum(), s.characters, tokens,
                    s.labels.size());
        }
        CorpusManifest m = new CorpusManifest(CorpusManifest.FORMAT, config, packages, entries,
                new CorpusManifest.FileEntry(tokFile.getFileName().toString(), Checksums.sha256(tokFile), size(tokFile)));
        m.write(outDir);
        log.printf("corpus: wrote %s in %.1f s%n", outDir.resolve(CorpusManifest.FILE_NAME), (System.nanoTime() - t0) / 1e9);
        return Outcome.BUILT;
    }

    private static final class Stats {
        Path file;
        final Map<String, Long> documents = new TreeMap<>();
        final Map<String, Long> passages = new TreeMap<>();
        final Map<String, Long> labels = new TreeMap<>();
        long characters;
        long skippedEmpty;
    }

    private Stats convert(SourceSpec spec, Path input, Path outDir, PrintStream log) {
        long t0 = System.nanoTime();
        log.printf("%s: converting %s ...%n", spec.name(), input);
        List<Document> docs = spec.read(input);
        Stats s = new Stats();
        for (Split sp : Split.values()) {
            s.documents.put(sp.id(), 0L);
            s.passages.put(sp.id(), 0L);
        }
        List<Document> out = new ArrayList<>(docs.size());
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Document d : docs) {
            if (d.text().isBlank()) {
                s.skippedEmpty++;
                continue;
            }
            if (!ids.add(d.id())) {
                throw new IllegalStateException(spec.name() + ": duplicate document id " + d.id());
            }
            Document withSplit = splits.apply(d);
            s.documents.merge(withSplit.split(), 1L, Long::sum);
            for (Document p : splitter.split(withSplit)) {
                out.add(p);
                s.passages.merge(p.split(), 1L, Long::sum);
                s.labels.merge(p.label(), 1L, Long::sum);
                s.characters += p.text().length();
            }
        }
        s.file = outDir.resolve(spec.name() + ".jsonl.gz");
        Jsonl.write(s.file, out);
        log.printf("%s: %,d documents -> %,d passages (%,d empty skipped) in %.1f s%n", spec.name(),
                docs.size() - s.skippedEmpty, out.size(), s.skippedEmpty, (System.nanoTime() - t0) / 1e9);
        return s;
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
