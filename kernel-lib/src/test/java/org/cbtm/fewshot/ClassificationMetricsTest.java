package org.cbtm.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    @Test
    void accuracyAndMacroF1MatchAHandComputation() {
        int[] gold = {0, 0, 0, 1, 1, 2};
        int[] pred = {0, 0, 1, 1, 0, 0};
        assertEquals(3.0 / 6, ClassificationMetrics.accuracy(gold, pred), 1e-12);
        // class 0: tp 2, fp 2, fn 1 -> 4/7; class 1: tp 1, fp 1, fn 1 -> 1/2; class 2: tp 0, fn 1 -> 0
        assertEquals((4.0 / 7 + 0.5 + 0) / 3, ClassificationMetrics.macroF1(gold, pred, 4), 1e-12,
                "class 3, absent from gold and predictions, does not count");
    }

    @Test
    void expectedCalibrationErrorMatchesAHandComputation() {
        int[] gold = {0, 0, 0, 0};
        int[] pred = {0, 1, 0, 0};
        double[] conf = {0.95, 0.95, 0.55, 0.6};
        // bin (0.9, 1]: accuracy 1/2, confidence 0.95 -> |0.5 - 0.95| * 2/4; bin (0.5, 0.6]: both right,
        // confidence 0.575 -> |1 - 0.575| * 2/4
        assertEquals(0.45 * 0.5 + 0.425 * 0.5, ClassificationMetrics.expectedCalibrationError(gold, pred, conf), 1e-12);
    }

    @Test
    void tIntervalUsesStudentsT() {
        var i = ClassificationMetrics.tInterval(new double[]{0.5, 0.6, 0.7, 0.8, 0.9}, 0.95);
        double half = 2.776445105 * Math.sqrt(0.025) / Math.sqrt(5); // t_{0.975, 4}, s = sqrt(0.025)
        assertEquals(0.7, i.mean(), 1e-12);
        assertEquals(0.7 - half, i.low(), 1e-6);
        assertEquals(0.7 + half, i.high(), 1e-6);
        var one = ClassificationMetrics.tInterval(new double[]{0.4}, 0.95);
        assertEquals(0.4, one.low());
        assertEquals(0.4, one.high());
    }

    @Test
    void softmaxIsStableAndHandlesImpossibleOptions() {
        assertArrayEquals(new double[]{0.5, 0.5, 0}, ClassificationMetrics.softmax(
                new double[]{-1000, -1000, Double.NEGATIVE_INFINITY}), 1e-12);
    }
}
