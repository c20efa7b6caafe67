package org.cbtm.lm.ngram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

import org.cbtm.math.Parallel;
import org.cbtm.base.Progress;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.corpus.TokenShard;

/**
 * Counts the n-grams of a token stream and turns the counts into interpolated modified Kneser-Ney coefficients
 * (the training half of {@link KneserNeyLM}).
 *
 * <p><b>The stream.</b> The shard's packed tokens, cut at the budget, preceded by one EOD: every document,
 * the first one included, is then read after an EOD. An n-gram may start with EOD and may end with EOD but never
 * has EOD inside, so a document's start is conditioned on EOD alone and not on the previous document; scoring
 * truncates its history the same way.
 *
 * <p><b>Adjusted counts</b> (Chen &amp; Goodman; KenLM): the highest order keeps raw counts; a lower-order n-gram
 * gets its continuation count, the number of distinct tokens seen before it, except an n-gram that starts with EOD
 * (nothing can precede it), which keeps its raw count. Orders are counted one after the other, each from the
 * per-position ids of the order below; within an order the positions are split by hash partition between workers.
 */
final class NgramCounter {

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Positions per step between progress updates. */
    private static final int CHUNK = 1 << 20;
    /** Count-of-counts classes (n-grams seen 1, 2, 3+ times) packed 21 bits apart in one long per context. */
    private static final int CLASS_BITS = 21;
    private static final long CLASS_MASK = (1L << CLASS_BITS) - 1;

    private NgramCounter() {
    }

    static KneserNeyLM train(TokenShard shard, NgramConfig config, long tokenBudget, int workers) {
        if (shard == null || config == null) {
            throw new IllegalArgumentException("train needs a shard and a config");
        }
        if (tokenBudget < 1) {
            throw new IllegalArgumentException("tokenBudget must be at least 1 token, got " + tokenBudget);
        }
        if (shard.numTokens() == 0) {
            throw new IllegalArgumentException("cannot train an n-gram model on an empty shard (no documents)");
        }
        int vocab = shard.vocabSize();
        if (vocab > 1 << 16) {
            throw new IllegalArgumentException("the n-gram model packs token ids in 16 bits: vocabSize must be <= 65536, got "
                    + vocab);
        }
        if (vocab <= Tokenizer.EOD) {
            throw new IllegalArgumentException("vocabSize must include the end-of-document id " + Tokenizer.EOD);
        }
        workers = Math.max(1, Math.min(GramTable.PARTITIONS, workers));
        int order = config.order();
        int n = (int) Math.min(tokenBudget, shard.numTokens());
        int[] src = shard.tokens();
        char[] s = new char[n + 1];
        s[0] = (char) Tokenizer.EOD;
        for (int i = 0; i < n; i++) {
            int tok = src[i];
            if (tok < 0 || tok >= vocab) {
                throw new IllegalArgumentException("token " + tok + " at position " + i + " of the shard is outside its vocabulary [0, "
                        + vocab + ")");
            }
            s[i + 1] = (char) tok;
        }
        String sha = sha256(src, n);

        try (Progress bar = Progress.start("Training KN-" + order, n, "tok")) {
            int units = order; // one per counted order >= 2, one for discounting
            int[] raw1 = new int[vocab];
            for (int t = 1; t <= n; t++) {
                raw1[s[t]]++;
            }
            int[] cont1 = new int[vocab];
            GramTable[] tables = new GramTable[order + 1];
            int[] idPrev = order > 2 ? new int[n + 1] : null;
            int[] idCur = order > 2 ? new int[n + 1] : null;
            long prevDistinct = Arrays.stream(raw1).filter(c -> c > 0).count();
            for (int k = 2; k <= order; k++) {
                bar.note("counting %d-grams", k);
                long expected = Math.min(n, Math.max(2 * prevDistinct, n / 8));
                GramTable table = new GramTable((int) Math.min(GramTable.MAX_CAPACITY,
                        (long) (expected / 0.6 / GramTable.PARTITIONS)));
                tables[k] = table;
                boolean keepIds = k < order;
                if (keepIds) {
                    Arrays.fill(idCur, -1);
                }
                final int level = k;
                final int nw = workers;
                final int[] prevIds = idPrev;
                final int[] curIds = keepIds ? idCur : null;
                final GramTable lower = k > 2 ? tables[k - 1] : null;
                for (int from = 1; from <= n; from += CHUNK) {
                    final int lo = from;
                    final int hi = (int) Math.min((long) n + 1, (long) from + CHUNK);
                    runWorkers(nw, w -> countRange(level, lo, hi, w, nw, s, prevIds, curIds, table, lower, cont1));
                    bar.set((long) ((k - 2 + (hi - 1) / (double) n) * n / units));
                }
                int[][] toSlot = table.insertionToSlot();
                if (keepIds) {
                    Parallel.forRows(n + 1, 1 << 16, (b, lo, hi) -> {
                        for (int t = lo; t < hi; t++) {
                            int id = curIds[t];
                            if (id >= 0) {
                                int p = GramTable.partitionOfId(id);
                                curIds[t] = (p << GramTable.LOCAL_BITS) | toSlot[p][GramTable.slotOfId(id)];
                            }
                        }
                    });
                    int[] swap = idPrev;
                    idPrev = idCur;
                    idCur = swap;
                }
                prevDistinct = table.size();
            }
            idPrev = null;
            idCur = null;
            bar.note("discounting");
            KneserNeyLM model = finish(config, vocab, tokenBudget, n, sha, raw1, cont1, tables);
            bar.set(n);
            bar.note("%,d n-grams", model.inferenceParameters());
            return model;
        }
    }

