package org.cbtm.btm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalSequence;
import org.cbtm.route.RoutingWeights;

class PosteriorRouterTest {

    /** Three experts over 4 tokens, each preferring another token (token 3 is neutral). */
    static List<UnigramModel> experts() {
        return List.of(new UnigramModel("a", 8, 1, 1, 2), new UnigramModel("b", 1, 8, 1, 2),
                new UnigramModel("c", 1, 1, 8, 2));
    }

    static int[] randomTokens(long seed, int n) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(4);
        }
        return t;
    }

    /** The posterior written out from its definition: prior_j * prod_{1<=s<=r} p_j(x_s), normalised. */
    static double[] naive(List<UnigramModel> experts, double[] prior, int[] tokens, int row, PosteriorForm form) {
        double[] w = new double[experts.size()];
        double sum = 0;
        for (int j = 0; j < w.length; j++) {
            double lw = Math.log(prior[j]);
            if (form == PosteriorForm.PREFIX) {
                for (int s = 1; s <= row; s++) {
                    lw += (float) experts.get(j).logProb(tokens[s]);
                }
            } else if (row > 0) {
                lw += (float) experts.get(j).logProb(tokens[row]);
            }
            w[j] = Math.exp(lw);
            sum += w[j];
        }
        for (int j = 0; j < w.length; j++) {
            w[j] /= sum;
        }
        return w;
    }

    @Test
    void weightsSumToOneAndFollowTheDefinitionInBothForms() {
        List<UnigramModel> experts = experts();
        double[] prior = {0.5, 0.3, 0.2};
        int[] tokens = randomTokens(1, 40);
        for (PosteriorForm form : PosteriorForm.values()) {
            PosteriorRouter router = PosteriorRouter.uniform(experts).withPrior(prior, "fixed").withForm(form);
            RoutingWeights w = router.route(EvalSequence.of(tokens));
            assertEquals(tokens.length - 1, w.positions());
            for (int r = 0; r < w.positions(); r++) {
                double sum = Arrays.stream(w.row(r)).sum();
                assertEquals(1.0, sum, 1e-12, "row " + r + " of " + form);
                assertArrayEquals(naive(experts, prior, tokens, r, form), w.row(r), 1e-9, "row " + r + " of " + form);
            }
            assertArrayEquals(prior, w.row(0), 1e-12, "the first position knows only the prior");
        }
    }

    /**
     * Whether {@code route} looks ahead: for every row r, changing the token it predicts (token r+1) and every later
     * token must leave rows 0..r unchanged.
     */
    static boolean looksAhead(BiFunction<EvalSequence, float[][], RoutingWeights> route, List<UnigramModel> experts,
                              int[] tokens) {
        RoutingWeights base = route.apply(EvalSequence.of(tokens), scores(experts, tokens));
        for (int r = 0; r < tokens.length - 1; r++) {
            int[] changed = tokens.clone();
            for (int t = r + 1; t < changed.length; t++) {
                changed[t] = (changed[t] + 1 + t % 3) % 4;
            }
            RoutingWeights w = route.apply(EvalSequence.of(changed), scores(experts, changed));
            for (int row = 0; row <= r; row++) {
                if (!Arrays.equals(base.row(row), w.row(row))) {
                    return true;
                }
            }
        }
        return false;
    }

    static float[][] scores(List<UnigramModel> experts, int[] tokens) {
        float[][] lp = new float[experts.size()][];
        for (int j = 0; j < lp.length; j++) {
            lp[j] = experts.get(j).sequenceLogProbs(tokens);
        }
        return lp;
    }

    /** The bug the look-ahead test exists for: the posterior shifted by one token (token t's own likelihood). */
    static RoutingWeights shifted(EvalSequence seq, float[][] lp, PosteriorForm form) {
        int k = lp.length;
        int n = seq.positions();
        double[] out = new double[n * k];
        double[] cum = new double[k];
        for (int r = 0; r < n; r++) {
            double[] s = new double[k];
            for (int j = 0; j < k; j++) {
                cum[j] += lp[j][r]; // added before the row is computed: looks at the token being predicted
                s[j] = Math.log(1.0 / k) + (form == PosteriorForm.PREFIX ? cum[j] : lp[j][r]);
            }
            DomainPosterior.softmaxTopK(s, k, new boolean[k]);
            System.arraycopy(s, 0, out, r * k, k);
        }
        return new RoutingWeights(n, k, out);
    }

    @Test
    void usesThePrefixOnlyAndTheCheckCatchesAOneTokenShift() {
        List<UnigramModel> experts = experts();
        int[] tokens = randomTokens(7, 30);
        for (PosteriorForm form : PosteriorForm.values()) {
            PosteriorRouter router = PosteriorRouter.uniform(experts).withForm(form);
            assertFalse(looksAhead(router::route, experts, tokens), form + " posterior looks ahead");
            assertTrue(looksAhead((s, lp) -> shifted(s, lp, form), experts, tokens),
                    "the look-ahead check must catch the shifted " + form + " posterior");
            // and the shifted posterior disagrees with the definition
            RoutingWeights bad = shifted(EvalSequence.of(tokens), scores(experts, tokens), form);
            assertFalse(Arrays.equals(naive(experts, DomainPosterior.uniform(3), tokens, 5, form), bad.row(5)));
        }
    }

    @Test
    void nextWeightsOfAPrefixEqualTheRowThatPredictsTheNextToken() {
        List<UnigramModel> experts = experts();
        int[] tokens = randomTokens(3, 25);
        for (PosteriorForm form : PosteriorForm.values()) {
            PosteriorRouter router = PosteriorRouter.uniform(experts).withForm(form).withTopK(2);
            RoutingWeights w = router.route(EvalSequence.of(tokens));
            for (int t = 1; t < tokens.length; t++) {
                double[] next = router.nextWeights(EvalSequence.of(Arrays.copyOf(tokens, t)));
                assertArrayEquals(w.row(t - 1), next, 1e-12, "prefix of " + t + " tokens, " + form);
            }
        }
    }

    @Test
    void topKKeepsTheLargestPosteriorWeightsRenormalised() {
        List<UnigramModel> experts = experts();
        int[] tokens = {3, 0, 0, 1, 0, 2, 0, 0, 1};
        PosteriorRouter all = PosteriorRouter.uniform(experts);
        PosteriorRouter top1 = all.withTopK(1);
        PosteriorRouter top2 = all.withTopK(2);
        RoutingWeights wa = all.route(EvalSequence.of(tokens));
        RoutingWeights w1 = top1.route(EvalSequence.of(tokens));
        RoutingWeights w2 = top2.route(EvalSequence.of(tokens));
        for (int r = 1; r < wa.positions(); r++) {
            assertEquals(1, w1.activeAt(r));
            assertEquals(2, w2.activeAt(r));
            double[] full = wa.row(r);
            int best = 0;
            for (int j = 1; j < 3; j++) {
                best = full[j] > full[best] ? j : best;
            }
            assertEquals(1.0, w1.get(r, best));
            assertEquals(1.0, Arrays.stream(w2.row(r)).sum(), 1e-12);
        }
        assertEquals(2, top2.maxActiveExperts());
        assertEquals(2 * 4, top1.inferenceParameters(), "the two unselected experts still run for the posterior");
    }

    @Test
    void theEnsembleMixesWithThePosteriorAndRunsEachExpertOnce() {
        List<UnigramModel> experts = experts();
        PosteriorRouter router = PosteriorRouter.uniform(experts).withPrior(new double[] {0.2, 0.3, 0.5}, "fixed");
        SparseEnsemble ensemble = new SparseEnsemble(experts, router);
        List<EvalSequence> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(EvalSequence.of(randomTokens(10 + i, 12 + i)));
        }
        experts.forEach(e -> e.sequenceCalls = 0);
        List<SparseEnsemble.Scored> scored = ensemble.score(batch);
        for (UnigramModel e : experts) {
            assertEquals(batch.size(), e.sequenceCalls, "each expert scores each sequence once, for the posterior and the mix");
        }
        for (int i = 0; i < batch.size(); i++) {
            int[] tokens = batch.get(i).tokens();
            float[] lp = scored.get(i).logProbs();
            for (int r = 0; r < lp.length; r++) {
                double[] w = naive(experts, new double[] {0.2, 0.3, 0.5}, tokens, r, PosteriorForm.PREFIX);
                double p = 0;
                for (int j = 0; j < 3; j++) {
                    p += w[j] * Math.exp(experts.get(j).logProb(tokens[r + 1]));
                }
                assertEquals(Math.log(p), lp[r], 1e-5, "sequence " + i + " position " + r);
            }
        }
        assertTrue(ensemble.stats().routerSeconds() >= 0);
        assertEquals(3.0, ensemble.stats().expertsPerPosition(), 1e-12, "the posterior needs every expert");
    }

    @Test
    void domainPriorsFollowTheSequencesCluster() {
        List<UnigramModel> experts = experts();
        CachedPrior p0 = new CachedPrior(new double[] {0.8, 0.1, 0.1}, 1, 1, 0.3, PosteriorForm.PREFIX, 0);
        PosteriorRouter router = PosteriorRouter.uniform(experts).withDomainPriors(Arrays.asList(p0, null, null));
        int[] tokens = {3, 3, 3};
        EvalSequence inDomain0 = new EvalSequence("d0", tokens, "src", 0);
        EvalSequence inDomain1 = new EvalSequence("d1", tokens, "src", 1);
        assertArrayEquals(new double[] {0.8, 0.1, 0.1}, router.route(inDomain0).row(0), 1e-12);
        assertArrayEquals(DomainPosterior.uniform(3), router.route(inDomain1).row(0), 1e-12);
        assertEquals(0.8, router.route(inDomain0).row(1)[0], 1e-6, "token 3 is equally likely under every expert");
    }

    @Test
    void badInputIsRefusedClearly() {
        List<UnigramModel> experts = experts();
        assertThrows(IllegalArgumentException.class, () -> PosteriorRouter.uniform(List.of()));
        assertThrows(IllegalArgumentException.class, () -> PosteriorRouter.uniform(experts).withTopK(0));
        var e = assertThrows(IllegalArgumentException.class,
                () -> PosteriorRouter.uniform(experts).withPrior(new double[] {0.5, 0.6, 0.1}, "bad"));
        assertTrue(e.getMessage().contains("sum to 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PosteriorRouter.uniform(experts).withPrior(new double[] {0.5, 0.5}, "short"));
        assertThrows(IllegalArgumentException.class, () -> new PosteriorRouting(null, 2));
    }
}
