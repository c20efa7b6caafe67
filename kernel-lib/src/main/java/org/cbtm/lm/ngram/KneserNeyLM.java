package org.cbtm.lm.ngram;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.HasProvenance;
import org.cbtm.base.Provenance;
import org.cbtm.lm.LanguageModel;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.corpus.TokenShard;

/**
 * An interpolated modified Kneser-Ney n-gram language model (Chen &amp; Goodman 1998) over the experiment's token
 * ids: the n-gram expert of the experiments, trained on millions of tokens in seconds.
 *
 * <p>For a context h of order k (the last k-1 tokens) and token w:
 * <pre>
 *   p_k(w | h) = max(a(hw) - D_k(a(hw)), 0) / A(h) + gamma(h) p_{k-1}(w | h'),   A(h) = sum_w a(hw)
 *   gamma(h)   = (D_k1 N1(h) + D_k2 N2(h) + D_k3+ N3+(h)) / A(h)
 *   p_0(w)     = 1 / vocabSize
 * </pre>
 * where h' drops the oldest token of h, a(hw) is the raw count at the highest order and the continuation count
 * (distinct tokens seen before hw) below, N_i(h) counts the tokens w with a(hw) = i (3+ for N3+), and the three
 * discounts per order come from that order's count-of-counts ({@link Discounts#estimate}). A context never seen
 * passes the lower order through. Every token of the vocabulary has a probability above zero.
 *
 * <p><b>Documents.</b> Training reads the shard's packed stream, in which every document follows the previous
 * one's EOD (the first follows a virtual EOD); an n-gram never has EOD inside, so a document is conditioned on the
 * EOD before it and not on the text of the previous document. Scoring does the same: a sequence is scored after an
 * EOD context ({@link #sequenceLogProbs(int[])}), an empty context of {@link #nextTokenLogProbs} is the context
 * [EOD], and an EOD inside a context starts a new document.
 *
 * <p><b>Cost.</b> {@link #sequenceLogProbs(int[])} does at most order-1 hash lookups per token;
 * {@link #nextTokenLogProbs} is O(vocabSize + continuations of the context) per context: it scales the unigram
 * distribution once and adds the higher-order terms of the observed continuations only (through an index built on
 * first use). The model is immutable after training and safe for concurrent scoring from many threads.
 *
 * <p><b>Memory.</b> Each order is a hash table of 16-byte slots (key, then alpha and gamma as two floats) filled to
 * between 35% and 70%: about 25 to 45 bytes per stored n-gram (KN-4 on ten million tokens: 13.6M n-grams, about
 * 470 MB). The saved file keeps only the occupied slots (16 bytes per n-gram).
 */
public final class KneserNeyLM implements LanguageModel, HasProvenance {

    /** Version of the binary format written by {@link #save}; a file of another version is refused. */
    public static final int FORMAT_VERSION = 1;

    /**
     * What a model was trained on and how, as recorded in its file ({@link #provenance()} gives it as the library's
     * one {@link Provenance}).
     *
     * @param config         the n-gram configuration
     * @param vocabSize      the tokenizer's vocabulary size
     * @param tokenBudget    the budget it was given
     * @param tokensUsed     tokens actually counted: {@code min(tokenBudget, shard tokens)}
     * @param tokensSha256   SHA-256 of the counted tokens (each as 4 big-endian bytes): the shard fingerprint
     * @param formatVersion  {@link #FORMAT_VERSION} of the code that trained it
     * @param libraryVersion the kernel-lib version that trained it
     */
    public record TrainingRecord(NgramConfig config, int vocabSize, long tokenBudget, long tokensUsed,
                                 String tokensSha256, int formatVersion, String libraryVersion) {
    }

    private final TrainingRecord training;
    /** When it was trained; for a loaded model, when its file was written (the file stays free of timestamps). */
    private final String created;
    private final int order;
    private final int vocab;
    private final Discounts[] discounts;
    /** p_1(w): the interpolated unigram distribution (the base of every prediction). */
    private final double[] unigram;
    /** gamma of each token as a one-token context of order 2 (1 when nothing follows it). */
    private final float[] unigramGamma;
    /** tables[k] holds the n-grams of order k >= 2, each with value (alpha as n-gram, gamma as context). */
    private final GramTable[] tables;
    /** log p_1(w), so that a next-token distribution takes logarithms only of the tokens its context has seen. */
    private final float[] logUnigram;
    private final long entries;
    private volatile ContinuationIndex index;

