package org.cbtm.lm.ngram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.HasProvenance;
import org.cbtm.base.Provenance;
import org.cbtm.corpus.TokenShard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KneserNeyLMTest {

    private static final int VOCAB = 300;

    /**
     * Documents from a sparse random third-order Markov source over ids 1..VOCAB-1 (0 is EOD), so that higher
     * orders see repeated contexts and both seen and unseen continuations.
     */
    static TokenShard synthetic(int documents, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> docs = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            int len = 3 + rnd.nextInt(60);
            int[] doc = new int[len];
            int a = 1 + rnd.nextInt(20);
            int b = 1 + rnd.nextInt(20);
            for (int i = 0; i < len; i++) {
                int next = rnd.nextInt(10) < 7
                        ? 1 + Math.floorMod(a * 31 + b * 7 + rnd.nextInt(3), VOCAB - 50)
                        : 1 + rnd.nextInt(VOCAB - 1);
                doc[i] = next;
                a = b;
                b = next;
            }
            docs.add(doc);
        }
        return TokenShard.ofDocuments(docs, VOCAB);
    }

    private static TokenShard handExample() {
        return TokenShard.ofDocuments(List.of(new int[] {1, 2, 3}, new int[] {1, 2, 4}), 5);
    }

    @Test
    void handCheckedBigramModel() {
        // stream EOD 1 2 3 EOD 1 2 4 EOD. Bigram counts: (0,1)=2 (1,2)=2 (2,3)=1 (3,0)=1 (2,4)=1 (4,0)=1:
        // n1=4, n2=2, n3=0 -> fallback discounts D1=.5 D2=1 D3+=1.5.
        // Unigram continuation counts (distinct left neighbours): a(0)=2 {3,4}, a(1)=a(2)=a(3)=a(4)=1; A=6;
        // n1=4, n2=1, n3=0 -> fallback. gamma() = (.5*4 + 1*1)/6 = .5; p1(w) = (a(w) - D(a))/6 + .5/5.
        KneserNeyLM lm = KneserNeyLM.train(handExample(), NgramConfig.of(2), 1000);
        assertEquals(8, lm.tokensUsed());
        assertFalse(lm.discounts(2).estimated());
        double p1of2 = (1 - 0.5) / 6 + 0.5 / 5;
        double p1of0 = (2 - 1.0) / 6 + 0.5 / 5;
        // context 1: continuations {(1,2)=2}: A=2, alpha(2) = (2-1)/2, gamma(1) = D2*N2/A = 1*1/2
        double p2given1 = (2 - 1.0) / 2 + 0.5 * p1of2;
        // context 2: {(2,3)=1, (2,4)=1}: A=2, alpha(3) = (1-.5)/2, gamma(2) = .5*2/2
        double p3given2 = (1 - 0.5) / 2 + 0.5 * ((1 - 0.5) / 6 + 0.5 / 5);
        float[] s = lm.sequenceLogProbs(new int[] {1, 2, 3});
        assertEquals(2, s.length);
        assertEquals(Math.log(p2given1), s[0], 1e-6);
        assertEquals(Math.log(p3given2), s[1], 1e-6);
        // context 4: {(4,0)=1}: A=1, alpha(0) = .5, gamma(4) = .5; p(4|4) is all back-off
        float[] next = lm.nextTokenLogProbs(List.of(new int[] {4}))[0];
        assertEquals(Math.log(0.5 + 0.5 * p1of0), next[0], 1e-6);
        assertEquals(Math.log(0.5 * ((1 - 0.5) / 6 + 0.5 / 5)), next[4], 1e-6);
        // the empty context is [EOD]: {(0,1)=2}: p(1|EOD) = .5 + .5 p1(1); p(3|EOD) = .5 p1(3)
        float[] start = lm.nextTokenLogProbs(List.of(new int[0]))[0];
        assertEquals(Math.log(0.5 + 0.5 * ((1 - 0.5) / 6 + 0.5 / 5)), start[1], 1e-6);
        assertEquals(Math.log(0.5 * ((1 - 0.5) / 6 + 0.5 / 5)), start[3], 1e-6);
        assertEquals(5 + 6, lm.inferenceParameters()); // 5 unigrams + 6 bigrams stored
    }

    @Test
    void handCheckedTrigramModelUsesRawCountsAfterEod() {
        // Trigrams (raw): (0,1,2)=2 (1,2,3)=1 (2,3,0)=1 (1,2,4)=1 (2,4,0)=1 -> fallback discounts.
        // Bigrams (adjusted): (0,1) starts with EOD, nothing precedes it: raw count 2; the others continuation
        // counts: (1,2)=|{0}|=1, (2,3)=|{1}|=1, (2,4)=1, (3,0)=1, (4,0)=1 -> fallback. Unigrams as in the bigram case.
        KneserNeyLM lm = KneserNeyLM.train(handExample(), NgramConfig.of(3), 1000);
        double p1of2 = (1 - 0.5) / 6 + 0.5 / 5;
        double p1of3 = p1of2;
        // p(2 | EOD 1): order 3 context (0,1): A=2, alpha=(2-1)/2, gamma=1*1/2; order 2 context (1): {(1,2)=1}:
        // A=1, alpha=(1-.5)/1, gamma=.5*1/1
        double p2 = 0.5 + 0.5 * p1of2;
        double p3 = 0.5 + 0.5 * p2;
        // p(3 | 1 2): context (1,2): {(1,2,3)=1, (1,2,4)=1}: alpha=.5/2, gamma=.5*2/2; context (2): the same shape
        double q2 = 0.25 + 0.5 * p1of3;
        double q3 = 0.25 + 0.5 * q2;
        float[] s = lm.sequenceLogProbs(new int[] {1, 2, 3});
        assertEquals(Math.log(p3), s[0], 1e-6);
        assertEquals(Math.log(q3), s[1], 1e-6);
        assertEquals(5, lm.ngramCount(3));
        assertEquals(6, lm.ngramCount(2));
    }

    @Test
    void agreesWithAStraightforwardImplementation() {
        TokenShard shard = synthetic(250, 21);
        int budget = shard.numTokens() - 17; // the stream may stop inside a document
        int[] stream = Arrays.copyOf(shard.tokens(), budget);
        TokenShard heldOut = synthetic(15, 22);
        for (int order = 1; order <= 5; order++) {
            KneserNeyLM lm = KneserNeyLM.train(shard, NgramConfig.of(order), budget);
            NaiveKneserNey naive = new NaiveKneserNey(stream, order, VOCAB);
            for (int k = 1; k <= order; k++) {
                assertEquals(naive.discounts(k), lm.discounts(k), "order " + order + ", discounts of order " + k);
            }
            List<int[]> sequences = new ArrayList<>();
            for (int d = 0; d < heldOut.numDocuments(); d++) {
                sequences.add(heldOut.document(d));
            }
            sequences.add(shard.document(3)); // seen text: long contexts found
            sequences.add(Arrays.copyOfRange(shard.tokens(), shard.starts()[5], shard.starts()[9])); // EODs inside
            for (int[] seq : sequences) {
                double[] expected = naive.sequenceLogProbs(seq);
                float[] got = lm.sequenceLogProbs(seq);
                for (int t = 0; t < expected.length; t++) {
                    assertEquals(expected[t], got[t], 1e-5, "order " + order + " position " + t);
                }
            }
        }
    }

    @Test
    void distributionsSumToOneOverTheVocabulary() {
        TokenShard shard = synthetic(400, 1);
        SplittableRandom rnd = new SplittableRandom(2);
        for (int order = 1; order <= 5; order++) {
            KneserNeyLM lm = KneserNeyLM.train(shard, NgramConfig.of(order), shard.numTokens());
            List<int[]> contexts = new ArrayList<>();
            contexts.add(new int[0]);
            for (int i = 0; i < 30; i++) {
                int[] doc = shard.document(rnd.nextInt(shard.numDocuments()));
                contexts.add(Arrays.copyOf(doc, 1 + rnd.nextInt(doc.length - 1))); // seen prefixes
                int[] random = new int[1 + rnd.nextInt(8)];
                for (int j = 0; j < random.length; j++) {
                    random[j] = rnd.nextInt(VOCAB); // mostly unseen contexts, EOD inside now and then
                }
                contexts.add(random);
            }
            float[][] dists = lm.nextTokenLogProbs(contexts);
            for (int c = 0; c < contexts.size(); c++) {
                double sum = 0;
                double min = 1;
                for (float lp : dists[c]) {
                    sum += Math.exp(lp);
                    min = Math.min(min, Math.exp(lp));
                }
                assertEquals(1.0, sum, 1e-4, "order " + order + ", context " + Arrays.toString(contexts.get(c)));
                assertTrue(min > 0, "every token must keep a probability above 0");
            }
        }
    }

    @Test
    void nextTokenDistributionAgreesWithSequenceScores() {
        TokenShard shard = synthetic(300, 3);
        KneserNeyLM lm = KneserNeyLM.train(shard, NgramConfig.of(4), shard.numTokens());
        TokenShard heldOut = synthetic(5, 99);
        for (int d = 0; d < heldOut.numDocuments(); d++) {
            int[] doc = heldOut.document(d);
            float[] seq = lm.sequenceLogProbs(doc);
            List<int[]> prefixes = new ArrayList<>();
            for (int t = 1; t < doc.length; t++) {
                prefixes.add(Arrays.copyOf(doc, t));
            }
            float[][] next = lm.nextTokenLogProbs(prefixes);
            for (int t = 1; t < doc.length; t++) {
                assertEquals(seq[t - 1], next[t - 1][doc[t]], 1e-5, "document " + d + " position " + t);
            }
        }
        // two documents scored as one sequence: the second is read after the EOD of the first, as if alone
        int[] a = heldOut.document(0);
        int[] b = heldOut.document(1);
        int[] ab = new int[a.length + b.length];
        System.arraycopy(a, 0, ab, 0, a.length);
        System.arraycopy(b, 0, ab, a.length, b.length);
        float[] joint = lm.sequenceLogProbs(ab);
        float[] alone = lm.sequenceLogProbs(b);
        for (int t = 1; t < b.length; t++) {
            assertEquals(alone[t - 1], joint[a.length + t - 1], 0f);
        }
    }

    @Test
    void trainingIsDeterministicAndIndependentOfThreads(@TempDir Path dir) throws Exception {
        TokenShard shard = synthetic(500, 4);
        KneserNeyLM one = KneserNeyLM.train(shard, NgramConfig.of(4), shard.numTokens(), 1);
        KneserNeyLM four = KneserNeyLM.train(shard, NgramConfig.of(4), shard.numTokens(), 4);
        KneserNeyLM again = KneserNeyLM.train(shard, NgramConfig.of(4), shard.numTokens());
        byte[] b1 = Files.readAllBytes(one.save(dir.resolve("one.kn")));
        assertArrayEquals(b1, Files.readAllBytes(four.save(dir.resolve("four.kn"))));
        assertArrayEquals(b1, Files.readAllBytes(again.save(dir.resolve("again.kn"))));
        int[] doc = shard.document(7);
        assertArrayEquals(one.sequenceLogProbs(doc), four.sequenceLogProbs(doc));
    }

    @Test
    void saveAndLoadGiveIdenticalScores(@TempDir Path dir) throws Exception {
        TokenShard shard = synthetic(300, 5);
        KneserNeyLM lm = KneserNeyLM.train(shard, NgramConfig.of(5), 5000);
        Path file = lm.save(dir.resolve("sub/kn5.bin"));
        KneserNeyLM back = KneserNeyLM.load(file);
        assertEquals(lm.training(), back.training());
        assertEquals(5000, back.tokensUsed());
        assertEquals(NgramCounter.sha256(shard.tokens(), 5000), back.training().tokensSha256());
        assertEquals(KneserNeyLM.FORMAT_VERSION, back.training().formatVersion());
        Provenance p = lm.provenance();
        Provenance q = back.provenance();
        assertEquals(List.of(p.kind(), p.config(), p.inputs(), p.seed(), p.libraryVersion()),
                List.of(q.kind(), q.config(), q.inputs(), q.seed(), q.libraryVersion()));
        assertEquals(Files.getLastModifiedTime(file).toInstant().toString(), q.created(),
                "a loaded model was made when its file was written");
        assertEquals(lm.inferenceParameters(), back.inferenceParameters());
        for (int k = 1; k <= 5; k++) {
            assertEquals(lm.discounts(k), back.discounts(k));
        }
        TokenShard heldOut = synthetic(20, 77);
        for (int d = 0; d < heldOut.numDocuments(); d++) {
            assertArrayEquals(lm.sequenceLogProbs(heldOut.document(d)), back.sequenceLogProbs(heldOut.document(d)));
        }
        List<int[]> ctx = List.of(new int[0], heldOut.document(3), new int[] {5, 0, 9});
        float[][] x = lm.nextTokenLogProbs(ctx);
        float[][] y = back.nextTokenLogProbs(ctx);
        for (int i = 0; i < ctx.size(); i++) {
            assertArrayEquals(x[i], y[i]);
        }
        try (var files = Files.list(dir.resolve("sub"))) {
            assertEquals(1, files.count(), "no temporary file is left beside the model");
        }
    }

    @Test
    void provenanceNamesKindConfigAndTrainingTokens() {
        TokenShard shard = synthetic(100, 9);
        KneserNeyLM lm = KneserNeyLM.train(shard, NgramConfig.of(4), 2000);
        Provenance p = lm.provenance();
        assertTrue(lm instanceof HasProvenance);
        assertEquals("kn4 expert", p.kind());
        assertEquals(CanonicalJson.of(NgramConfig.of(4)), p.config());
        assertEquals("{\"order\":4}", p.config());
        assertEquals(NgramCounter.sha256(shard.tokens(), 2000), p.input("tokens sha256"));
        assertEquals("2000", p.input("token budget"));
        assertEquals("2000", p.input("tokens used"));
        assertEquals(Integer.toString(VOCAB), p.input("vocabulary"));
        assertEquals(0, p.seed());
        assertEquals(Provenance.currentLibraryVersion(), p.libraryVersion());
        assertFalse(p.created().isBlank());
        assertEquals(9, p.table().rowCount(), "kind, config, four inputs, seed, library version, created");
        KneserNeyLM other = KneserNeyLM.train(shard, NgramConfig.of(4), 1000);
        assertNotEquals(p.input("tokens sha256"), other.provenance().input("tokens sha256"));
    }

    @Test
    void loadRejectsOtherFiles(@TempDir Path dir) throws Exception {
        Path junk = Files.write(dir.resolve("junk.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KneserNeyLM.load(junk));
        assertTrue(e.getMessage().contains("not a Kneser-Ney model"), e.getMessage());
        KneserNeyLM lm = KneserNeyLM.train(synthetic(50, 6), NgramConfig.of(3));
        byte[] full = Files.readAllBytes(lm.save(dir.resolve("ok.bin")));
        Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(full, full.length - 12));
        e = assertThrows(IllegalArgumentException.class, () -> KneserNeyLM.load(cut));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void budgetReadsThePackedStreamInOrderWithoutRepeating() {
        TokenShard shard = synthetic(40, 8);
        int firstTen = shard.starts()[10];
        KneserNeyLM cut = KneserNeyLM.train(shard, NgramConfig.of(3), firstTen);
        KneserNeyLM prefix = KneserNeyLM.train(shard.select(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), NgramConfig.of(3));
        assertEquals(firstTen, cut.tokensUsed());
        int[] doc = shard.document(20);
        assertArrayEquals(prefix.sequenceLogProbs(doc), cut.sequenceLogProbs(doc));
        KneserNeyLM all = KneserNeyLM.train(shard, NgramConfig.of(3), 10L * shard.numTokens());
        assertEquals(shard.numTokens(), all.tokensUsed(), "a budget beyond the shard uses every token once");
        assertEquals(10L * shard.numTokens(), all.training().tokenBudget());
        assertFalse(Arrays.equals(all.sequenceLogProbs(doc), cut.sequenceLogProbs(doc)));
        // a budget may end inside a document
        KneserNeyLM partial = KneserNeyLM.train(shard, NgramConfig.of(3), firstTen + 2);
        assertEquals(firstTen + 2, partial.tokensUsed());
    }

    @Test
    void invalidConfigsAndInputsFailClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NgramConfig(0));
        assertTrue(e.getMessage().contains("between 1 and " + NgramConfig.MAX_ORDER), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NgramConfig(NgramConfig.MAX_ORDER + 1));
        TokenShard shard = synthetic(5, 9);
        e = assertThrows(IllegalArgumentException.class, () -> KneserNeyLM.train(shard, NgramConfig.defaults(), 0));
        assertTrue(e.getMessage().contains("tokenBudget must be at least 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KneserNeyLM.train(shard, NgramConfig.defaults(), -5));
        TokenShard empty = TokenShard.ofDocuments(List.of(), VOCAB);
        e = assertThrows(IllegalArgumentException.class, () -> KneserNeyLM.train(empty, NgramConfig.defaults()));
        assertTrue(e.getMessage().contains("empty shard"), e.getMessage());
        TokenShard wide = TokenShard.ofDocuments(List.of(new int[] {70_000}), 70_001);
        e = assertThrows(IllegalArgumentException.class, () -> KneserNeyLM.train(wide, NgramConfig.defaults(), 10));
        assertTrue(e.getMessage().contains("16 bits"), e.getMessage());
        TokenShard outside = new TokenShard(new int[] {3, 12, 0}, new int[] {0, 3}, 10);
        e = assertThrows(IllegalArgumentException.class, () -> KneserNeyLM.train(outside, NgramConfig.defaults(), 10));
        assertTrue(e.getMessage().contains("outside its vocabulary"), e.getMessage());
        KneserNeyLM lm = KneserNeyLM.train(shard, NgramConfig.of(2));
        e = assertThrows(IllegalArgumentException.class, () -> lm.sequenceLogProbs(new int[] {1, VOCAB}));
        assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lm.nextTokenLogProbs(List.of(new int[] {-1})));
        assertThrows(IllegalArgumentException.class, () -> lm.discounts(3));
    }

    @Test
    void shortSequencesGiveNoScores() {
        KneserNeyLM lm = KneserNeyLM.train(synthetic(20, 10), NgramConfig.of(3));
        assertEquals(0, lm.sequenceLogProbs(new int[] {5}).length);
        assertEquals(0, lm.sequenceLogProbs(new int[0]).length);
        assertEquals(List.of(), lm.sequenceLogProbs(List.of()));
        assertEquals("KN-3", lm.name());
        assertEquals(Integer.MAX_VALUE, lm.contextLength());
        assertEquals(VOCAB, lm.vocabSize());
    }

    @Test
    void discountEstimatesFollowChenAndGoodman() {
        // Y = 10/(10+2*5) = .5; D1 = 1 - 2*.5*5/10 = .5; D2 = 2 - 3*.5*3/5 = 1.1; D3+ = 3 - 4*.5*2/3 = 5/3
        Discounts d = Discounts.estimate(10, 5, 3, 2);
        assertTrue(d.estimated());
        assertEquals(0.5, d.d1(), 1e-12);
        assertEquals(1.1, d.d2(), 1e-12);
        assertEquals(3 - 4.0 / 3, d.d3(), 1e-12);
        assertEquals(0, d.of(0));
        assertEquals(d.d3(), d.of(17));
        assertEquals(Discounts.FALLBACK, Discounts.estimate(10, 5, 0, 2));
        // D2 = 2 - 3*(1/3)*100/1 < 0: out of range, fallback
        assertEquals(Discounts.FALLBACK, Discounts.estimate(1, 1, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> new Discounts(0, 1, 1, true));
    }

    @Test
    void realisticDataUsesEstimatedDiscounts() {
        KneserNeyLM lm = KneserNeyLM.train(synthetic(2000, 11), NgramConfig.of(3));
        // (unigrams of a 300-id vocabulary are all frequent: no count of 1, so order 1 falls back)
        for (int k = 2; k <= 3; k++) {
            assertTrue(lm.discounts(k).estimated(), "order " + k + " " + lm.discounts(k));
        }
        assertNotEquals(lm.discounts(2), lm.discounts(3));
    }

    @Test
    void concurrentScoringMatchesSequentialScoring() throws Exception {
        TokenShard shard = synthetic(400, 12);
        KneserNeyLM lm = KneserNeyLM.train(shard, NgramConfig.of(4));
        TokenShard heldOut = synthetic(60, 13);
        List<int[]> docs = new ArrayList<>();
        for (int d = 0; d < heldOut.numDocuments(); d++) {
            docs.add(heldOut.document(d));
        }
        List<float[]> expected = new ArrayList<>();
        for (int[] doc : docs) {
            expected.add(lm.sequenceLogProbs(doc));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> {
                    List<float[]> out = new ArrayList<>();
                    for (int[] doc : docs) {
                        out.add(lm.sequenceLogProbs(doc));
                        lm.nextTokenLogProbs(List.of(doc));
                    }
                    return out;
                }));
            }
            for (Future<List<float[]>> f : futures) {
                List<float[]> got = f.get();
                for (int d = 0; d < docs.size(); d++) {
                    assertArrayEquals(expected.get(d), got.get(d));
                }
            }
        } finally {
            pool.shutdown();
        }
        List<float[]> batched = lm.sequenceLogProbs(docs);
        for (int d = 0; d < docs.size(); d++) {
            assertArrayEquals(expected.get(d), batched.get(d));
        }
    }
}