    /** Counts the order-{@code k} n-grams ending at positions {@code [lo, hi)} whose partition belongs to worker w. */
    private static void countRange(int k, int lo, int hi, int w, int workers, char[] s, int[] idPrev, int[] idCur,
                                   GramTable table, GramTable lower, int[] cont1) {
        for (int t = lo; t < hi; t++) {
            int prefix;
            if (k == 2) {
                prefix = s[t - 1];
            } else {
                prefix = idPrev[t - 1];
                // no (k-1)-gram ends at t-1, or it ends with EOD, which would sit inside this n-gram
                if (prefix < 0 || s[t - 1] == Tokenizer.EOD) {
                    continue;
                }
            }
            long key = GramTable.key(prefix, s[t]);
            long h = GramTable.mix(key);
            int p = GramTable.partition(h);
            if (p % workers != w) {
                continue;
            }
            int r = table.count(p, key, h, s[t - k + 1] == Tokenizer.EOD);
            if (r < 0) {
                r = ~r;
                // a new n-gram (x g) is one more distinct left extension of its suffix g, the (k-1)-gram ending at t
                if (k == 2) {
                    INTS.getAndAdd(cont1, (int) s[t], 1);
                } else {
                    lower.addValueAtomic(idPrev[t], 1L << GramTable.HIGH_SHIFT);
                }
            }
            if (idCur != null) {
                idCur[t] = r;
            }
        }
    }

    private static void runWorkers(int workers, IntConsumer body) {
        if (workers == 1) {
            body.accept(0);
        } else {
            IntStream.range(0, workers).parallel().forEach(body);
        }
    }

    /** The adjusted count of a stored n-gram of order k (see the class comment) from its counting value. */
    private static long adjusted(int k, int order, long v) {
        if (k == order || (v & GramTable.EOD_START_BIT) != 0) {
            return v & GramTable.RAW_MASK;
        }
        return (v >>> GramTable.HIGH_SHIFT) & GramTable.RAW_MASK;
    }