    KneserNeyLM(TrainingRecord training, String created, Discounts[] discounts, double[] unigram, float[] unigramGamma,
                GramTable[] tables) {
        this.training = training;
        this.created = created;
        this.order = training.config().order();
        this.vocab = training.vocabSize();
        this.discounts = discounts;
        this.unigram = unigram;
        this.unigramGamma = unigramGamma;
        this.tables = tables;
        long e = vocab;
        for (int k = 2; k <= order; k++) {
            e += tables[k].size();
        }
        this.entries = e;
        this.logUnigram = new float[vocab];
        for (int w = 0; w < vocab; w++) {
            logUnigram[w] = (float) Math.log(unigram[w]);
        }
    }

    /**
     * Trains on the shard's packed token stream, read in order from its start, up to {@code tokenBudget} tokens.
     * The data is never repeated: when the budget exceeds the shard, all of it is used once and
     * {@link TrainingRecord#tokensUsed()} says how much. Repeating a stream only multiplies every count, which adds no
     * n-gram the model has not seen, and it would distort the count-of-counts that the discounts are estimated
     * from. Counting runs in parallel on the common fork-join pool; the result does not depend on the number of
     * threads. Shows a progress bar with the rate in tokens/s.
     *
     * @throws IllegalArgumentException when the budget is below 1, the vocabulary exceeds 16-bit ids, or a token
     *                                  lies outside the shard's vocabulary
     */
    public static KneserNeyLM train(TokenShard shard, NgramConfig config, long tokenBudget) {
        return NgramCounter.train(shard, config, tokenBudget, Runtime.getRuntime().availableProcessors());
    }

    /** {@link #train(TokenShard, NgramConfig, long)} on the whole shard. */
    public static KneserNeyLM train(TokenShard shard, NgramConfig config) {
        return train(shard, config, Math.max(1, shard.numTokens()));
    }

    /** Training with a given number of counting workers (tests check that it does not change the model). */
    static KneserNeyLM train(TokenShard shard, NgramConfig config, long tokenBudget, int workers) {
        return NgramCounter.train(shard, config, tokenBudget, workers);
    }

    // ---- LanguageModel

    @Override
    public int vocabSize() {
        return vocab;
    }

    /** No limit: the model conditions on the last order-1 tokens of any history. */
    @Override
    public int contextLength() {
        return Integer.MAX_VALUE;
    }

    /**
     * The number of stored n-gram entries: one unigram probability per vocabulary id plus every stored n-gram of
     * orders 2..n (each holds two floats, its interpolation weight as an n-gram and its back-off weight as a
     * context). Scoring one token reads at most {@code order} of them.
     */
    @Override
    public long inferenceParameters() {
        return entries;
    }

    /** "KN-4" for order 4. */
    @Override
    public String name() {
        return "KN-" + order;
    }

    /**
     * Natural-log probabilities of the next token after each context (each a document prefix, read after an EOD;
     * an empty context is [EOD]). Only the last order-1 tokens after the last EOD matter. Large batches run in
     * parallel.
     */
    @Override
    public float[][] nextTokenLogProbs(List<int[]> contexts) {
        float[][] out = new float[contexts.size()][];
        ContinuationIndex idx = continuationIndex();
        IntStream range = IntStream.range(0, contexts.size());
        if (contexts.size() >= 8) {
            range = range.parallel();
        }
        range.forEach(i -> out[i] = nextTokenLogProbs(contexts.get(i), idx));
        return out;
    }

    /** Per-position log-probabilities of a sequence read after an EOD context: n-1 values for n tokens. */
    @Override
    public float[] sequenceLogProbs(int[] tokens) {
        float[] out = new float[Math.max(0, tokens.length - 1)];
        Cursor c = new Cursor(order);
        c.startOfDocument(unigramGamma);
        for (int t = 0; t < tokens.length; t++) {
            double p = step(c, check(tokens[t]));
            if (t > 0) {
                out[t - 1] = (float) Math.log(p);
            }
        }
        return out;
    }

