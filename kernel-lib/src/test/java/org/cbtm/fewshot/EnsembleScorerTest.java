package org.cbtm.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalSequence;
import org.cbtm.fewshot.Fixtures.FixedModel;
import org.cbtm.fewshot.Fixtures.FixedRouter;
import org.junit.jupiter.api.Test;

class EnsembleScorerTest {

    private static final EvalSequence PROMPT = EvalSequence.of(new int[]{0, 400, 401, 402});
    private static final List<int[]> OPTIONS = List.of(new int[]{500}, new int[]{501, 502});

    @Test
    void ensembleScoreIsTheLogSumExpOfWeightedExpertScores() {
        FixedModel e0 = new FixedModel(-1.0, -2.0);
        FixedModel e1 = new FixedModel(-3.0, -0.5);
        OptionScores s = new EnsembleScorer(List.of(e0, e1), new FixedRouter(0.25, 0.75), "two").score(PROMPT, OPTIONS);
        // by hand: log(0.25 e^-1 + 0.75 e^-3) = log(0.0919699 + 0.0373403) = log(0.1293102) = -2.045541
        assertEquals(Math.log(0.25 * Math.exp(-1.0) + 0.75 * Math.exp(-3.0)), s.logProbs()[0], 1e-12);
        assertEquals(-2.045541, s.logProbs()[0], 1e-6);
        assertEquals(Math.log(0.25 * Math.exp(-2.0) + 0.75 * Math.exp(-0.5)), s.logProbs()[1], 1e-12);
        assertArrayEquals(new double[]{0.25, 0.75}, s.weights());
        assertEquals(1, s.topExpert());
        assertEquals(0.75, s.topWeight());
        assertEquals(1, s.best());
    }

    @Test
    void keepTopOneScoresWithTheLargestWeightOnly() {
        FixedModel e0 = new FixedModel(-1.0, -2.0);
        FixedModel e1 = new FixedModel(-3.0, -0.5);
        EnsembleScorer top1 = new EnsembleScorer(List.of(e0, e1), new FixedRouter(0.25, 0.75), "two").keepTop(1, null);
        OptionScores s = top1.score(PROMPT, OPTIONS);
        assertArrayEquals(new double[]{-3.0, -0.5}, s.logProbs(), 1e-12);
        assertArrayEquals(new double[]{0, 1}, s.weights());
        assertEquals(0, e0.calls, "an expert with weight 0 does not run");
        assertEquals("two, top-1", top1.name());
    }

    @Test
    void expertsWithZeroWeightDoNotRun() {
        FixedModel e0 = new FixedModel(-1.0, -2.0);
        FixedModel e1 = new FixedModel(-3.0, -0.5);
        FixedModel e2 = new FixedModel(-0.1, -0.1);
        OptionScores s = new EnsembleScorer(List.of(e0, e1, e2), new FixedRouter(0.5, 0, 0.5), null).score(PROMPT, OPTIONS);
        assertEquals(0, e1.calls);
        assertEquals(1, e0.calls);
        assertEquals(Math.log(0.5 * Math.exp(-1.0) + 0.5 * Math.exp(-0.1)), s.logProbs()[0], 1e-12);
    }

    @Test
    void aSparseEnsembleIsScoredByItsExpertsAndRouterNotPerToken() {
        FixedModel e0 = new FixedModel(-1.0, -2.0);
        FixedModel e1 = new FixedModel(-3.0, -0.5);
        SparseEnsemble ensemble = new SparseEnsemble(List.of(e0, e1), new FixedRouter(0.25, 0.75), "C-BTM test");
        OptionScorer scorer = OptionScorer.of(ensemble);
        assertInstanceOf(EnsembleScorer.class, scorer);
        assertEquals("C-BTM test", scorer.name());
        assertEquals(Math.log(0.25 * Math.exp(-2.0) + 0.75 * Math.exp(-0.5)), scorer.score(PROMPT, OPTIONS).logProbs()[1],
                1e-12);
        assertInstanceOf(ModelScorer.class, OptionScorer.of(e0));
    }

    @Test
    void theRouterMustRouteOverTheExperts() {
        assertThrows(IllegalArgumentException.class,
                () -> new EnsembleScorer(List.of(new FixedModel(-1, -1)), new FixedRouter(0.5, 0.5), null));
    }
}
