package org.cbtm.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.HasProvenance;
import org.cbtm.base.Provenance;
import org.cbtm.corpus.TokenShard;
import org.cbtm.eval.EvalConfig;
import org.cbtm.eval.EvalSequence;
import org.cbtm.eval.Perplexity;
import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.route.CentroidRouter;
import org.cbtm.route.OracleRouter;
import org.cbtm.route.RandomRouter;
import org.cbtm.route.Router;
import org.cbtm.route.RoutingConfig;
import org.cbtm.route.RoutingWeights;
import org.cbtm.route.UniformRouter;
import org.junit.jupiter.api.Test;

class SparseEnsembleTest {
    private static final TopicFixture F = TopicFixture.get();
    private static final EvalConfig QUIET = EvalConfig.defaults().withProgress(false);

    private static CentroidRouter centroid(RoutingConfig c) {
        return new CentroidRouter(F.clusters, F.tokenizer, c);
    }

    /** {@code log sum_k w_k p_k(x_t)} by the definition, in double. */
    private static double[] directMixture(EvalSequence seq, RoutingWeights w, List<? extends LanguageModel> experts) {
        double[] out = new double[seq.positions()];
        for (int t = 0; t < out.length; t++) {
            double p = 0;
            for (int k = 0; k < experts.size(); k++) {
                p += w.get(t, k) * Math.exp(experts.get(k).sequenceLogProbs(seq.tokens())[t]);
            }
            out[t] = Math.log(p);
        }
        return out;
    }