    /**
     * Scores only the selected positions: position t needs the cursor over the order-1 tokens before it, so a
     * selected position after a gap restarts the cursor order-1 tokens back (with no context; the window fills
     * it exactly as reading from the start would) instead of stepping through the gap. The selected scores equal
     * {@link #sequenceLogProbs(int[])}'s bit for bit.
     */
    @Override
    public float[] sequenceLogProbs(int[] tokens, boolean[] selected) {
        int n = tokens.length;
        float[] out = new float[Math.max(0, n - 1)];
        if (selected.length != out.length) {
            throw new IllegalArgumentException(selected.length + " position flags for " + n + " tokens");
        }
        Cursor c = new Cursor(order);
        c.startOfDocument(unigramGamma);
        int next = 0; // the first token the cursor has not read
        for (int t = 1; t < n; t++) {
            if (!selected[t - 1]) {
                continue;
            }
            int from = t - (order - 1);
            if (from > next) {
                c.have = 0; // the context window lies inside the document: no EOD, no older token matters
                next = from;
            }
            while (next < t) {
                step(c, check(tokens[next++]));
            }
            out[t - 1] = (float) Math.log(step(c, check(tokens[t])));
            next = t + 1;
        }
        return out;
    }

    @Override
    public boolean scoresPositionsSparsely() {
        return true;
    }

    /** Scores the sequences in parallel (the model is thread-safe). */
    @Override
    public List<float[]> sequenceLogProbs(List<int[]> sequences) {
        float[][] out = new float[sequences.size()][];
        IntStream.range(0, sequences.size()).parallel().forEach(i -> out[i] = sequenceLogProbs(sequences.get(i)));
        return List.of(out);
    }

    // ---- the model

    /** What the model was trained on and how (budget, tokens used, their SHA-256, versions). */
    public TrainingRecord training() {
        return training;
    }

    /**
     * Where the model came from: kind "kn4 expert" (for order 4), config the {@link NgramConfig}, inputs the SHA-256
     * of the counted tokens, the budget, the tokens used and the vocabulary size, seed 0 (counting is not random);
     * created is the training time, for a loaded model the time its file was written.
     */
    @Override
    public Provenance provenance() {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("tokens sha256", training.tokensSha256());
        inputs.put("token budget", Long.toString(training.tokenBudget()));
        inputs.put("tokens used", Long.toString(training.tokensUsed()));
        inputs.put("vocabulary", Integer.toString(training.vocabSize()));
        return new Provenance("kn" + order + " expert", CanonicalJson.of(training.config()), inputs, 0,
                training.libraryVersion(), created);
    }

    public NgramConfig config() {
        return training.config();
    }

    public int order() {
        return order;
    }

    /** Tokens counted in training. */
    public long tokensUsed() {
        return training.tokensUsed();
    }

    /** The discounts of order k (1..order). */
    public Discounts discounts(int k) {
        checkOrder(k);
        return discounts[k];
    }

    /** Stored n-grams of order k: vocabSize for k = 1, the distinct n-grams seen for k >= 2. */
    public long ngramCount(int k) {
        checkOrder(k);
        return k == 1 ? vocab : tables[k].size();
    }

    /** Writes the model atomically (binary, with its training record); {@link #load} gives identical scores. */
    public Path save(Path file) {
        return ModelFile.write(file, this);
    }

    public static KneserNeyLM load(Path file) {
        return ModelFile.read(file);
    }

    @Override
    public String toString() {
        return name() + "[" + training.tokensUsed() + " tokens, " + entries + " entries]";
    }

    // ---- internals shared with ModelFile and NgramCounter

    Discounts[] discountsArray() {
        return discounts;
    }

    double[] unigram() {
        return unigram;
    }

    float[] unigramGamma() {
        return unigramGamma;
    }

    GramTable[] tables() {
        return tables;
    }

    static long packValue(float alpha, float gamma) {
        return ((long) Float.floatToRawIntBits(alpha) << 32) | (Float.floatToRawIntBits(gamma) & 0xFFFF_FFFFL);
    }

    static float alphaOf(long value) {
        return Float.intBitsToFloat((int) (value >>> 32));
    }

    static float gammaOf(long value) {
        return Float.intBitsToFloat((int) value);
    }

    private void checkOrder(int k) {
        if (k < 1 || k > order) {
            throw new IllegalArgumentException("order must be in 1.." + order + ", got " + k);
        }
    }

