package org.cbtm.corpus;

import org.cbtm.text.token.Tokenizer;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * Counts of a corpus (documents, passages, characters, tokens) by source, label and split, as Tablesaw tables.
 * "Documents" are distinct original documents ({@code doc_id}); "passages" are records.
 */
public final class CorpusStats {

    /** One passage's numbers. */
    public record Row(String source, String label, String split, String docId, int characters, int tokens) {
    }

    private final List<Row> rows;

    private CorpusStats(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Collects stats from a stream (not closed here); {@code tokens} counts the tokens of a text. */
    public static CorpusStats of(Stream<Document> docs, ToIntFunction<String> tokens) {
        List<Row> rows = new ArrayList<>();
        docs.forEachOrdered(d -> rows.add(new Row(d.source(), d.label(), d.split(), d.docId(), d.text().length(),
                tokens.applyAsInt(d.text()))));
        return new CorpusStats(rows);
    }

    public static CorpusStats of(List<Document> docs, Tokenizer tokenizer) {
        return of(docs.stream(), tokenizer::count);
    }

    public static CorpusStats of(Corpus corpus, Tokenizer tokenizer) {
        try (Stream<Document> s = corpus.stream()) {
            return of(s, tokenizer::count);
        }
    }

    public List<Row> rows() {
        return rows;
    }

    /** source, documents, passages, characters, tokens, tokens_per_passage, labels. */
    public Table bySource() {
        return group("corpus by source", r -> List.of(r.source()), List.of("source"), true);
    }

    /** source, label, documents, passages, characters, tokens, tokens_per_passage. */
    public Table bySourceAndLabel() {
        return group("corpus by source and label", r -> List.of(r.source(), r.label()), List.of("source", "label"), false);
    }

    /** source, split, documents, passages, characters, tokens, tokens_per_passage. */
    public Table bySourceAndSplit() {
        return group("corpus by source and split", r -> List.of(r.source(), r.split()), List.of("source", "split"), false);
    }

    /**
     * A few example passages per source (seeded), with their label and the start of their text.
     *
     * @param maxChars texts longer than this are cut and end in "…"
     */
    public static Table examples(Corpus corpus, int perSource, long seed, int maxChars) {
        Table t = Table.create("example passages", StringColumn.create("source"), StringColumn.create("label"),
                StringColumn.create("id"), StringColumn.create("text"));
        for (String s : Corpora.SOURCE_LIST) {
            for (Document d : corpus.sources(s).sample(perSource, seed)) {
                String text = d.text().length() <= maxChars ? d.text() : d.text().substring(0, maxChars) + "…";
                t.stringColumn(0).append(d.source());
                t.stringColumn(1).append(d.label());
                t.stringColumn(2).append(d.id());
                t.stringColumn(3).append(text);
            }
        }
        return t;
    }

    /** One row per passage: source, label, split, characters, tokens. */
    public Table passages() {
        Table t = Table.create("passages",
                StringColumn.create("source"), StringColumn.create("label"), StringColumn.create("split"),
                IntColumn.create("characters"), IntColumn.create("tokens"));
        for (Row r : rows) {
            t.stringColumn(0).append(r.source());
            t.stringColumn(1).append(r.label());
            t.stringColumn(2).append(r.split());
            t.intColumn(3).append(r.characters());
            t.intColumn(4).append(r.tokens());
        }
        return t;
    }

    private Table group(String name, java.util.function.Function<Row, List<String>> key, List<String> keyNames,
                        boolean withLabels) {
        final class Acc {
            final Set<String> docs = new HashSet<>();
            final Set<String> labels = new HashSet<>();
            long passages;
            long chars;
            long tokens;
        }
        Map<List<String>, Acc> groups = new TreeMap<>((a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                int c = a.get(i).compareTo(b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        for (Row r : rows) {
            Acc a = groups.computeIfAbsent(key.apply(r), k -> new Acc());
            a.docs.add(r.docId());
            a.labels.add(r.label());
            a.passages++;
            a.chars += r.characters();
            a.tokens += r.tokens();
        }
        Table t = Table.create(name);
        for (String k : keyNames) {
            t.addColumns(StringColumn.create(k));
        }
        LongColumn docs = LongColumn.create("documents");
        LongColumn passages = LongColumn.create("passages");
        LongColumn chars = LongColumn.create("characters");
        LongColumn tokens = LongColumn.create("tokens");
        DoubleColumn mean = DoubleColumn.create("tokens_per_passage");
        IntColumn labels = IntColumn.create("labels");
        t.addColumns(docs, passages, chars, tokens, mean);
        if (withLabels) {
            t.addColumns(labels);
        }
        groups.forEach((k, a) -> {
            for (int i = 0; i < k.size(); i++) {
                t.stringColumn(i).append(k.get(i));
            }
            docs.append(a.docs.size());
            passages.append(a.passages);
            chars.append(a.chars);
            tokens.append(a.tokens);
            mean.append(Math.round(10.0 * a.tokens / a.passages) / 10.0);
            if (withLabels) {
                labels.append(a.labels.size());
            }
        });
        return t;
    }
}
