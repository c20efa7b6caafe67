package org.cbtm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.Split;
import org.cbtm.base.AtomicFiles;
import org.cbtm.base.ProjectPaths;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.ngram.Discounts;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;

/**
 * The n-gram benchmark (run it with {@code environment/bench/ngram}): trains {@link KneserNeyLM} of each order on
 * the training split of the built corpus (all sources) and measures training tokens/s, scoring tokens/s
 * ({@code sequenceLogProbs} over the held-out documents with 1 and 2 threads), {@code nextTokenLogProbs}
 * contexts/s (one context per call, one thread) and held-out perplexity (methods 1.5: one document per sequence,
 * the first token not predicted, micro-averaged). Writes {@code figures/bench-ngram.md} and {@code .csv}.
 *
 * <p>Options: {@code --orders 1,2,3,4,5}, {@code --max-train-tokens N} (a prefix of the packed training stream),
 * {@code --held-out valid|test}, {@code --contexts 2000}, {@code --repeat 3} (each figure is the best of that
 * many runs), {@code --seed 0} (the order of the training documents,
 * shuffled so that any prefix mixes every source, and the contexts), {@code --no-save}.
 */
public final class NgramBenchmark {

    private record Row(int order, long tokens, long entries, double trainS, double score1S, double score2S,
                       long scoredTokens, double contextsPerS, double indexS, double perplexity,
                       String discounts) {
    }

    private NgramBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int[] orders = {1, 2, 3, 4, 5};
        long maxTrain = Long.MAX_VALUE;
        Split heldOutSplit = Split.VALID;
        int numContexts = 2000;
        long seed = 0;
        boolean save = true;
        int repeat = 3;
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--orders" -> orders = Arrays.stream(args[++a].split(",")).map(String::strip)
                        .mapToInt(Integer::parseInt).toArray();
                case "--max-train-tokens" -> maxTrain = Long.parseLong(args[++a].replace("_", ""));
                case "--held-out" -> heldOutSplit = Split.valueOf(args[++a].toUpperCase(Locale.ROOT));
                case "--contexts" -> numContexts = Integer.parseInt(args[++a]);
                case "--seed" -> seed = Long.parseLong(args[++a]);
                case "--no-save" -> save = false;
                case "--repeat" -> repeat = Math.max(1, Integer.parseInt(args[++a]));
                case "-h", "--help" -> {
                    System.out.println("usage: environment/bench/ngram [--orders 1,2,3,4,5] [--max-train-tokens N] "
                            + "[--held-out valid|test] [--contexts 2000] [--seed 0] [--repeat 3] [--no-save]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[a] + " (try --help)");
            }
        }
        for (int o : orders) {
            new NgramConfig(o);
        }