    /**
     * From counts to coefficients. For a context h of order k (h of length k-1) with adjusted continuation counts
     * a(hw): {@code alpha(hw) = (a(hw) - D(a(hw))) / A(h)} with {@code A(h) = sum_w a(hw)}, and
     * {@code gamma(h) = (D1 N1(h) + D2 N2(h) + D3+ N3+(h)) / A(h)}, so that
     * {@code p_k(w|h) = alpha(hw) + gamma(h) p_{k-1}(w|h')} sums to 1. Each stored n-gram ends up with its alpha
     * (as the n-gram) and its gamma (as the context of the next order: 1 when nothing follows it, so that an unseen
     * context passes the lower order through).
     */
    private static KneserNeyLM finish(NgramConfig config, int vocab, long budget, int n, String sha, int[] raw1,
                                      int[] cont1, GramTable[] tables) {
        int order = config.order();
        Discounts[] disc = new Discounts[order + 1];
        long[] coc = new long[5];
        int[] a1 = order == 1 ? raw1 : cont1;
        for (int c : a1) {
            if (c >= 1 && c <= 4) {
                coc[c]++;
            }
        }
        disc[1] = Discounts.estimate(coc[1], coc[2], coc[3], coc[4]);
        for (int k = 2; k <= order; k++) {
            GramTable tab = tables[k];
            final int level = k;
            long[][] per = new long[GramTable.PARTITIONS][5];
            IntStream.range(0, GramTable.PARTITIONS).parallel().forEach(p -> {
                long[] t = tab.slots[p];
                for (int j = 0; j < t.length; j += 2) {
                    if (t[j] != GramTable.EMPTY) {
                        long a = adjusted(level, order, t[j + 1]);
                        if (a >= 1 && a <= 4) {
                            per[p][(int) a]++;
                        }
                    }
                }
            });
            long[] c = new long[5];
            for (long[] q : per) {
                for (int i = 1; i <= 4; i++) {
                    c[i] += q[i];
                }
            }
            disc[k] = Discounts.estimate(c[1], c[2], c[3], c[4]);
        }

        // contexts of order k+1 are the n-grams of order k: their totals A and class counts N, from order k+1
        int[][] upA = null;
        long[][] upN = null;
        for (int k = order; k >= 2; k--) {
            GramTable tab = tables[k];
            int[][] curA = new int[GramTable.PARTITIONS][];
            long[][] curN = new long[GramTable.PARTITIONS][];
            for (int p = 0; p < GramTable.PARTITIONS; p++) {
                int len = k == 2 ? (p == 0 ? vocab : 0) : tables[k - 1].capacity(p);
                curA[p] = new int[len];
                curN[p] = new long[len];
            }
            final int level = k;
            IntStream.range(0, GramTable.PARTITIONS).parallel().forEach(p -> {
                long[] t = tab.slots[p];
                for (int j = 0; j < t.length; j += 2) {
                    if (t[j] != GramTable.EMPTY) {
                        long a = adjusted(level, order, t[j + 1]);
                        if (a > 0) {
                            int prefix = GramTable.prefixOf(t[j]);
                            int pp = GramTable.partitionOfId(prefix);
                            int lp = GramTable.slotOfId(prefix);
                            INTS.getAndAdd(curA[pp], lp, (int) a);
                            LONGS.getAndAdd(curN[pp], lp, 1L << (CLASS_BITS * (int) (Math.min(a, 3) - 1)));
                        }
                    }
                }
            });
            final Discounts d = disc[k];
            final Discounts dUp = k < order ? disc[k + 1] : null;
            final int[][] ua = upA;
            final long[][] un = upN;
            IntStream.range(0, GramTable.PARTITIONS).parallel().forEach(p -> {
                long[] t = tab.slots[p];
                for (int j = 0; j < t.length; j += 2) {
                    if (t[j] != GramTable.EMPTY) {
                        long a = adjusted(level, order, t[j + 1]);
                        int prefix = GramTable.prefixOf(t[j]);
                        int total = curA[GramTable.partitionOfId(prefix)][GramTable.slotOfId(prefix)];
                        double alpha = a > 0 ? (a - d.of(a)) / total : 0;
                        double gamma = dUp == null ? 1 : gamma(ua[p][j >>> 1], un[p][j >>> 1], dUp);
                        t[j + 1] = KneserNeyLM.packValue((float) alpha, (float) gamma);
                    }
                }
            });
            upA = curA;
            upN = curN;
        }

        long total1 = 0;
        double discounted1 = 0;
        for (int c : a1) {
            total1 += c;
            discounted1 += disc[1].of(c);
        }
        double gamma1 = discounted1 / total1;
        double[] unigram = new double[vocab];
        float[] unigramGamma = new float[vocab];
        for (int w = 0; w < vocab; w++) {
            long a = a1[w];
            unigram[w] = (a - disc[1].of(a)) / total1 + gamma1 / vocab;
            unigramGamma[w] = order == 1 ? 1f : (float) gamma(upA[0][w], upN[0][w], disc[2]);
        }
        KneserNeyLM.TrainingRecord prov = new KneserNeyLM.TrainingRecord(config, vocab, budget, n, sha,
                KneserNeyLM.FORMAT_VERSION, org.cbtm.base.Provenance.currentLibraryVersion());
        return new KneserNeyLM(prov, java.time.Instant.now().toString(), disc, unigram, unigramGamma, tables);
    }

    private static double gamma(int total, long classes, Discounts d) {
        if (total == 0) {
            return 1;
        }
        long n1 = classes & CLASS_MASK;
        long n2 = (classes >>> CLASS_BITS) & CLASS_MASK;
        long n3 = (classes >>> (2 * CLASS_BITS)) & CLASS_MASK;
        return (d.d1() * n1 + d.d2() * n2 + d.d3() * n3) / total;
    }

    /** SHA-256 of the first {@code n} tokens, each as 4 big-endian bytes. */
    static String sha256(int[] tokens, int n) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            for (int i = 0; i < n; i++) {
                if (!buf.hasRemaining()) {
                    md.update(buf.flip());
                    buf.clear();
                }
                buf.putInt(tokens[i]);
            }
            md.update(buf.flip());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
