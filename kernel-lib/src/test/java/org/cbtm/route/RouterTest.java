package org.cbtm.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.cbtm.ensemble.TopicFixture;
import org.cbtm.eval.EvalSequence;
import org.cbtm.math.DenseMatrix;
import org.cbtm.text.token.Tokenizer;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final TopicFixture F = TopicFixture.get();

    /** The weights by the formula of methods 1.4, from scratch: decode the prefix, embed it whole, softmax, top-k. */
    static double[] direct(int[] prefix, RoutingConfig c) {
        String text = F.tokenizer.decode(prefix);
        double[] e = F.clusters.embedder().embed(text);
        DenseMatrix centres = F.clusters.centres();
        int k = centres.rows();
        double[] s = new double[k];
        for (int j = 0; j < k; j++) {
            double d = 0;
            for (int i = 0; i < e.length; i++) {
                double x = e[i] - centres.get(j, i);
                d += x * x;
            }
            double arg = c.distance() == RoutingConfig.DistanceForm.PAPER ? d : d * d;
            s[j] = Math.exp(-arg / c.temperature());
        }
        double total = Arrays.stream(s).sum();
        for (int j = 0; j < k; j++) {
            s[j] /= total; // the full softmax first
        }
        int top = Math.min(c.topK(), k);
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
        double[] w = new double[k];
        double kept = 0;
        for (int r = 0; r < top; r++) {
            kept += s[order[r]];
        }
        for (int r = 0; r < top; r++) {
            w[order[r]] = s[order[r]] / kept; // then keep the top-k and renormalise
        }
        return w;
    }

    @Test
    void centroidWeightsSumToOneAndMatchTheFormula() {
        for (RoutingConfig c : List.of(RoutingConfig.paper(), RoutingConfig.topK(2), RoutingConfig.topK(1),
                RoutingConfig.paper().withTemperature(1).withDistance(RoutingConfig.DistanceForm.REFERENCE),
                RoutingConfig.topK(3).withTemperature(0.03))) {
            CentroidRouter router = new CentroidRouter(F.clusters, F.tokenizer, c);
            for (EvalSequence seq : F.test.subList(0, 6)) {
                RoutingWeights w = router.route(seq);
                assertEquals(seq.length() - 1, w.positions());
                for (int t = 1; t < seq.length(); t++) {
                    double[] row = w.row(t - 1);
                    assertEquals(1.0, Arrays.stream(row).sum(), 1e-12);
                    assertTrue(w.activeAt(t - 1) <= Math.min(c.topK(), TopicFixture.K));
                    assertArrayEquals(direct(Arrays.copyOf(seq.tokens(), t), c), row, 1e-9,
                            c.describe() + ", position " + t);
                }
            }
        }
    }

    @Test
    void matchesFromScratchEmbeddingOnTrickyText() {
        // words with capitals, digits, underscores, accents, CJK, a dotted capital I (lowercasing splits it),
        // apostrophes, hyphens, runs of spaces and newlines, emoji: every prefix against the formula
        List<String> texts = new ArrayList<>();
        String[] words = {"Café", "NAÏVE", "naïve", "東京", "İstanbul", "stanbul", "don't", "e-mail", "snake_case",
            "x2y", "42nd", "Ünïcödé", "mail", "river", "RIVER", "Court", "court's", "😀ok", "tab\tbed", "a", "the"};
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 60; i++) {
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                b.append(words[r.nextInt(words.length)]).append(List.of(" ", "  ", "\n", ", ", "-", "").get(r.nextInt(6)));
            }
            texts.add(b.toString());
        }
        var model = new org.cbtm.cluster.KMeansPartitioner(
                org.cbtm.text.tfidf.TfidfSvdEmbedder.Config.reference(1).withDimensions(6),
                org.cbtm.cluster.KMeans.reference(3, false, 1)).fit(texts);
        for (Tokenizer tok : List.of(Tokenizer.fullGpt2(), F.tokenizer)) {
            RoutingConfig c = RoutingConfig.paper().withTemperature(0.05);
            CentroidRouter router = new CentroidRouter(model, tok, c);
            for (String text : texts.subList(0, 15)) {
                int[] ids = tok.encode(text);
                RoutingWeights w = router.route(EvalSequence.of(ids));
                for (int t = 1; t < ids.length; t++) {
                    String prefix = tok.decode(Arrays.copyOf(ids, t));
                    double[] e = model.embedder().embed(prefix);
                    var pe = model.embedder().prefixEmbedder();
                    pe.append(prefix);
                    assertArrayEquals(e, pe.embedding(), 1e-9);
                    double[] d = new double[3];
                    double z = 0;
                    for (int j = 0; j < 3; j++) {
                        for (int q = 0; q < e.length; q++) {
                            double x = e[q] - model.centres().get(j, q);
                            d[j] += x * x;
                        }
                        z += Math.exp(-d[j] / 0.05);
                    }
                    for (int j = 0; j < 3; j++) {
                        assertEquals(Math.exp(-d[j] / 0.05) / z, w.get(t - 1, j), 1e-9, "'" + prefix + "'");
                    }
                }
            }
        }
    }

    @Test
    void theTestDocumentsUseTokensThatSplitCharacters() {
        // so that the incremental UTF-8 decoding above is exercised, not only ASCII
        TokenBytes bytes = TokenBytes.of(F.tokenizer);
        boolean split = false;
        for (EvalSequence seq : F.test) {
            for (int id : seq.tokens()) {
                byte[] b = bytes.bytes(id);
                split |= b.length > 0 && !Arrays.equals(b, new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
            }
        }
        assertTrue(split, "no test token holds part of a character");
    }

    @Test
    void emptyPrefixIsTheZeroVector() {
        CentroidRouter router = new CentroidRouter(F.clusters, F.tokenizer, RoutingConfig.paper());
        double[] norms = F.clusters.centres().rowSquaredNorms();
        assertArrayEquals(norms, router.distances(new int[0]), 1e-12);
        double[] w = router.nextWeights(EvalSequence.of(new int[0]));
        double z = 0;
        for (double n : norms) {
            z += Math.exp(-n / 0.1);
        }
        for (int j = 0; j < norms.length; j++) {
            assertEquals(Math.exp(-norms[j] / 0.1) / z, w[j], 1e-12);
        }
    }

    /**
     * The causality check: row t-1 of route() equals the weights computed from the first t tokens alone. A router
     * that read token t for row t-1 fails it (see below).
     */
    static void assertCausal(Router router, EvalSequence seq) {
        RoutingWeights w = router.route(seq);
        for (int t = 1; t < seq.length(); t++) {
            double[] fromPrefix = router.nextWeights(seq.withTokens(Arrays.copyOf(seq.tokens(), t)));
            assertArrayEquals(fromPrefix, w.row(t - 1), 1e-12, "row " + (t - 1) + " is not a function of tokens[<" + t + "]");
        }
    }

    @Test
    void routersNeverSeeThePredictedToken() {
        CentroidRouter centroid = new CentroidRouter(F.clusters, F.tokenizer, RoutingConfig.topK(2));
        for (EvalSequence seq : F.test.subList(0, 4)) {
            assertCausal(centroid, seq);
            assertCausal(new UniformRouter(4), seq);
            assertCausal(new OracleRouter(4), seq);
            assertCausal(new RandomRouter(4, 2, 1), seq);
        }
        // a router that peeks at the token it predicts is caught
        Router leaky = new PeekingRouter(centroid);
        assertThrows(AssertionError.class, () -> assertCausal(leaky, F.test.get(0)));
    }

    @Test
    void changingTokenTChangesTheWeightsAfterItButNotAtIt() {
        CentroidRouter router = new CentroidRouter(F.clusters, F.tokenizer, RoutingConfig.paper());
        int[] a = F.tokenizer.encode("The river boat sails with the fish on the tide");
        int[] b = F.tokenizer.encode("The river boat sails with the judge on the tide");
        int t = -1;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                t = i;
                break;
            }
        }
        assertTrue(t > 0 && a.length == b.length);
        RoutingWeights wa = router.route(EvalSequence.of(a));
        RoutingWeights wb = router.route(EvalSequence.of(b));
        for (int r = 0; r < t; r++) {
            assertArrayEquals(wa.row(r), wb.row(r), 0.0, "row " + r + " (predicting token " + (r + 1)
                    + ") must not depend on token " + t);
        }
        // row t predicts token t+1 from tokens[<=t]: there the changed word must show
        assertFalse(Arrays.equals(wa.row(t), wb.row(t)), "row " + t + " should see the changed token " + t);
    }

    @Test
    void incrementalDecodingMatchesWholeDecoding() {
        TokenBytes bytes = TokenBytes.of(F.tokenizer);
        String text = "naïve café — “quoted” 東京 and 😀 emoji, Ünïcödé";
        int[] ids = F.tokenizer.encode(text);
        Utf8Stream dec = new Utf8Stream();
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < ids.length; t++) {
            dec.feed(bytes.bytes(ids[t]), sb);
            String whole = F.tokenizer.decode(Arrays.copyOf(ids, t + 1));
            // the whole decoding ends with U+FFFD where a character is unfinished; the stream holds those bytes back
            assertEquals(whole.replaceAll("\uFFFD+$", ""), sb.toString());
        }
        assertEquals(text, sb.toString());
        // random byte-level splits of the same text, and malformed bytes, as String decodes them
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        byte[] bad = Arrays.copyOf(raw, raw.length + 3);
        bad[raw.length] = (byte) 0xE2;
        bad[raw.length + 1] = 'x';
        bad[raw.length + 2] = (byte) 0xFF;
        SplittableRandom r = new SplittableRandom(1);
        for (byte[] in : List.of(raw, bad)) {
            for (int rep = 0; rep < 20; rep++) {
                Utf8Stream s = new Utf8Stream();
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < in.length; ) {
                    int n = Math.min(in.length - i, 1 + r.nextInt(4));
                    s.feed(Arrays.copyOfRange(in, i, i + n), out);
                    i += n;
                }
                assertEquals(new String(in, StandardCharsets.UTF_8), out.toString());
            }
        }
    }

    @Test
    void tokenBytesReproduceTheTokenizer() {
        TokenBytes bytes = TokenBytes.of(F.tokenizer);
        assertEquals(F.tokenizer.vocabSize(), bytes.vocabSize());
        assertEquals(0, bytes.bytes(Tokenizer.EOD).length);
        for (String text : F.testTexts) {
            int[] ids = F.tokenizer.encode(text);
            java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
            for (int id : ids) {
                o.writeBytes(bytes.bytes(id));
            }
            assertEquals(F.tokenizer.decode(ids), o.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void uniformOracleAndRandom() {
        EvalSequence seq = F.test.get(1);
        RoutingWeights u = new UniformRouter(4).route(seq);
        assertArrayEquals(new double[]{0.25, 0.25, 0.25, 0.25}, u.row(3), 0);

        RoutingWeights o = new OracleRouter(4).route(seq);
        double[] hot = new double[4];
        hot[seq.cluster()] = 1;
        for (int t = 0; t < o.positions(); t++) {
            assertArrayEquals(hot, o.row(t), 0);
        }
        assertThrows(IllegalArgumentException.class, () -> new OracleRouter(4).route(EvalSequence.of(seq.tokens())));
        assertThrows(IllegalArgumentException.class, () -> new OracleRouter(2).route(
                new EvalSequence("x", seq.tokens(), "", 3)));

        RandomRouter rnd = new RandomRouter(4, 2, 11);
        double[] w1 = rnd.nextWeights(seq);
        assertArrayEquals(w1, new RandomRouter(4, 2, 11).route(seq).row(5), 0, "same seed and id, same weights");
        assertEquals(1.0, Arrays.stream(w1).sum(), 1e-12);
        assertEquals(2, Arrays.stream(w1).filter(x -> x > 0).count());
        assertFalse(Arrays.equals(w1, new RandomRouter(4, 2, 12).nextWeights(seq)), "another seed, other weights");
        // top-1 random routing picks each expert about equally often over documents
        int[] picks = new int[4];
        RandomRouter one = new RandomRouter(4, 1, 5);
        for (int i = 0; i < 4000; i++) {
            double[] w = one.nextWeights(new EvalSequence("doc" + i, new int[]{1, 2}, "", -1));
            for (int j = 0; j < 4; j++) {
                if (w[j] == 1) {
                    picks[j]++;
                }
            }
        }
        assertEquals(4000, Arrays.stream(picks).sum());
        for (int p : picks) {
            assertTrue(Math.abs(p - 1000) < 120, Arrays.toString(picks));
        }
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> RoutingConfig.topK(0));
        assertThrows(IllegalArgumentException.class, () -> RoutingConfig.paper().withTemperature(0));
        assertThrows(IllegalArgumentException.class, () -> RoutingConfig.paper().withTemperature(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RoutingConfig(1, 0.1, null));
        assertEquals(4, RoutingConfig.paper().effectiveTopK(4));
        assertEquals("top-2, T=0.1", RoutingConfig.topK(2).describe());
        CentroidRouter r = new CentroidRouter(F.clusters, F.tokenizer, RoutingConfig.topK(2));
        assertEquals(2, r.maxActiveExperts());
        assertEquals(4, r.with(RoutingConfig.paper()).maxActiveExperts());
        assertArrayEquals(r.distances(F.test.get(0).tokens()),
                r.with(RoutingConfig.paper()).distances(F.test.get(0).tokens()), 1e-15);
    }

    /** Deliberately wrong: uses tokens[<=t] for row t-1. */
    private record PeekingRouter(Router inner) implements Router {
        @Override
        public int numExperts() {
            return inner.numExperts();
        }

        @Override
        public int maxActiveExperts() {
            return inner.maxActiveExperts();
        }

        @Override
        public RoutingWeights route(EvalSequence seq) {
            int n = seq.positions();
            int k = numExperts();
            double[] w = new double[n * k];
            for (int t = 1; t <= n; t++) {
                double[] row = inner.nextWeights(seq.withTokens(Arrays.copyOf(seq.tokens(), t + 1)));
                System.arraycopy(row, 0, w, (t - 1) * k, k);
            }
            return new RoutingWeights(n, k, w);
        }

        @Override
        public double[] nextWeights(EvalSequence context) {
            return inner.nextWeights(context);
        }

        @Override
        public long inferenceParameters() {
            return 0;
        }

        @Override
        public String name() {
            return "peeking";
        }
    }
}