        // ---- data: the whole training split (all sources) and the held-out split, tokenised once
        long t0 = System.nanoTime();
        Corpus corpus = Corpora.load();
        Tokenizer tokenizer = Corpora.tokenizer();
        List<org.cbtm.corpus.Document> trainDocs = corpus.split(Split.TRAIN).toList();
        List<org.cbtm.corpus.Document> heldDocs = corpus.split(heldOutSplit).toList();
        double readS = seconds(t0);
        t0 = System.nanoTime();
        TokenShard train = TokenShard.encode(tokenizer, trainDocs);
        // documents in a seeded random order, so that a prefix of the stream (--max-train-tokens) mixes every source
        int[] perm = new int[train.numDocuments()];
        SplittableRandom shuffle = new SplittableRandom(seed);
        for (int i = 0; i < perm.length; i++) {
            int j = shuffle.nextInt(i + 1);
            perm[i] = perm[j];
            perm[j] = i;
        }
        train = train.select(perm);
        TokenShard held = TokenShard.encode(tokenizer, heldDocs);
        double encodeS = seconds(t0);
        long budget = Math.min(maxTrain, train.numTokens());
        List<int[]> heldSeqs = new ArrayList<>(held.numDocuments());
        long scored = 0;
        for (int d = 0; d < held.numDocuments(); d++) {
            int[] doc = held.document(d);
            heldSeqs.add(doc);
            scored += doc.length - 1;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String setup = String.format(Locale.ROOT,
                "corpus: %,d training documents, %,d tokens (train split, all %d sources; %,d used); held-out: %,d "
                        + "documents, %,d tokens, %,d predicted (%s split); read %.1f s, tokenised %.1f s; training "
                        + "documents shuffled (seed %d)%n"
                        + "machine: %d cores, JDK %s, max heap %,d MiB", trainDocs.size(), train.numTokens(),
                Corpora.SOURCE_LIST.size(), budget, held.numDocuments(), held.numTokens(), scored,
                heldOutSplit.id(), readS, encodeS, seed, cores, Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.println(setup);
        trainDocs = null;
        heldDocs = null;

        // contexts for nextTokenLogProbs: random prefixes of held-out documents
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> contexts = new ArrayList<>(numContexts);
        for (int i = 0; i < numContexts; i++) {
            int[] doc = heldSeqs.get(rnd.nextInt(heldSeqs.size()));
            contexts.add(Arrays.copyOf(doc, rnd.nextInt(doc.length)));
        }

        // warm-up (JIT): a small model, trained and scored, not reported
        {
            KneserNeyLM warm = KneserNeyLM.train(train, NgramConfig.of(3), Math.min(budget, 500_000));
            score(warm, heldSeqs.subList(0, Math.min(heldSeqs.size(), 500)), 1);
            for (int i = 0; i < Math.min(50, contexts.size()); i++) {
                warm.nextTokenLogProbs(List.of(contexts.get(i)));
            }
        }

        List<Row> rows = new ArrayList<>();
        String saveLine = "";
        System.out.println(header());
        for (int order : orders) {
            // every figure is the best of --repeat runs: other jobs share the machine, the best run is the least disturbed
            KneserNeyLM lm = null;
            double trainS = Double.MAX_VALUE;
            for (int r = 0; r < repeat; r++) {
                lm = null;
                System.gc();
                long s = System.nanoTime();
                lm = KneserNeyLM.train(train, NgramConfig.of(order), budget);
                trainS = Math.min(trainS, seconds(s));
            }
            double nll = score(lm, heldSeqs, 1);
            double score1 = Double.MAX_VALUE;
            double score2 = Double.MAX_VALUE;
            for (int r = 0; r < repeat; r++) {
                long s = System.nanoTime();
                double n1 = score(lm, heldSeqs, 1);
                score1 = Math.min(score1, seconds(s));
                s = System.nanoTime();
                double n2 = score(lm, heldSeqs, 2);
                score2 = Math.min(score2, seconds(s));
                if (n1 != nll || n2 != nll) {
                    throw new IllegalStateException("scores differ between runs or thread counts: " + nll + ", " + n1
                            + ", " + n2);
                }
            }

            long s = System.nanoTime();
            lm.nextTokenLogProbs(List.of(contexts.get(0))); // builds the continuation index
            double indexS = seconds(s);
            double ctxS = Double.MAX_VALUE;
            for (int r = 0; r < repeat; r++) {
                s = System.nanoTime();
                for (int[] c : contexts) {
                    lm.nextTokenLogProbs(List.of(c));
                }
                ctxS = Math.min(ctxS, seconds(s));
            }

            StringBuilder disc = new StringBuilder();
            for (int k = 1; k <= order; k++) {
                Discounts d = lm.discounts(k);
                disc.append(k > 1 ? "; " : "").append(String.format(Locale.ROOT, "%.2f/%.2f/%.2f%s", d.d1(), d.d2(),
                        d.d3(), d.estimated() ? "" : " (fallback)"));
            }
            Row r = new Row(order, lm.tokensUsed(), lm.inferenceParameters(), trainS, score1, score2, scored,
                    contexts.size() / ctxS, indexS, Math.exp(nll / scored), disc.toString());
            rows.add(r);
            System.out.println(line(r));

            if (save && order == NgramConfig.DEFAULT_ORDER) {
                Path dir = ProjectPaths.build().resolve("bench").resolve("ngram");
                s = System.nanoTime();
                Path file = lm.save(dir.resolve("kn-" + order + ".bin"));
                double saveS = seconds(s);
                s = System.nanoTime();
                KneserNeyLM back = KneserNeyLM.load(file);
                double loadS = seconds(s);
                double nllBack = score(back, heldSeqs, 2);
                saveLine = String.format(Locale.ROOT, "save/load KN-%d: %,d MB in %.2f s / %.2f s; held-out NLL after "
                                + "load %s", order, Files.size(file) >> 20, saveS, loadS,
                        nllBack == nll ? "identical" : "DIFFERENT (" + nllBack + " vs " + nll + ")");
                System.out.println(saveLine);
                Files.deleteIfExists(file);
            }
        }
        Path md = ProjectPaths.figures().resolve("bench-ngram.md");
        AtomicFiles.writeString(md, markdown(setup, rows, saveLine, repeat));
        Path csv = ProjectPaths.figures().resolve("bench-ngram.csv");
        AtomicFiles.writeString(csv, csv(rows));
        System.out.println("wrote " + md + " and " + csv);
    }

    private static String header() {
        return String.format(Locale.ROOT, "%-5s %12s %11s %8s %12s %14s %14s %6s %11s %9s %10s", "model", "train tok",
                "n-grams", "train s", "train tok/s", "score tok/s 1T", "score tok/s 2T", "2T/1T", "next ctx/s",
                "index s", "perplexity");
    }

    private static String line(Row r) {
        return String.format(Locale.ROOT, "KN-%-2d %,12d %,11d %8.2f %,12.0f %,14.0f %,14.0f %6.2f %,11.0f %9.2f %10.1f",
                r.order, r.tokens, r.entries, r.trainS, r.tokens / r.trainS, r.scoredTokens / r.score1S,
                r.scoredTokens / r.score2S, r.score1S / r.score2S, r.contextsPerS, r.indexS, r.perplexity);
    }

    private static String markdown(String setup, List<Row> rows, String saveLine, int repeat) {
        StringBuilder b = new StringBuilder();
        b.append("# N-gram benchmark: interpolated modified Kneser-Ney (`org.cbtm.lm.ngram.KneserNeyLM`)\n\n");
        b.append("Made by `environment/bench/ngram` on ").append(LocalDate.now()).append(".\n\n");
        for (String l : setup.split("\n")) {
            b.append("- ").append(l.strip()).append('\n');
        }
        b.append("- training: the packed training stream in order, once; counting runs on all cores\n");
        b.append("- every time is the best of " + repeat + " runs\n");
        b.append("- scoring: `sequenceLogProbs` over every held-out document (one document per sequence, after an EOD "
                + "context), 1 and 2 threads; `nextTokenLogProbs`: one context per call, one thread, random "
                + "prefixes of held-out documents (the continuation index is built on the first call: `index s`)\n");
        b.append("- perplexity: exp(mean NLL) over the predicted held-out tokens (methods 1.5)\n");
        b.append("- no peer library runs here (KenLM's `lmplz` is not packaged for Debian); other jobs shared the "
                + "machine, so rates are indicative\n\n");
        b.append("| model | training tokens | n-gram entries | train s | train tok/s | score tok/s (1 thread) | "
                + "score tok/s (2 threads) | 2T / 1T | next-token contexts/s | index s | held-out perplexity | "
                + "discounts D1/D2/D3+ per order |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| KN-%d | %,d | %,d | %.2f | %,.0f | %,.0f | %,.0f | %.2f | %,.0f | "
                            + "%.2f | %.1f | %s |%n", r.order, r.tokens, r.entries, r.trainS, r.tokens / r.trainS,
                    r.scoredTokens / r.score1S, r.scoredTokens / r.score2S, r.score1S / r.score2S, r.contextsPerS,
                    r.indexS, r.perplexity, r.discounts));
        }
        if (!saveLine.isEmpty()) {
            b.append('\n').append(saveLine).append('\n');
        }
        return b.toString();
    }

    private static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder("model,order,train_tokens,ngram_entries,train_s,train_tok_per_s,"
                + "score_tok_per_s_1t,score_tok_per_s_2t,next_contexts_per_s,index_s,heldout_perplexity\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "KN-%d,%d,%d,%d,%.3f,%.0f,%.0f,%.0f,%.1f,%.3f,%.3f%n", r.order, r.order,
                    r.tokens, r.entries, r.trainS, r.tokens / r.trainS, r.scoredTokens / r.score1S,
                    r.scoredTokens / r.score2S, r.contextsPerS, r.indexS, r.perplexity));
        }
        return b.toString();
    }

    /** Summed NLL (nats) of the sequences, scored by {@code threads} threads that take documents in turn. */
    private static double score(KneserNeyLM lm, List<int[]> seqs, int threads) throws Exception {
        double[] nll = new double[seqs.size()];
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            int i;
            while ((i = next.getAndIncrement()) < seqs.size()) {
                double s = 0;
                for (float lp : lm.sequenceLogProbs(seqs.get(i))) {
                    s -= lp;
                }
                nll[i] = s;
            }
        };
        if (threads == 1) {
            work.run();
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(pool.submit(work));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        double total = 0;
        for (double v : nll) {
            total += v; // summed in document order: the same total for any number of threads
        }
        return total;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
