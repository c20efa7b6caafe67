package org.cbtm.fewshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The scores of a few-shot evaluation: one {@link SeedScore} per (model, task, shots, seed, scoring), the
 * per-example {@link Prediction}s of the language models, and the tables made from them. Results of several models
 * {@link #combine combine} into one table; baseline rows they share appear once.
 */
public final class FewShotResult {

    public static final String MODEL = "model";
    public static final String TASK = "task";
    public static final String SHOTS = "shots";
    public static final String SEED = "seed";
    /** Number of seeds a summary row averages. */
    public static final String SEEDS = "seeds";
    /** {@link #DIRECT}, {@link #CALIBRATED} or {@link #BASELINE}. */
    public static final String SCORING = "scoring";
    public static final String EXAMPLES = "examples";
    public static final String ACCURACY = "accuracy";
    public static final String CI_LOW = "ci_low";
    public static final String CI_HIGH = "ci_high";
    public static final String MACRO_F1 = "macro_f1";
    public static final String ECE = "ece";
    /** Mean number of demonstrations that fit the context (missing for baselines that read no prompt). */
    public static final String SHOTS_FIT = "shots_fit";

    /** The options' summed log-probabilities. */
    public static final String DIRECT = "direct";
    /** Domain-conditional PMI: minus the options' log-probabilities after the content-free prompt. */
    public static final String CALIBRATED = "calibrated";
    /** A row of {@link Baselines}. */
    public static final String BASELINE = "baseline";

    /** The interval level of {@link #summary()}. */
    public static final double LEVEL = 0.95;

    /** One model on one task with k demonstrations drawn with one seed. */
    public record SeedScore(String model, String task, int shots, int seed, String scoring, int examples,
                            double accuracy, double macroF1, double ece, double shotsFit) {
        public SeedScore {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(scoring, "scoring");
        }

        Key key() {
            return new Key(model, task, shots, seed, scoring);
        }
    }

    /**
     * One test example of one (model, task, shots, seed): the gold label, the direct and calibrated predictions with
     * the probability (softmax over the options) each gave its prediction, the demonstrations that fit, whether the
     * input was cut, and for an ensemble the expert with the largest weight and that weight (-1 and NaN otherwise).
     */
    public record Prediction(String model, String task, int shots, int seed, String example, int gold, int direct,
                             double directConfidence, int calibrated, double calibratedConfidence, int shotsFit,
                             boolean inputCut, int topExpert, double topWeight) {
    }

    private record Key(String model, String task, int shots, int seed, String scoring) {
    }

    private record Group(String model, String task, int shots, String scoring) {
    }

    private final List<SeedScore> scores;
    private final List<Prediction> predictions;

    public FewShotResult(List<SeedScore> scores, List<Prediction> predictions) {
        this.scores = List.copyOf(scores);
        this.predictions = List.copyOf(predictions);
        Map<Key, SeedScore> seen = new LinkedHashMap<>();
        for (SeedScore s : this.scores) {
            if (seen.put(s.key(), s) != null) {
                throw new IllegalArgumentException("two scores for " + s.key());
            }
        }
    }

    public List<SeedScore> scores() {
        return scores;
    }

    public List<Prediction> predictions() {
        return predictions;
    }

    /**
     * The results of several evaluations together. A row present in several (the shared baselines) is kept once;
     * the same row with different values means the evaluations used different tasks or settings, and fails.
     */
    public static FewShotResult combine(List<FewShotResult> results) {
        Map<Key, SeedScore> rows = new LinkedHashMap<>();
        List<Prediction> preds = new ArrayList<>();
        for (FewShotResult r : results) {
            for (SeedScore s : r.scores) {
                SeedScore old = rows.putIfAbsent(s.key(), s);
                if (old != null && !old.equals(s)) {
                    throw new IllegalArgumentException("the results disagree on " + s.key() + ": " + old + " vs " + s
                            + " (evaluated on different tasks or settings?)");
                }
                if (old != null && !BASELINE.equals(s.scoring())) {
                    throw new IllegalArgumentException("two results hold " + s.key() + ": give each model its own name");
                }
            }
            preds.addAll(r.predictions);
        }
        return new FewShotResult(new ArrayList<>(rows.values()), preds);
    }

    public static FewShotResult combine(FewShotResult... results) {
        return combine(List.of(results));
    }

    /** One row per seed: model, task, shots, scoring, seed, examples, accuracy, macro_f1, ece, shots_fit. */
    public Table perSeed() {
        StringColumn model = StringColumn.create(MODEL);
        StringColumn task = StringColumn.create(TASK);
        IntColumn shots = IntColumn.create(SHOTS);
        StringColumn scoring = StringColumn.create(SCORING);
        IntColumn seed = IntColumn.create(SEED);
        IntColumn examples = IntColumn.create(EXAMPLES);
        DoubleColumn acc = DoubleColumn.create(ACCURACY);
        DoubleColumn f1 = DoubleColumn.create(MACRO_F1);
        DoubleColumn ece = DoubleColumn.create(ECE);
        DoubleColumn fit = DoubleColumn.create(SHOTS_FIT);
        for (SeedScore s : scores) {
            model.append(s.model());
            task.append(s.task());
            shots.append(s.shots());
            scoring.append(s.scoring());
            seed.append(s.seed());
            examples.append(s.examples());
            acc.append(s.accuracy());
            f1.append(s.macroF1());
            ece.append(s.ece());
            fit.append(s.shotsFit());
        }
        return Table.create("few-shot scores per seed", model, task, shots, scoring, seed, examples, acc, f1, ece, fit);
    }

    /**
     * One row per (model, task, shots, scoring): model, task, shots, scoring, seeds, examples, accuracy (mean over
     * seeds) with ci_low and ci_high (95% t interval over seeds; the mean itself where one run is all there is:
     * k = 0, majority class, the full-train regression), and the means of macro_f1, ece and shots_fit.
     */
    public Table summary() {
        Map<Group, List<SeedScore>> groups = new LinkedHashMap<>();
        for (SeedScore s : scores) {
            groups.computeIfAbsent(new Group(s.model(), s.task(), s.shots(), s.scoring()), g -> new ArrayList<>()).add(s);
        }
        StringColumn model = StringColumn.create(MODEL);
        StringColumn task = StringColumn.create(TASK);
        IntColumn shots = IntColumn.create(SHOTS);
        StringColumn scoring = StringColumn.create(SCORING);
        IntColumn seeds = IntColumn.create(SEEDS);
        IntColumn examples = IntColumn.create(EXAMPLES);
        DoubleColumn acc = DoubleColumn.create(ACCURACY);
        DoubleColumn low = DoubleColumn.create(CI_LOW);
        DoubleColumn high = DoubleColumn.create(CI_HIGH);
        DoubleColumn f1 = DoubleColumn.create(MACRO_F1);
        DoubleColumn ece = DoubleColumn.create(ECE);
        DoubleColumn fit = DoubleColumn.create(SHOTS_FIT);
        for (Map.Entry<Group, List<SeedScore>> e : groups.entrySet()) {
            Group g = e.getKey();
            List<SeedScore> list = e.getValue();
            var interval = ClassificationMetrics.tInterval(list.stream().mapToDouble(SeedScore::accuracy).toArray(), LEVEL);
            model.append(g.model());
            task.append(g.task());
            shots.append(g.shots());
            scoring.append(g.scoring());
            seeds.append(list.size());
            examples.append(list.get(0).examples());
            acc.append(interval.mean());
            low.append(interval.low());
            high.append(interval.high());
            f1.append(list.stream().mapToDouble(SeedScore::macroF1).average().orElse(Double.NaN));
            ece.append(list.stream().mapToDouble(SeedScore::ece).average().orElse(Double.NaN));
            fit.append(list.stream().mapToDouble(SeedScore::shotsFit).average().orElse(Double.NaN));
        }
        return Table.create("few-shot accuracy (mean over seeds, 95% t interval)", model, task, shots, scoring, seeds,
                examples, acc, low, high, f1, ece, fit);
    }

    /**
     * One row per language-model prediction: model, task, shots, seed, example, gold, direct, direct_confidence,
     * calibrated, calibrated_confidence, shots_fit, input_cut, top_expert, top_weight.
     */
    public Table predictionTable() {
        StringColumn model = StringColumn.create(MODEL);
        StringColumn task = StringColumn.create(TASK);
        IntColumn shots = IntColumn.create(SHOTS);
        IntColumn seed = IntColumn.create(SEED);
        StringColumn example = StringColumn.create("example");
        IntColumn gold = IntColumn.create("gold");
        IntColumn direct = IntColumn.create(DIRECT);
        DoubleColumn directConf = DoubleColumn.create("direct_confidence");
        IntColumn calibrated = IntColumn.create(CALIBRATED);
        DoubleColumn calibratedConf = DoubleColumn.create("calibrated_confidence");
        IntColumn fit = IntColumn.create(SHOTS_FIT);
        BooleanColumn cut = BooleanColumn.create("input_cut");
        IntColumn topExpert = IntColumn.create("top_expert");
        DoubleColumn topWeight = DoubleColumn.create("top_weight");
        for (Prediction p : predictions) {
            model.append(p.model());
            task.append(p.task());
            shots.append(p.shots());
            seed.append(p.seed());
            example.append(p.example());
            gold.append(p.gold());
            direct.append(p.direct());
            directConf.append(p.directConfidence());
            calibrated.append(p.calibrated());
            calibratedConf.append(p.calibratedConfidence());
            fit.append(p.shotsFit());
            cut.append(p.inputCut());
            topExpert.append(p.topExpert());
            topWeight.append(p.topWeight());
        }
        return Table.create("few-shot predictions", model, task, shots, seed, example, gold, direct, directConf,
                calibrated, calibratedConf, fit, cut, topExpert, topWeight);
    }

    /** The mean accuracy over seeds of one summary row (NaN when there is no such row). */
    public double accuracy(String model, String task, int shots, String scoring) {
        return scores.stream().filter(s -> s.model().equals(model) && s.task().equals(task) && s.shots() == shots
                && s.scoring().equals(scoring)).mapToDouble(SeedScore::accuracy).average().orElse(Double.NaN);
    }

    @Override
    public String toString() {
        return "FewShotResult[" + scores.size() + " seed scores, " + predictions.size() + " predictions]";
    }
}
