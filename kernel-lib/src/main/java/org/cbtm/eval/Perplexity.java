package org.cbtm.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cbtm.base.Futures;
import org.cbtm.base.Progress;
import org.cbtm.base.WorkInterrupted;
import org.cbtm.lm.LanguageModel;

/**
 * Perplexity by the protocol of methods 1.5: held-out documents, one per sequence (no packing), each truncated to
 * the context length; the first token is not predicted, the end-of-document token is; the NLL is averaged over all
 * predicted tokens of all documents (micro average) and {@code perplexity = exp(mean NLL)}.
 *
 * <pre>{@code
 * PerplexityResult r = Perplexity.evaluate(model, EvalSequences.of(tokenizer, testDocs, clusters));
 * r.summary(account); r.byCluster(account); r.bySource(account);
 * }</pre>
 *
 * Results do not depend on the number of threads or the batch size: per-document sums are formed in position
 * order and the totals in document order.
 */
public final class Perplexity {

    private Perplexity() {
    }

    public static PerplexityResult evaluate(LanguageModel model, List<EvalSequence> documents) {
        return evaluate(model, documents, EvalConfig.defaults());
    }

    public static PerplexityResult evaluate(LanguageModel model, List<EvalSequence> documents, EvalConfig config) {
        int length = config.contextLength() == 0 ? model.contextLength() : config.contextLength();
        if (length < 2) {
            throw new IllegalArgumentException(model.name() + " has context length " + length
                    + ": at least 2 tokens are needed to predict one");
        }
        List<EvalSequence> docs = new ArrayList<>(documents.size());
        long total = 0;
        for (EvalSequence d : documents) {
            EvalSequence t = d.truncate(length);
            for (int id : t.tokens()) {
                if (id < 0 || id >= model.vocabSize()) {
                    throw new IllegalArgumentException("document " + d + " has token id " + id + " outside "
                            + model.name() + "'s vocabulary [0, " + model.vocabSize() + ")");
                }
            }
            docs.add(t);
            total += t.positions();
        }
        int n = docs.size();
        int batches = (n + config.batchSize() - 1) / config.batchSize();
        double[] nll = new double[n];
        int[] tokens = new int[n];
        long start = System.nanoTime();
        Progress bar = config.progress() ? Progress.start("Perplexity of " + model.name(), total, "tok") : null;
        try {
            if (config.threads() == 1 || batches <= 1) {
                for (int b = 0; b < batches; b++) {
                    WorkInterrupted.check("evaluation of " + model.name());
                    scoreBatch(model, docs, b, config.batchSize(), nll, tokens, bar);
                }
            } else {
                try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(config.threads(), batches))) {
                    List<Future<?>> futures = new ArrayList<>(batches);
                    for (int b = 0; b < batches; b++) {
                        int batch = b;
                        futures.add(pool.submit(() -> scoreBatch(model, docs, batch, config.batchSize(), nll, tokens, bar)));
                    }
                    Futures.awaitAll(futures, "evaluation of " + model.name());
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<PerplexityResult.DocumentScore> scores = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            EvalSequence d = docs.get(i);
            scores.add(new PerplexityResult.DocumentScore(d.id(), d.source(), d.cluster(), tokens[i], nll[i]));
        }
        return new PerplexityResult(model.name(), model.inferenceParameters(), length, scores, seconds,
                config.device());
    }

    private static void scoreBatch(LanguageModel model, List<EvalSequence> docs, int batch, int size, double[] nll,
                                   int[] tokens, Progress bar) {
        int from = batch * size;
        int to = Math.min(docs.size(), from + size);
        List<EvalSequence> part = docs.subList(from, to);
        List<float[]> lp = model instanceof SequenceScorer s ? s.scoreSequences(part)
                : model.sequenceLogProbs(part.stream().map(EvalSequence::tokens).toList());
        if (lp.size() != part.size()) {
            throw new IllegalStateException(model.name() + " returned " + lp.size() + " score arrays for "
                    + part.size() + " sequences");
        }
        long done = 0;
        for (int i = 0; i < part.size(); i++) {
            float[] s = lp.get(i);
            int expected = part.get(i).positions();
            if (s.length != expected) {
                throw new IllegalStateException(model.name() + " returned " + s.length + " scores for a sequence of "
                        + part.get(i).length() + " tokens; the LanguageModel contract is n-1");
            }
            double sum = 0;
            for (float v : s) {
                sum -= v;
            }
            nll[from + i] = sum;
            tokens[from + i] = expected;
            done += expected;
        }
        if (bar != null) {
            synchronized (bar) {
                bar.advance(done);
            }
        }
    }
}
