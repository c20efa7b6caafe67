package org.cbtm.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A streaming view of documents stored in JSON Lines files, with filters. Nothing is held in memory: each
 * {@link #stream()} reads the files again (close the stream, or use try-with-resources).
 *
 * <pre>{@code
 * Corpus train = Corpora.load().split(Split.TRAIN).sources("brown", "bible");
 * try (Stream<Document> docs = train.stream()) { ... }
 * }</pre>
 */
public final class Corpus {

    private final List<Path> files;
    private final Predicate<Document> filter;
    private final Set<String> sources;
    private final AtomicLong skippedEmpty;

    private Corpus(List<Path> files, Predicate<Document> filter, Set<String> sources, AtomicLong skippedEmpty) {
        this.files = List.copyOf(files);
        this.filter = filter;
        this.sources = sources;
        this.skippedEmpty = skippedEmpty;
    }

    /** The documents of these JSONL (or JSONL.gz) files, in this order. */
    public static Corpus of(List<Path> files) {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("Corpus file not found: " + f + " (check the path, or build the corpora "
                        + "with datasets/build)");
            }
        }
        return new Corpus(files, d -> true, null, new AtomicLong());
    }

    /** A single file, or every {@code *.jsonl} / {@code *.jsonl.gz} file of a folder in name order. */
    public static Corpus open(Path fileOrDir) {
        if (Files.isRegularFile(fileOrDir)) {
            return of(List.of(fileOrDir));
        }
        if (!Files.isDirectory(fileOrDir)) {
            throw new IllegalArgumentException("No corpus at " + fileOrDir
                    + ": expected a .jsonl(.gz) file or a folder of them (build the corpora with datasets/build).");
        }
        try (Stream<Path> list = Files.list(fileOrDir)) {
            List<Path> found = list.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".jsonl") || n.endsWith(".jsonl.gz")) && !n.startsWith(".");
            }).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalArgumentException("The corpus folder " + fileOrDir + " is empty: it holds no .jsonl or "
                        + ".jsonl.gz files. Put the documents there (one JSON object per line with \"id\" and \"text\") "
                        + "or build the corpora with datasets/build.");
            }
            return of(found);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + fileOrDir + ": " + e.getMessage(), e);
        }
    }

    public List<Path> files() {
        return files;
    }

    /** Only documents that also pass {@code p}. */
    public Corpus filter(Predicate<Document> p) {
        return new Corpus(files, filter.and(p), sources, skippedEmpty);
    }

    /** Only these splits. */
    public Corpus split(Split... splits) {
        Set<String> ids = Arrays.stream(splits).map(Split::id).collect(java.util.stream.Collectors.toSet());
        return filter(d -> ids.contains(d.split()));
    }

    /**
     * Only these sources. A file named {@code <source>.jsonl(.gz)} of another source is not even opened.
     */
    public Corpus sources(String... names) {
        Set<String> s = Set.of(names);
        Set<String> narrowed = sources == null ? s : intersect(sources, s);
        return new Corpus(files, filter.and(d -> s.contains(d.source())), narrowed, skippedEmpty);
    }

    /** Only these labels. */
    public Corpus labels(String... labels) {
        Set<String> s = Set.of(labels);
        return filter(d -> s.contains(d.label()));
    }

    /** Streams the documents that pass the filters; close the stream. */
    public Stream<Document> stream() {
        List<Path> todo = files.stream().filter(this::mayHold).toList();
        Stream<Document> all = todo.stream().flatMap(f -> Jsonl.read(f, skippedEmpty::addAndGet));
        return all.filter(filter);
    }

    /** All documents that pass the filters, in memory (for small corpora and samples). */
    public List<Document> toList() {
        try (Stream<Document> s = stream()) {
            return s.toList();
        }
    }

    public long count() {
        try (Stream<Document> s = stream()) {
            return s.count();
        }
    }

    /**
     * A seeded sample of at most {@code n} documents: those with the smallest hash of (seed, id). It depends only on
     * the seed and the ids, not on file order, and a larger {@code n} extends a smaller one. Returned in hash order.
     */
    public List<Document> sample(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("sample size must be >= 0, got " + n);
        }
        record Keyed(long key, Document doc) {
        }
        Comparator<Keyed> order = Comparator.comparingLong(Keyed::key).thenComparing(k -> k.doc().id());
        PriorityQueue<Keyed> heap = new PriorityQueue<>(order.reversed());
        try (Stream<Document> s = stream()) {
            s.forEach(d -> {
                Keyed k = new Keyed(SplitAssigner.hash64(seed + ":" + d.id()) >>> 1, d);
                if (heap.size() < n) {
                    heap.add(k);
                } else if (n > 0 && order.compare(k, heap.peek()) < 0) {
                    heap.poll();
                    heap.add(k);
                }
            });
        }
        List<Keyed> out = new ArrayList<>(heap);
        out.sort(order);
        return out.stream().map(Keyed::doc).toList();
    }

    /** Empty documents skipped so far by the streams of this corpus (and of views made from it). */
    public long skippedEmpty() {
        return skippedEmpty.get();
    }

    private boolean mayHold(Path file) {
        if (sources == null) {
            return true;
        }
        String n = file.getFileName().toString();
        int dot = n.indexOf(".jsonl");
        String base = dot > 0 ? n.substring(0, dot) : n;
        // only files that follow the one-file-per-source naming of datasets/build can be skipped
        return sources.contains(base) || !Corpora.SOURCES.contains(base);
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        return a.stream().filter(b::contains).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
