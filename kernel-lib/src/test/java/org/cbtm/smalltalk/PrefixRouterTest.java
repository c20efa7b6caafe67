package org.cbtm.smalltalk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalSequence;
import org.cbtm.eval.Perplexity;
import org.cbtm.eval.PerplexityResult;
import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.route.RoutingWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrefixRouterTest {
    static final int TOPICS = 3;
    static final int M = 6;
    static List<int[]> docs;
    static RouterLms routers;
    static List<KneserNeyLM> experts;

    @BeforeAll
    static void setUp() {
        docs = Topics.documents(150, TOPICS, 11);
        List<LanguageModel> r = new ArrayList<>();
        experts = new ArrayList<>();
        for (int c = 0; c < TOPICS; c++) {
            r.add(Topics.expert(docs, c, TOPICS, 1));
            experts.add(Topics.expert(docs, c, TOPICS, 2));
        }
        routers = new RouterLms(r, "kn1");
    }

    @AfterAll
    static void tearDown() {
        routers.close();
        experts.forEach(KneserNeyLM::close);
    }

    @Test
    void routesByTopic() {
        PrefixRouter router = new PrefixRouter(routers, M, PrefixForm.CAUSAL);
        SplittableRandom r = new SplittableRandom(5);
        for (int c = 0; c < TOPICS; c++) {
            assertEquals(c, router.route(Topics.document(r, c, 30)));
        }
    }

    @Test
    void readsOnlyTheFirstMTokens() {
        SplittableRandom r = new SplittableRandom(9);
        for (PrefixForm form : PrefixForm.values()) {
            PrefixRouter router = new PrefixRouter(routers, M, form);
            for (int trial = 0; trial < 20; trial++) {
                int[] seq = Topics.document(r, trial % TOPICS, 30);
                // token M+1 onward (index M on) replaced by another topic's tokens: the route must not move
                int[] changed = seq.clone();
                int[] other = Topics.document(r, (trial + 1) % TOPICS, 30);
                System.arraycopy(other, M, changed, M, changed.length - M);
                assertEquals(router.route(seq), router.route(changed));
                RoutingWeights a = router.route(EvalSequence.of(seq));
                RoutingWeights b = router.route(EvalSequence.of(changed));
                assertArrayEquals(a.data(), b.data(), form + ": weights must not depend on tokens after the prefix");
            }
        }
    }

    @Test
    void causalFormNeverReadsThePredictedToken() {
        SplittableRandom r = new SplittableRandom(13);
        PrefixRouter router = new PrefixRouter(routers, M, PrefixForm.CAUSAL);
        int e = routers.numExperts();
        for (int trial = 0; trial < 20; trial++) {
            int[] seq = Topics.document(r, trial % TOPICS, 20);
            RoutingWeights w = router.route(EvalSequence.of(seq));
            for (int t = 1; t < seq.length; t++) {
                // row t-1 predicts token t: change token t and everything after it
                int[] changed = seq.clone();
                int[] other = Topics.document(r, (trial + 2) % TOPICS, 20);
                System.arraycopy(other, t, changed, t, changed.length - t);
                RoutingWeights v = router.route(EvalSequence.of(changed));
                assertArrayEquals(Arrays.copyOfRange(w.data(), 0, t * e), Arrays.copyOfRange(v.data(), 0, t * e),
                        "rows before " + t);
            }
        }
    }

    @Test
    void hardRoutingScoresLikeTheChosenExpertAlone() {
        SplittableRandom r = new SplittableRandom(17);
        List<EvalSequence> test = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // mixed sequences: a prefix of one topic, then another, so routes are not trivially right
            int[] a = Topics.document(r, i % TOPICS, 10);
            int[] b = Topics.document(r, (i + 1) % TOPICS, 20);
            int[] s = Arrays.copyOf(Arrays.copyOf(a, 9), 29);
            System.arraycopy(b, 0, s, 9, 20);
            test.add(EvalSequence.of(s));
        }
        PrefixRouter whole = new PrefixRouter(routers, M, PrefixForm.WHOLE_SEQUENCE);
        SparseEnsemble ensemble = new SparseEnsemble(experts, whole);
        PerplexityResult mixed = Perplexity.evaluate(ensemble, test);
        double nll = 0;
        long tokens = 0;
        for (EvalSequence s : test) {
            float[] lp = experts.get(whole.route(s.tokens())).sequenceLogProbs(s.tokens());
            for (float v : lp) {
                nll -= v;
            }
            tokens += lp.length;
            SparseEnsemble.Scored sc = ensemble.score(s);
            assertEquals(1, sc.expertsRun(), "only the chosen expert runs");
        }
        assertEquals(Math.exp(nll / tokens), mixed.perplexity(), 1e-9 * mixed.perplexity());

        // the causal form: the same scores from position M on (row M-1 predicts token M)
        SparseEnsemble causal = new SparseEnsemble(experts, new PrefixRouter(routers, M, PrefixForm.CAUSAL));
        for (EvalSequence s : test) {
            float[] alone = experts.get(whole.route(s.tokens())).sequenceLogProbs(s.tokens());
            float[] c = causal.score(s).logProbs();
            assertArrayEquals(Arrays.copyOfRange(alone, M - 1, alone.length), Arrays.copyOfRange(c, M - 1, c.length));
        }
    }

    @Test
    void countsItsRoutingCost() {
        PrefixRouter router = new PrefixRouter(routers, M, PrefixForm.CAUSAL);
        SplittableRandom r = new SplittableRandom(19);
        router.route(Topics.document(r, 0, 30));
        router.route(Topics.document(r, 1, 4));
        RoutingCost cost = router.cost();
        assertEquals(2, cost.sequences());
        assertEquals(TOPICS * (M + 4), cost.routerTokens());
        assertEquals(TOPICS * (M + 4) / 2.0, cost.routerTokensPerSequence());
        assertTrue(cost.routerSeconds() >= 0);
        assertEquals(routers.parameters(), router.inferenceParameters());
    }

    @Test
    void refusesBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new PrefixRouter(routers, 0, PrefixForm.CAUSAL));
        assertThrows(IllegalArgumentException.class, () -> new RouterLms(List.of(experts.get(0)), "one"));
        assertThrows(IllegalArgumentException.class, () -> new RouterEmConfig(1, 8, 2, 10, new NgramRouters(2)));
        assertThrows(IllegalArgumentException.class, () -> new RouterEmConfig(2, 1, 2, 10, new NgramRouters(2)));
        assertThrows(IllegalArgumentException.class, () -> new RouterEmConfig(2, 0, 2, 10, new NgramRouters(2)));
        assertThrows(IllegalArgumentException.class, () -> new RouterEmConfig(2, 8, 0, 10, new NgramRouters(2)));
        assertThrows(IllegalArgumentException.class, () -> new NgramRouters(0));
        assertThrows(IllegalArgumentException.class, () -> SmallTalkRouting.paper().withTopK(2));
    }
}