    private static void assertClose(double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "position " + i);
        }
    }

    @Test
    void provenanceNamesTheRouterTopKAndEachExpertsProvenance() {
        List<KneserNeyLM> kn = new ArrayList<>();
        for (int k = 0; k < TopicFixture.K; k++) {
            List<int[]> docs = new ArrayList<>();
            for (int i = k; i < F.texts.size(); i += TopicFixture.K) {
                docs.add(F.tokenizer.encode(F.texts.get(i)));
            }
            kn.add(KneserNeyLM.train(TokenShard.ofDocuments(docs, F.tokenizer.vocabSize()), NgramConfig.of(2)));
        }
        SparseEnsemble top2 = new SparseEnsemble(kn, centroid(RoutingConfig.topK(2)));
        Provenance p = top2.provenance();
        assertTrue(top2 instanceof HasProvenance);
        assertEquals("sparse ensemble", p.kind());
        assertEquals(CanonicalJson.of(Map.of("router", top2.router().name(), "topK", 2, "experts", TopicFixture.K)),
                p.config());
        assertEquals(TopicFixture.K, p.inputs().size());
        for (int k = 0; k < TopicFixture.K; k++) {
            assertEquals(kn.get(k).provenance().fingerprint(), p.input("expert " + k));
        }
        assertEquals(0, p.seed());
        // another top-k is another config, over the same experts
        Provenance all = top2.withRouter(centroid(RoutingConfig.paper())).provenance();
        assertNotEquals(p.config(), all.config());
        assertEquals(p.inputs(), all.inputs());
        // a fingerprint is a SHA-256 of the canonical JSON, and differs between experts trained on other data
        assertEquals(64, p.input("expert 0").length());
        assertNotEquals(p.input("expert 0"), p.input("expert 1"));
        assertEquals(kn.get(0).provenance().fingerprint(), kn.get(0).provenance().fingerprint());
        // experts without a provenance are named as such
        Provenance plain = new SparseEnsemble(F.experts, centroid(RoutingConfig.paper())).provenance();
        assertEquals("none recorded: bigram-0", plain.input("expert 0"));
    }

    @Test
    void mixesInProbabilitySpaceWithTheRoutersWeights() {
        for (RoutingConfig c : List.of(RoutingConfig.paper(), RoutingConfig.topK(2), RoutingConfig.topK(1))) {
            SparseEnsemble e = new SparseEnsemble(F.experts, centroid(c));
            for (EvalSequence seq : F.test.subList(0, 5)) {
                SparseEnsemble.Scored s = e.score(seq);
                assertClose(directMixture(seq, s.weights(), F.experts), s.logProbs(), 1e-5);
                assertArrayEquals(s.logProbs(), e.sequenceLogProbs(seq.tokens()));
            }
        }
    }

    @Test
    void topKAllEqualsTheDenseMixture() {
        // uniform weights: the dense mixture log((p_1 + ... + p_K) / K)
        SparseEnsemble uniform = new SparseEnsemble(F.experts, new UniformRouter(TopicFixture.K));
        SparseEnsemble all = new SparseEnsemble(F.experts, centroid(RoutingConfig.paper()));
        SparseEnsemble topAll = new SparseEnsemble(F.experts, centroid(RoutingConfig.topK(TopicFixture.K)));
        for (EvalSequence seq : F.test.subList(0, 6)) {
            double[] dense = new double[seq.positions()];
            for (int t = 0; t < dense.length; t++) {
                double p = 0;
                for (AddOneBigram x : F.experts) {
                    p += Math.exp(x.logProb(seq.tokens()[t], seq.tokens()[t + 1])) / TopicFixture.K;
                }
                dense[t] = Math.log(p);
            }
            assertClose(dense, uniform.sequenceLogProbs(seq.tokens()), 1e-5);
            // top-K of K is the full softmax mixture, every expert runs
            assertArrayEquals(all.sequenceLogProbs(seq.tokens()), topAll.sequenceLogProbs(seq.tokens()));
            assertEquals(TopicFixture.K, all.score(seq).expertsRun());
        }
    }

    @Test
    void anEnsembleOfOneExpertIsThatExpert() {
        AddOneBigram x = F.experts.get(2);
        SparseEnsemble one = new SparseEnsemble(List.of(x), new UniformRouter(1));
        SparseEnsemble oneCentroid = new SparseEnsemble(List.of(x), new CentroidRouter(F.clusters.embedder(),
                F.clusters.centres().rowRange(2, 3), org.cbtm.route.TokenBytes.of(F.tokenizer), RoutingConfig.paper()));
        for (EvalSequence seq : F.test) {
            assertArrayEquals(x.sequenceLogProbs(seq.tokens()), one.sequenceLogProbs(seq.tokens()));
            assertArrayEquals(x.sequenceLogProbs(seq.tokens()), oneCentroid.sequenceLogProbs(seq.tokens()));
        }
        int[][] ctx = {{}, F.test.get(0).tokens(), Arrays.copyOf(F.test.get(1).tokens(), 3)};
        float[][] a = x.nextTokenLogProbs(List.of(ctx));
        float[][] b = one.nextTokenLogProbs(List.of(ctx));
        for (int i = 0; i < ctx.length; i++) {
            assertArrayEquals(a[i], b[i]);
        }
        assertEquals(x.inferenceParameters(), one.inferenceParameters());
        assertEquals(Perplexity.evaluate(x, F.test, QUIET).perplexity(),
                Perplexity.evaluate(one, F.test, QUIET).perplexity(), 1e-12);
    }

    @Test
    void theOracleOnADocumentOfClusterKGivesExpertKsPerplexity() {
        SparseEnsemble oracle = new SparseEnsemble(F.experts, new OracleRouter(TopicFixture.K));
        for (int k = 0; k < TopicFixture.K; k++) {
            int cluster = k;
            List<EvalSequence> docs = F.test.stream().filter(s -> s.cluster() == cluster).toList();
            assertTrue(!docs.isEmpty(), "no test document in cluster " + k);
            double expert = Perplexity.evaluate(F.experts.get(k), docs, QUIET).perplexity();
            assertEquals(expert, Perplexity.evaluate(oracle, docs, QUIET).perplexity(), 1e-9 * expert);
            // and it differs from another expert's, so the equality says something
            assertNotEquals(expert, Perplexity.evaluate(F.experts.get((k + 1) % TopicFixture.K), docs, QUIET)
                    .perplexity(), 1e-3 * expert);
        }
    }

    /** Weights one-hot on expert (last token of the prefix) mod 2: a router that reads tokens, as a real one does. */
    private record ParityRouter() implements Router {
        @Override
        public int numExperts() {
            return 2;
        }

        @Override
        public int maxActiveExperts() {
            return 1;
        }

        @Override
        public RoutingWeights route(EvalSequence seq) {
            int n = seq.positions();
            double[] w = new double[n * 2];
            for (int t = 1; t <= n; t++) {
                System.arraycopy(nextWeights(seq.withTokens(Arrays.copyOf(seq.tokens(), t))), 0, w, (t - 1) * 2, 2);
            }
            return new RoutingWeights(n, 2, w);
        }

        @Override
        public double[] nextWeights(EvalSequence c) {
            int last = c.length() == 0 ? 0 : c.tokens()[c.length() - 1];
            double[] w = new double[2];
            w[last % 2] = 1;
            return w;
        }

        @Override
        public long inferenceParameters() {
            return 0;
        }

        @Override
        public String name() {
            return "parity";
        }
    }

    @Test
    void theEnsembleUsesRowTMinusOneForTokenT() {
        // two experts that disagree strongly; the parity of the previous token picks one
        AddOneBigram a = F.experts.get(0);
        AddOneBigram b = F.experts.get(2);
        SparseEnsemble e = new SparseEnsemble(List.of(a, b), new ParityRouter());
        int[] tokens = F.test.get(3).tokens();
        float[] got = e.sequenceLogProbs(tokens);
        int parityChanges = 0;
        for (int t = 1; t < tokens.length; t++) {
            AddOneBigram chosen = tokens[t - 1] % 2 == 0 ? a : b; // from tokens[<t] only
            assertEquals((float) chosen.logProb(tokens[t - 1], tokens[t]), got[t - 1], 0f, "position " + t);
            if (tokens[t] % 2 != tokens[t - 1] % 2
                    && a.logProb(tokens[t - 1], tokens[t]) != b.logProb(tokens[t - 1], tokens[t])) {
                parityChanges++; // here an ensemble that used token t's weights would give another number
            }
        }
        assertTrue(parityChanges > 3, "the sequence does not discriminate");
        // changing token t changes the score at t+1 (its weights) but the weights at t stay those of tokens[<t]
        int t = 5;
        int[] changed = tokens.clone();
        changed[t] = tokens[t] + 1;
        RoutingWeights w0 = e.score(EvalSequence.of(tokens)).weights();
        RoutingWeights w1 = e.score(EvalSequence.of(changed)).weights();
        assertArrayEquals(w0.row(t - 1), w1.row(t - 1), 0);
        assertNotEquals(Arrays.toString(w0.row(t)), Arrays.toString(w1.row(t)));
    }

    @Test
    void onlySelectedExpertsRun() {
        List<CountingModel> counted = new ArrayList<>();
        for (AddOneBigram x : F.experts) {
            counted.add(new CountingModel(x));
        }
        EvalSequence seq = F.test.get(0);
        new SparseEnsemble(counted, new OracleRouter(TopicFixture.K)).score(seq);
        for (int k = 0; k < TopicFixture.K; k++) {
            assertEquals(k == seq.cluster() ? 1 : 0, counted.get(k).sequences.get(), "expert " + k);
        }
        // top-1 centroid routing over a batch: each expert runs on exactly the documents that select it
        SparseEnsemble top1 = new SparseEnsemble(counted, centroid(RoutingConfig.topK(1)));
        counted.forEach(c -> c.sequences.set(0));
        List<SparseEnsemble.Scored> scored = top1.score(F.test);
        long[] expected = new long[TopicFixture.K];
        long runs = 0;
        for (SparseEnsemble.Scored s : scored) {
            for (int k = 0; k < TopicFixture.K; k++) {
                expected[k] += s.ran()[k] ? 1 : 0;
            }
            runs += s.expertsRun();
        }
        for (int k = 0; k < TopicFixture.K; k++) {
            assertEquals(expected[k], counted.get(k).sequences.get());
        }
        assertTrue(runs < (long) TopicFixture.K * F.test.size(), "top-1 should leave some experts idle");
        SparseEnsemble.Stats st = top1.stats();
        assertEquals(F.test.size(), st.sequences());
        assertTrue(st.expertsPerPosition() >= 1 && st.expertsPerPosition() < TopicFixture.K);
    }

    @Test
    void nextTokenDistributionsAreMixturesThatSumToOne() {
        SparseEnsemble e = new SparseEnsemble(F.experts, centroid(RoutingConfig.topK(2)));
        CentroidRouter r = centroid(RoutingConfig.topK(2));
        List<int[]> contexts = List.of(new int[0], Arrays.copyOf(F.test.get(0).tokens(), 7), F.test.get(5).tokens());
        float[][] got = e.nextTokenLogProbs(contexts);
        for (int i = 0; i < contexts.size(); i++) {
            double[] w = r.nextWeights(EvalSequence.of(contexts.get(i)));
            double total = 0;
            for (int v = 0; v < e.vocabSize(); v++) {
                double p = 0;
                for (int k = 0; k < TopicFixture.K; k++) {
                    if (w[k] > 0) {
                        p += w[k] * Math.exp(F.experts.get(k).nextTokenLogProbs(List.of(contexts.get(i)))[0][v]);
                    }
                }
                assertEquals(Math.log(p), got[i][v], 1e-5);
                total += Math.exp(got[i][v]);
            }
            assertEquals(1.0, total, 1e-4);
        }
        // the mixed distribution at the end of a prefix scores the next token as sequenceLogProbs does
        int[] doc = F.test.get(2).tokens();
        float[] seqLp = e.sequenceLogProbs(doc);
        for (int t = 1; t < doc.length; t += 4) {
            float[] next = e.nextTokenLogProbs(List.of(Arrays.copyOf(doc, t)))[0];
            assertEquals(seqLp[t - 1], next[doc[t]], 1e-5);
        }
    }

    @Test
    void reportsTheInferenceParametersItUses() {
        long p = F.experts.get(0).inferenceParameters();
        CentroidRouter r2 = centroid(RoutingConfig.topK(2));
        SparseEnsemble top2 = new SparseEnsemble(F.experts, r2);
        assertEquals(2 * p + r2.inferenceParameters(), top2.inferenceParameters());
        assertEquals(p, new SparseEnsemble(F.experts, new OracleRouter(4)).inferenceParameters());
        assertEquals(4 * p, new SparseEnsemble(F.experts, new UniformRouter(4)).inferenceParameters());
        assertEquals(p, new SparseEnsemble(F.experts, new RandomRouter(4, 1, 0)).inferenceParameters());
        SparseEnsemble.Scored s = top2.score(F.test.get(0));
        // top-2 of softmax weights: two experts run at every position
        assertEquals(2.0 * p + r2.inferenceParameters(), s.parametersPerToken(), 1e-6);
        assertTrue(top2.name().contains("top-2 of 4"), top2.name());
    }

    @Test
    void continuationsMixWholeOptionsWithThePromptsWeights() {
        CentroidRouter r = centroid(RoutingConfig.paper().withTemperature(1));
        SparseEnsemble e = new SparseEnsemble(F.experts, r);
        String promptText = F.testTexts.get(2) + " The topic is";
        int[] prompt = F.tokenizer.encode(promptText);
        int[] option = F.tokenizer.encode(" river boat");
        double[] w = r.nextWeights(EvalSequence.of(prompt));
        assertArrayEquals(w, r.weightsForText(promptText), 1e-9, "per-document weights from the text");
        double p = 0;
        for (int k = 0; k < TopicFixture.K; k++) {
            double lp = 0;
            int prev = prompt[prompt.length - 1];
            for (int x : option) {
                lp += (float) F.experts.get(k).logProb(prev, x);
                prev = x;
            }
            p += w[k] * Math.exp(lp);
        }
        assertEquals(Math.log(p), e.continuationLogProb(EvalSequence.of(prompt), option), 1e-5);
        AddOneBigram x = F.experts.get(1);
        SparseEnsemble one = new SparseEnsemble(List.of(x), new UniformRouter(1));
        float[] s = x.sequenceLogProbs(concat(prompt, option));
        double sum = 0;
        for (int t = prompt.length - 1; t < s.length; t++) {
            sum += s[t];
        }
        assertEquals(sum, one.continuationLogProb(EvalSequence.of(prompt), option), 1e-9);
        assertEquals(0.0, e.continuationLogProb(EvalSequence.of(prompt), new int[0]));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void mixingIsStableAtTheExtremes() {
        float ninf = Float.NEGATIVE_INFINITY;
        RoutingWeights w = new RoutingWeights(4, 2, new double[]{0.5, 0.5, 1e-300, 1 - 1e-300, 1, 0, 0.25, 0.75});
        float[][] lp = {{ninf, -800f, -2f, ninf}, {-3f, -1f, ninf, ninf}};
        float[] got = SparseEnsemble.mix(w, lp);
        assertEquals(Math.log(0.5) - 3, got[0], 1e-6);               // one expert gives probability 0
        assertEquals(-1f, got[1], 1e-6);                              // a weight of 1e-300 on a far-off expert
        assertEquals(-2f, got[2], 0f);                                // a single expert of weight 1: its score
        assertEquals(ninf, got[3]);                                   // both give probability 0
        // a large-magnitude pair: log(0.5 e^-1000 + 0.5 e^-1001) without underflow
        RoutingWeights h = new RoutingWeights(1, 2, new double[]{0.5, 0.5});
        float[] far = SparseEnsemble.mix(h, new float[][]{{-1000f}, {-1001f}});
        assertEquals(-1000 + Math.log(0.5 * (1 + Math.exp(-1))), far[0], 1e-3);
    }

    @Test
    void rejectsMismatchedExperts() {
        AddOneBigram small = AddOneBigram.train(List.of(new int[]{1, 2, 0}), 10, "small");
        assertThrows(IllegalArgumentException.class,
                () -> new SparseEnsemble(List.of(F.experts.get(0), small), new UniformRouter(2)));
        assertThrows(IllegalArgumentException.class, () -> new SparseEnsemble(F.experts, new UniformRouter(3)));
        assertThrows(IllegalArgumentException.class, () -> new SparseEnsemble(List.of(), new UniformRouter(1)));
    }
}
