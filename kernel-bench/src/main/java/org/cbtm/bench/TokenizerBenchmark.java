package org.cbtm.bench;

import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.Document;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.cbtm.text.token.Tokenizer;

/**
 * Tokenises every passage of the built corpus with the corpus tokenizer and prints throughput. The texts are
 * loaded first, so the timing is of encoding only. Run with {@code datasets/bench-tokenizer}, or
 * {@code java -cp ... org.cbtm.bench.TokenizerBenchmark [--corpus DIR] [--repeat N]}.
 */
public final class TokenizerBenchmark {

    private TokenizerBenchmark() {
    }

    public static void main(String[] args) {
        Path dir = Corpora.dir();
        int repeat = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--corpus" -> dir = Path.of(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("usage: TokenizerBenchmark [--corpus DIR] [--repeat N]");
            }
        }
        long t0 = System.nanoTime();
        Corpus corpus = Corpora.load(dir);
        Tokenizer tok = Corpora.tokenizer(dir);
        List<String> texts = corpus.stream().map(Document::text).toList();
        long chars = texts.stream().mapToLong(String::length).sum();
        System.out.printf("loaded %,d passages, %,d characters in %.2f s; tokenizer %s (%,d ids)%n", texts.size(), chars,
                (System.nanoTime() - t0) / 1e9, tok.sha256().substring(0, 12), tok.vocabSize());
        // warm-up: JIT and the lazy GPT-2 tables
        texts.stream().limit(20_000).forEach(tok::encode);
        int threads = Runtime.getRuntime().availableProcessors();
        for (int r = 0; r < repeat; r++) {
            long s = System.nanoTime();
            long tokens = 0;
            for (String t : texts) {
                tokens += tok.encode(t).length;
            }
            report("1 thread ", tokens, chars, System.nanoTime() - s);
            s = System.nanoTime();
            long ptokens = IntStream.range(0, texts.size()).parallel().mapToLong(i -> tok.encode(texts.get(i)).length).sum();
            report(threads + " threads", ptokens, chars, System.nanoTime() - s);
        }
        long s = System.nanoTime();
        long bad = texts.parallelStream().filter(t -> !tok.decode(tok.encode(t)).equals(Tokenizer.sanitize(t))).count();
        System.out.printf("round trip decode(encode(x)) == x: %s (%d failures) in %.2f s%n", bad == 0 ? "ok" : "FAILED",
                bad, (System.nanoTime() - s) / 1e9);
    }

    private static void report(String what, long tokens, long chars, long nanos) {
        double sec = nanos / 1e9;
        System.out.printf("encode %s: %,d tokens in %.2f s = %,.0f tokens/s (%.1f MB chars/s, %.2f chars/token)%n",
                what, tokens, sec, tokens / sec, chars / sec / 1e6, (double) chars / tokens);
    }
}
