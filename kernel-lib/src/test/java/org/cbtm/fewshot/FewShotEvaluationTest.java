package org.cbtm.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.cbtm.fewshot.Fixtures.Item;
import org.cbtm.fewshot.Fixtures.PlantedModel;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class FewShotEvaluationTest {

    /**
     * Label a's marker is " alpha", b's " beta". Test: 5 a (4 with alpha, 1 with beta) and 5 b (3 with beta, 2 with
     * alpha), so a model that follows the marker is right on exactly 7 of 10.
     */
    static Task plantedTask() {
        List<Item> train = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            train.add(new Item("train-a" + i, "training text alpha number " + i, 0));
            train.add(new Item("train-b" + i, "training text beta number " + i, 1));
        }
        List<Item> test = new ArrayList<>();
        String[] aMarkers = {"alpha", "alpha", "alpha", "alpha", "beta"};
        String[] bMarkers = {"beta", "beta", "beta", "alpha", "alpha"};
        for (int i = 0; i < 5; i++) {
            test.add(new Item("test-a" + i, "held out " + aMarkers[i] + " example " + i, 0));
            test.add(new Item("test-b" + i, "held out " + bMarkers[i] + " example " + i, 1));
        }
        return Fixtures.task("planted", Fixtures.verbalizers("a", " apple", "b", " banana"), " The fruit is", train,
                test, 32);
    }

    static FewShotConfig quiet() {
        return FewShotConfig.defaults().withProgress(false);
    }

    @Test
    void plantedModelScoresExactlyTheExpectedAccuracy() {
        Task task = plantedTask();
        FewShotResult r = new FewShotEvaluation(Fixtures.TOKENIZER, quiet())
                .evaluate(new PlantedModel(Integer.MAX_VALUE, " alpha", " beta"), List.of(task));
        double confidence = 1 / (1 + Math.exp(-2)); // softmax of (-1, -3)
        double macroF1 = (8.0 / 11 + 2.0 / 3) / 2;  // a: tp 4, fp 2, fn 1; b: tp 3, fp 1, fn 2
        int rows = 0;
        for (FewShotResult.SeedScore s : r.scores()) {
            if (!s.model().equals("planted")) {
                continue;
            }
            rows++;
            assertEquals(10, s.examples());
            assertEquals(0.7, s.accuracy(), 1e-12, s.toString());
            assertEquals(macroF1, s.macroF1(), 1e-12, s.toString());
            assertEquals(confidence - 0.7, s.ece(), 1e-12, s.toString());
            assertEquals(s.shots(), s.shotsFit(), 1e-12, "every demonstration fits an unlimited context");
        }
        // k = 0 once, k = 1, 4, 8 with 5 seeds each; direct and calibrated
        assertEquals(2 * (1 + 3 * 5), rows);
        assertEquals(16 * 10, r.predictions().size());
    }

    @Test
    void summaryHasOneRowPerModelTaskShotsAndScoringWithTheBaselines() {
        Task task = plantedTask();
        FewShotResult r = new FewShotEvaluation(Fixtures.TOKENIZER, quiet())
                .evaluate(new PlantedModel(Integer.MAX_VALUE, " alpha", " beta"), List.of(task));
        Table t = r.summary();
        assertEquals(List.of("model", "task", "shots", "scoring", "seeds", "examples", "accuracy", "ci_low", "ci_high",
                "macro_f1", "ece", "shots_fit"), t.columnNames());
        int planted = 0;
        for (int i = 0; i < t.rowCount(); i++) {
            String model = t.stringColumn("model").get(i);
            int shots = t.intColumn("shots").getInt(i);
            if (model.equals("planted")) {
                planted++;
                assertEquals(shots == 0 ? 1 : 5, t.intColumn("seeds").getInt(i));
                assertEquals(0.7, t.doubleColumn("ci_low").getDouble(i), 1e-12, "no variation over seeds");
                assertEquals(0.7, t.doubleColumn("ci_high").getDouble(i), 1e-12);
            } else {
                assertEquals(FewShotResult.BASELINE, t.stringColumn("scoring").get(i));
            }
        }
        assertEquals(8, planted);
        for (String baseline : List.of(Baselines.MAJORITY, Baselines.UNIFORM, Baselines.LOGISTIC_FULL)) {
            for (int k : List.of(0, 1, 4, 8)) {
                assertFalse(Double.isNaN(r.accuracy(baseline, "planted", k, FewShotResult.BASELINE)), baseline + " k=" + k);
            }
        }
        assertTrue(Double.isNaN(r.accuracy(Baselines.LOGISTIC_SHOTS, "planted", 0, FewShotResult.BASELINE)),
                "no regression on zero examples");
        assertEquals(0.5, r.accuracy(Baselines.MAJORITY, "planted", 8, FewShotResult.BASELINE), 1e-12);
        assertEquals(0.7, r.accuracy(Baselines.LOGISTIC_FULL, "planted", 8, FewShotResult.BASELINE), 1e-12,
                "the regression learns the markers too, and they agree with the test labels 7 times in 10");
    }

    @Test
    void resultsDoNotDependOnThreads() {
        Task task = plantedTask();
        PlantedModel model = new PlantedModel(Integer.MAX_VALUE, " alpha", " beta");
        FewShotResult one = new FewShotEvaluation(Fixtures.TOKENIZER, quiet().withBaselines(false)).evaluate(model, List.of(task));
        FewShotResult four = new FewShotEvaluation(Fixtures.TOKENIZER, quiet().withBaselines(false).withThreads(4))
                .evaluate(model, List.of(task));
        assertEquals(one.scores(), four.scores());
        assertEquals(one.predictions(), four.predictions());
    }

    @Test
    void shotsThatDoNotFitTheContextAreDroppedAndReported() {
        Task task = plantedTask();
        // a demonstration is 5 input + 3 prompt + 1 verbalizer + 1 delimiter tokens; 40 tokens hold EOD, three of
        // them, the test input (5), the prompt (3) and the option (1)
        PlantedModel small = new PlantedModel(40, " alpha", " beta");
        FewShotResult r = new FewShotEvaluation(Fixtures.TOKENIZER, quiet().withBaselines(false))
                .evaluate(small, List.of(task)); // the planted model fails on any prompt that does not fit
        for (FewShotResult.SeedScore s : r.scores()) {
            assertTrue(s.shotsFit() <= s.shots());
            if (s.shots() == 8) {
                assertEquals(3, s.shotsFit(), 1e-12, "8 demonstrations cannot fit 40 tokens: " + s);
            }
            assertEquals(0.7, s.accuracy(), 1e-12, "the test input is kept whole");
        }
        for (FewShotResult.Prediction p : r.predictions()) {
            assertTrue(p.shotsFit() <= p.shots());
            assertFalse(p.inputCut());
        }
    }

    @Test
    void combineKeepsSharedBaselinesOnce() {
        Task task = plantedTask();
        FewShotEvaluation eval = new FewShotEvaluation(Fixtures.TOKENIZER, quiet().withShots(0, 4).withSeeds(2));
        FewShotResult a = eval.evaluate(new PlantedModel(Integer.MAX_VALUE, " alpha", " beta"), List.of(task));
        FewShotResult b = eval.evaluate(new Fixtures.FixedModel(-1, -2), List.of(task));
        FewShotResult both = FewShotResult.combine(a, b);
        long baselines = a.scores().stream().filter(s -> s.scoring().equals(FewShotResult.BASELINE)).count();
        long modelRows = both.scores().size() - baselines;
        assertEquals(2 * 2 * (1 + 2), modelRows, "two models x two scorings x (k=0 once + k=4 twice)");
        assertThrows(IllegalArgumentException.class, () -> FewShotResult.combine(a, a), "a model twice");
    }

    @Test
    void refusesAModelWithAnotherVocabulary() {
        Fixtures.OptionModel other = new Fixtures.OptionModel(100) {
            @Override
            public int vocabSize() {
                return 1000;
            }

            @Override
            public String name() {
                return "other";
            }

            @Override
            public double[] optionLogProbs(int[] prompt, List<int[]> options) {
                return new double[options.size()];
            }
        };
        var e = assertThrows(IllegalArgumentException.class, () -> new FewShotEvaluation(Fixtures.TOKENIZER, quiet())
                .evaluate(other, List.of(plantedTask())));
        assertTrue(e.getMessage().contains("tokenizer"), e.getMessage());
    }
}
