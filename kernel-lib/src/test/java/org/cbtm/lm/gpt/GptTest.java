package org.cbtm.lm.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.Device;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GptTest {

    static final int VOCAB = 40;
    static GptLM lm;

    @BeforeAll
    static void model() {
        org.cbtm.train.TestThreads.single();
        try (Gpt gpt = Gpt.create(new GptConfig(VOCAB, 2, 32, 4, 16, 0.1), Device.cpu(), 7)) {
            lm = GptLM.of(gpt.weights(), Device.cpu());
        }
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    /** More positions than one loss chunk: the chunked loss is the plain mean cross-entropy over all positions. */
    @Test
    void theChunkedLossIsTheMeanCrossEntropyOverAllPositions() {
        int b = 40; // 40 x 16 = 640 positions: three chunks of at least 256
        assertTrue((long) b * 16 > Gpt.LOSS_CHUNK_MIN_POSITIONS * 2);
        SplittableRandom r = new SplittableRandom(5);
        long[] in = new long[b * 16];
        long[] tg = new long[b * 16];
        for (int i = 0; i < in.length; i++) {
            in[i] = r.nextInt(VOCAB);
            tg[i] = r.nextInt(VOCAB);
        }
        try (Gpt gpt = Gpt.create(lm.config(), Device.cpu(), 7);
             ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(Device.cpu())) {
            ai.djl.ndarray.NDArray x = m.create(in, new ai.djl.ndarray.types.Shape(b, 16));
            ai.djl.ndarray.NDArray y = m.create(tg, new ai.djl.ndarray.types.Shape(b, 16));
            float chunked = gpt.loss(x, y, false).getFloat();
            float[] logProbs = gpt.logits(gpt.hidden(x, false)).reshape(-1, VOCAB).logSoftmax(1).toFloatArray();
            double sum = 0;
            for (int i = 0; i < tg.length; i++) {
                sum -= logProbs[i * VOCAB + (int) tg[i]];
            }
            assertEquals(sum / tg.length, chunked, 1e-5);
        }
    }

    /** Small vocabularies compute the loss in cache-sized chunks; large ones (the corpus tokenizer's) whole. */
    @Test
    void theLossIsChunkedForSmallVocabulariesOnly() {
        assertEquals(256, Gpt.lossChunkPositions(4_097), "the standard profile's model");
        assertEquals(512, Gpt.lossChunkPositions(2_048));
        assertEquals(256, Gpt.lossChunkPositions(16_384));
        assertEquals(Long.MAX_VALUE, Gpt.lossChunkPositions(16_385));
        assertEquals(Long.MAX_VALUE, Gpt.lossChunkPositions(47_815), "the corpus tokenizer's vocabulary");
    }

    @Test
    void weightsWithoutACheckpointSayNoTrainingIsRecorded() {
        org.cbtm.base.Provenance p = lm.provenance();
        assertTrue(p.kind().contains("no checkpoint"), p.kind());
        assertEquals(org.cbtm.base.CanonicalJson.of(lm.config()), p.config());
        assertTrue(p.inputs().isEmpty());
    }

    /**
     * Weights scaled up from GPT-2's small initialisation, so that attention is far from uniform and outputs depend
     * strongly on positions and on every earlier token: a wrong cache offset or mask shows (an idea from the
     * parallel KV-cache work).
     */
    static GptWeights sharpWeights() {
        try (Gpt gpt = Gpt.create(lm.config(), Device.cpu(), 11)) {
            java.util.Map<String, float[]> scaled = new java.util.LinkedHashMap<>();
            SplittableRandom rnd = new SplittableRandom(3);
            gpt.weights().tensors().forEach((name, values) -> {
                float[] v = values.clone();
                boolean affine = name.contains("gamma") || name.contains("beta");
                for (int i = 0; i < v.length; i++) {
                    v[i] = affine ? (float) (v[i] + 0.3 * rnd.nextGaussian()) : 12 * v[i];
                }
                scaled.put(name, v);
            });
            return new GptWeights(lm.config(), scaled);
        }
    }

    /** Label scoring through the key/value cache equals scoring prompt + option in full (the interface default). */
    @Test
    void optionLogProbsEqualFullRecomputation() {
        GptLM lm = GptLM.of(sharpWeights(), Device.cpu());
        org.cbtm.lm.LanguageModel full = new org.cbtm.lm.LanguageModel() {
            public int vocabSize() { return lm.vocabSize(); }
            public int contextLength() { return lm.contextLength(); }
            public long inferenceParameters() { return lm.inferenceParameters(); }
            public String name() { return "full"; }
            public float[][] nextTokenLogProbs(List<int[]> c) { return lm.nextTokenLogProbs(c); }
            public float[] sequenceLogProbs(int[] t) { return lm.sequenceLogProbs(t); }
            public List<float[]> sequenceLogProbs(List<int[]> t) { return lm.sequenceLogProbs(t); }
        };
        SplittableRandom rnd = new SplittableRandom(5);
        for (int promptLength : new int[] {1, 5, 12}) {
            int[] prompt = rnd.ints(promptLength, 0, VOCAB).toArray();
            List<int[]> options = new ArrayList<>();
            for (int k = 1; k <= 4; k++) {
                options.add(rnd.ints(k, 0, VOCAB).toArray());
            }
            double[] fast = lm.optionLogProbs(prompt, options);
            double[] slow = full.optionLogProbs(prompt, options);
            for (int i = 0; i < fast.length; i++) {
                assertEquals(slow[i], fast[i], 1e-4, "option " + i + " after " + promptLength + " tokens");
                assertTrue(fast[i] < 0);
            }
        }
        // a prompt that fills the context but for the option's one token
        int[] longPrompt = rnd.ints(15, 0, VOCAB).toArray();
        List<int[]> one = List.of(new int[] {3}, new int[] {7});
        assertArrayEquals(full.optionLogProbs(longPrompt, one), lm.optionLogProbs(longPrompt, one), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> lm.optionLogProbs(new int[14], List.of(new int[3])),
                "prompt and option beyond the context of 16");
        lm.close();
    }

    /** A prefix extended through the key/value cache token by token gives the same next-token log-probs. */
    @Test
    void theKeyValueCacheExtendsAPrefixAsFullRecomputationDoes() {
        int[] seq = new SplittableRandom(9).ints(10, 0, VOCAB).toArray();
        try (Gpt gpt = Gpt.create(sharpWeights(), Device.cpu());
             ai.djl.ndarray.NDManager m = gpt.manager().newSubManager();
             NoGrad ignored = NoGrad.enter()) {
            GptLM same = GptLM.of(gpt.weights(), Device.cpu());
            Gpt.KvCache cache = null;
            for (int t = 0; t < seq.length; t++) {
                Gpt.Step s = gpt.step(m.create(new long[] {seq[t]}, new ai.djl.ndarray.types.Shape(1, 1)), cache);
                cache = s.cache();
                float[] cached = gpt.logits(s.hidden().reshape(1, -1)).logSoftmax(1).toFloatArray();
                float[] full = same.nextTokenLogProbs(List.of(java.util.Arrays.copyOf(seq, t + 1)))[0];
                assertArrayEquals(full, cached, 1e-4f, "after " + (t + 1) + " tokens");
            }
            assertEquals(seq.length, cache.length());
            same.close();
        }
    }

    @Test
    void invalidConfigsFailClearly() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(100, 2, 30, 4, 16, 0));
        assertTrue(e.getMessage().contains("heads (4) must divide width (30)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(100, 2, 32, 4, 0, 0));
        assertTrue(e.getMessage().contains("contextLength must be positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(100, 0, 32, 4, 8, 0));
        assertTrue(e.getMessage().contains("layers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(100, 2, 32, 4, 8, 1.0));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GptConfig(1, 2, 32, 4, 8, 0));
    }

    @Test
    void parameterCountsMatchTheTensors() {
        GptConfig c = new GptConfig(VOCAB, 2, 32, 4, 16, 0.1);
        long total = Gpt.parameterShapes(c).values().stream().mapToLong(s -> s.size()).sum();
        assertEquals(total, c.totalParameters());
        assertEquals(total - (long) VOCAB * 32 - 16L * 32, c.nonEmbeddingParameters());
        assertEquals(6.0 * c.nonEmbeddingParameters() * 1000, c.trainingFlops(1000));
        assertEquals(total, lm.inferenceParameters());
        // GPT-2 small's body: 85M non-embedding parameters
        assertEquals(85_056_000L, GptConfig.full(50257).nonEmbeddingParameters(), 100_000);
    }

    @Test
    void sameSeedSameModelOtherSeedOtherModel() {
        GptConfig c = TinyGpt.config(VOCAB);
        try (Gpt a = Gpt.create(c, Device.cpu(), 1); Gpt b = Gpt.create(c, Device.cpu(), 1); Gpt d = Gpt.create(c, Device.cpu(), 2)) {
            assertTrue(a.weights().sameValues(b.weights()));
            assertFalse(a.weights().sameValues(d.weights()));
            float[] ln = a.weights().tensor("h0.ln1.gamma");
            for (float v : ln) {
                assertEquals(1f, v);
            }
        }
    }

    @Test
    void sequenceScoresAgreeWithNextTokenDistributions() {
        SplittableRandom r = new SplittableRandom(3);
        int[] seq = r.ints(12, 0, VOCAB).toArray();
        float[] scores = lm.sequenceLogProbs(seq);
        assertEquals(seq.length - 1, scores.length);
        List<int[]> prefixes = new ArrayList<>();
        for (int t = 1; t < seq.length; t++) {
            prefixes.add(java.util.Arrays.copyOf(seq, t));
        }
        float[][] next = lm.nextTokenLogProbs(prefixes);
        for (int t = 1; t < seq.length; t++) {
            assertEquals(next[t - 1][seq[t]], scores[t - 1], 1e-5, "position " + t);
        }
    }

    @Test
    void logProbabilitiesNormaliseAndEmptyContextMeansAfterEod() {
        float[][] next = lm.nextTokenLogProbs(List.of(new int[0], new int[] {3, 4, 5}, new int[] {0}));
        for (float[] row : next) {
            assertEquals(VOCAB, row.length);
            double sum = 0;
            for (float v : row) {
                assertTrue(v <= 0);
                sum += Math.exp(v);
            }
            assertEquals(1.0, sum, 1e-5);
        }
        assertArrayEquals(next[2], next[0], 0f); // empty context == [EOD]
    }

    @Test
    void batchedScoringEqualsOneByOneAndPaddingIsInvisible() {
        SplittableRandom r = new SplittableRandom(5);
        List<int[]> seqs = new ArrayList<>();
        for (int len : new int[] {16, 3, 1, 9, 2, 16, 7}) {
            seqs.add(r.ints(len, 0, VOCAB).toArray());
        }
        List<float[]> batched = lm.sequenceLogProbs(seqs);
        for (int i = 0; i < seqs.size(); i++) {
            assertArrayEquals(lm.sequenceLogProbs(seqs.get(i)), batched.get(i), 1e-5f, "sequence " + i);
        }
        assertEquals(0, batched.get(2).length); // one token: nothing to predict
    }

    @Test
    void tooLongSequencesAreRejectedWithAdvice() {
        var e = assertThrows(IllegalArgumentException.class, () -> lm.sequenceLogProbs(new int[17]));
        assertTrue(e.getMessage().contains("truncate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lm.nextTokenLogProbs(List.of(new int[17])));
        assertThrows(IllegalArgumentException.class, () -> lm.sequenceLogProbs(new int[] {1, VOCAB}));
    }

    @Test
    void averagingIdenticalModelsIsTheIdentity() {
        try (Gpt a = Gpt.create(TinyGpt.config(VOCAB), Device.cpu(), 11)) {
            GptWeights w = a.weights();
            assertTrue(GptWeights.average(List.of(w, w), new double[] {0.5, 0.5}).sameValues(w));
            assertTrue(GptWeights.average(List.of(w, w, w), new double[] {0.2, 0.3, 0.5}).maxAbsDifference(w) < 1e-7);
            try (Gpt b = Gpt.create(TinyGpt.config(VOCAB), Device.cpu(), 12)) {
                GptWeights avg = GptWeights.average(List.of(w, b.weights()), new double[] {0.25, 0.75});
                float[] x = w.tensor("wte");
                float[] y = b.weights().tensor("wte");
                assertEquals(0.25 * x[5] + 0.75 * y[5], avg.tensor("wte")[5], 1e-7);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> GptWeights.average(List.of(w, w), new double[] {1.0}));
        }
    }
}
