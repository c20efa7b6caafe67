package org.cbtm.ensemble;

import java.util.List;

import org.cbtm.lm.LanguageModel;
import org.cbtm.text.token.Tokenizer;

/**
 * A small real language model for tests: an add-one smoothed bigram model over the whole vocabulary, trained on
 * documents that end with EOD; the start of a document conditions on EOD. Thread-safe (immutable).
 */
public final class AddOneBigram implements LanguageModel {
    private final int v;
    private final int[] counts;  // prev * v + next
    private final long[] totals; // per prev
    private final int context;
    private final String name;

    private AddOneBigram(int v, int[] counts, long[] totals, int context, String name) {
        this.v = v;
        this.counts = counts;
        this.totals = totals;
        this.context = context;
        this.name = name;
    }

    /** Trains on {@code documents} (each a token sequence, usually ending with EOD). */
    public static AddOneBigram train(List<int[]> documents, int vocab, String name) {
        int[] c = new int[vocab * vocab];
        long[] tot = new long[vocab];
        for (int[] d : documents) {
            int prev = Tokenizer.EOD;
            for (int x : d) {
                c[prev * vocab + x]++;
                tot[prev]++;
                prev = x;
            }
        }
        return new AddOneBigram(vocab, c, tot, Integer.MAX_VALUE, name);
    }

    /** The same model claiming a finite context length (its predictions do not change). */
    public AddOneBigram withContextLength(int length) {
        return new AddOneBigram(v, counts, totals, length, name);
    }

    public double logProb(int prev, int next) {
        return Math.log((counts[prev * v + next] + 1.0) / (totals[prev] + v));
    }

    @Override
    public int vocabSize() {
        return v;
    }

    @Override
    public int contextLength() {
        return context;
    }

    @Override
    public long inferenceParameters() {
        return (long) v * v;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public float[][] nextTokenLogProbs(List<int[]> contexts) {
        float[][] out = new float[contexts.size()][v];
        for (int i = 0; i < contexts.size(); i++) {
            int[] c = contexts.get(i);
            int prev = c.length == 0 ? Tokenizer.EOD : c[c.length - 1];
            for (int x = 0; x < v; x++) {
                out[i][x] = (float) logProb(prev, x);
            }
        }
        return out;
    }

    @Override
    public float[] sequenceLogProbs(int[] tokens) {
        float[] out = new float[Math.max(0, tokens.length - 1)];
        for (int t = 1; t < tokens.length; t++) {
            out[t - 1] = (float) logProb(tokens[t - 1], tokens[t]);
        }
        return out;
    }
}
