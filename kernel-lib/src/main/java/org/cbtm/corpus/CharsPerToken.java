package org.cbtm.corpus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cbtm.text.token.Tokenizer;

/**
 * How many characters one token covers, per source and tokenizer: the measure by which a small vocabulary is
 * compared with the corpus tokenizer (fewer ids make each token cover less text, so a model sees less text per
 * token of budget).
 */
public final class CharsPerToken {

    /** One source under one tokenizer: characters (UTF-16 units, as Java counts), tokens, and their ratio. */
    public record Row(String source, String tokenizer, int vocabSize, long chars, long tokens) {
        public double charsPerToken() {
            return tokens == 0 ? Double.NaN : (double) chars / tokens;
        }
    }

    private CharsPerToken() {
    }

    /** Every source of {@code corpus} (already filtered to the split wanted) under every named tokenizer. */
    public static List<Row> measure(Corpus corpus, Map<String, Tokenizer> tokenizers) {
        return measure(corpus.stream(), tokenizers);
    }

    /** The same for a list of documents. */
    public static List<Row> measure(List<Document> docs, Map<String, Tokenizer> tokenizers) {
        return measure(docs.stream(), tokenizers);
    }

    private static List<Row> measure(Stream<Document> docs, Map<String, Tokenizer> tokenizers) {
        Map<String, long[]> bySource = new LinkedHashMap<>();   // source -> chars, then tokens per tokenizer
        List<Tokenizer> toks = List.copyOf(tokenizers.values());
        docs.forEachOrdered(d -> {
            long[] acc = bySource.computeIfAbsent(d.source(), s -> new long[1 + toks.size()]);
            acc[0] += d.text().length();
            for (int i = 0; i < toks.size(); i++) {
                acc[1 + i] += toks.get(i).count(d.text());
            }
        });
        List<Row> rows = new ArrayList<>();
        List<String> names = List.copyOf(tokenizers.keySet());
        bySource.forEach((source, acc) -> {
            for (int i = 0; i < names.size(); i++) {
                rows.add(new Row(source, names.get(i), toks.get(i).vocabSize(), acc[0], acc[1 + i]));
            }
        });
        return rows;
    }
}