    private int check(int token) {
        if (token < 0 || token >= vocab) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + vocab + ")");
        }
        return token;
    }

    /**
     * The n-grams that end at the previous position: {@code ids[j]} is the id of the j-gram (j = 1..have; the token
     * itself for j = 1) and {@code gammas[j]} its back-off weight as a context.
     */
    private static final class Cursor {
        int[] ids;
        float[] gammas;
        int[] nextIds;
        float[] nextGammas;
        int have;

        Cursor(int order) {
            ids = new int[order + 1];
            gammas = new float[order + 1];
            nextIds = new int[order + 1];
            nextGammas = new float[order + 1];
        }

        void startOfDocument(float[] unigramGamma) {
            ids[1] = Tokenizer.EOD;
            gammas[1] = unigramGamma[Tokenizer.EOD];
            have = 1;
        }
    }

    /** p(w | cursor), and moves the cursor past w. */
    private double step(Cursor c, int w) {
        double p = unigram[w];
        int[] nid = c.nextIds;
        float[] ng = c.nextGammas;
        nid[1] = w;
        ng[1] = unigramGamma[w];
        int found = 1;
        int top = Math.min(order - 1, c.have);
        for (int j = 1; j <= top; j++) {
            double g = c.gammas[j];
            if (found == j) {
                GramTable table = tables[j + 1];
                int id = table.find(GramTable.key(c.ids[j], w));
                if (id >= 0) {
                    long v = table.valueAt(id);
                    p = alphaOf(v) + g * p;
                    nid[j + 1] = id;
                    ng[j + 1] = gammaOf(v);
                    found = j + 1;
                    continue;
                }
            }
            // (context, w) unseen: so is every longer n-gram ending in w (their suffix); only the weights remain
            p = g * p;
        }
        // after EOD a new document starts: no n-gram has EOD inside
        c.have = w == Tokenizer.EOD ? 1 : Math.min(found, order - 1);
        c.nextIds = c.ids;
        c.nextGammas = c.gammas;
        c.ids = nid;
        c.gammas = ng;
        return p;
    }

    private ContinuationIndex continuationIndex() {
        ContinuationIndex idx = index;
        if (idx == null) {
            synchronized (this) {
                idx = index;
                if (idx == null) {
                    idx = ContinuationIndex.build(tables, vocab, order);
                    index = idx;
                }
            }
        }
        return idx;
    }

    private float[] nextTokenLogProbs(int[] context, ContinuationIndex idx) {
        Cursor c = new Cursor(order);
        int len = context.length;
        int start = Math.max(0, len - (order - 1));
        for (int t = len - 1; t >= start; t--) {
            if (check(context[t]) == Tokenizer.EOD) {
                start = t;
                break;
            }
        }
        if (start == 0) {
            c.startOfDocument(unigramGamma);
        } else {
            c.have = 0; // the window starts inside a document: the tokens before it are too far to matter
        }
        for (int t = start; t < len; t++) {
            step(c, check(context[t]));
        }
        // p_top(w) = sum_{k=2..top} mult_k alpha_k(h_k w) + mult_1 p_1(w), mult_k = product of the gammas above k
        int top = Math.min(order, c.have + 1);
        double[] mult = new double[top + 1];
        mult[top] = 1;
        for (int k = top - 1; k >= 1; k--) {
            mult[k] = mult[k + 1] * c.gammas[k];
        }
        // tokens never seen after the context: log mult_1 + log p_1(w); the others: the log of the full sum
        float[] out = new float[vocab];
        double logM1 = Math.log(mult[1]);
        for (int w = 0; w < vocab; w++) {
            out[w] = (float) (logM1 + logUnigram[w]);
        }
        if (top < 2) {
            return out;
        }
        double[] extra = new double[vocab];
        for (int k = 2; k <= top; k++) {
            GramTable table = tables[k];
            double m = mult[k];
            int[] conts = idx.entries(k);
            for (int e = idx.from(k, c.ids[k - 1]), to = idx.to(k, c.ids[k - 1]); e < to; e++) {
                int id = conts[e];
                extra[GramTable.tokenOf(table.keyAt(id))] += m * alphaOf(table.valueAt(id));
            }
        }
        double m1 = mult[1];
        for (int k = 2; k <= top; k++) {
            GramTable table = tables[k];
            int[] conts = idx.entries(k);
            for (int e = idx.from(k, c.ids[k - 1]), to = idx.to(k, c.ids[k - 1]); e < to; e++) {
                int w = GramTable.tokenOf(table.keyAt(conts[e]));
                if (extra[w] != 0) {
                    out[w] = (float) Math.log(m1 * unigram[w] + extra[w]);
                    extra[w] = 0; // done: the token may continue the context at several orders
                }
            }
        }
        return out;
    }
}
