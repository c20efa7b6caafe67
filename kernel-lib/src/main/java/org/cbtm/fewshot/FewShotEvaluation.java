package org.cbtm.fewshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

import org.cbtm.base.Futures;
import org.cbtm.base.Progress;
import org.cbtm.base.WorkInterrupted;
import org.cbtm.eval.EvalSequence;
import org.cbtm.lm.LanguageModel;
import org.cbtm.text.token.Tokenizer;

/**
 * The few-shot protocol (methods 1.5): every task x k x seed, up to N test examples per task, each option scored
 * after the k-shot prompt; prediction = the best option. Two scorings come from one run: direct (the options'
 * summed log-probabilities) and calibrated (domain-conditional PMI: minus the options' log-probabilities after the
 * content-free prompt, made of the same demonstrations and the task prompt alone). The {@link Baselines} are added
 * to every result (computed once per task and kept).
 *
 * <pre>{@code
 * var eval = new FewShotEvaluation(tokenizer, FewShotConfig.defaults().withMaxTestExamples(200));
 * FewShotResult dense = eval.evaluate(denseModel, suite.tasks());
 * FewShotResult cbtm = eval.evaluate(new EnsembleScorer(experts, router, "C-BTM K=4"), suite.tasks());
 * Table t = FewShotResult.combine(dense, cbtm).summary();
 * }</pre>
 *
 * Results do not depend on the number of threads.
 */
public final class FewShotEvaluation {

    private final Tokenizer tokenizer;
    private final FewShotConfig config;
    private final PromptBuilder builder;
    private final Map<Task, List<FewShotResult.SeedScore>> baselineCache = new ConcurrentHashMap<>();

    public FewShotEvaluation(Tokenizer tokenizer, FewShotConfig config) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.config = Objects.requireNonNull(config, "config");
        this.builder = new PromptBuilder(tokenizer, config.format());
    }

    public FewShotConfig config() {
        return config;
    }

    public PromptBuilder promptBuilder() {
        return builder;
    }

    /** Evaluates {@code model} through {@link OptionScorer#of} (an ensemble by its experts and router). */
    public FewShotResult evaluate(LanguageModel model, List<Task> tasks) {
        return evaluate(OptionScorer.of(model), tasks);
    }

    /** Evaluates {@code scorer} on {@code tasks}; the rows are named by {@link OptionScorer#name()}. */
    public FewShotResult evaluate(OptionScorer scorer, List<Task> tasks) {
        Objects.requireNonNull(scorer, "scorer");
        if (scorer.vocabSize() != tokenizer.vocabSize()) {
            throw new IllegalArgumentException(scorer.name() + " has a vocabulary of " + scorer.vocabSize()
                    + " tokens, the evaluation's tokenizer " + tokenizer.vocabSize()
                    + ": the model must share the tokenizer the tasks were built with");
        }
        int context = config.contextLength() == 0 ? scorer.contextLength()
                : Math.min(config.contextLength(), scorer.contextLength());
        long total = 0;
        for (Task t : tasks) {
            int runs = 0;
            for (int k : config.shots()) {
                runs += k == 0 ? 1 : config.seeds();
            }
            total += (long) runs * t.test(config.maxTestExamples()).size();
        }
        List<FewShotResult.SeedScore> scores = new ArrayList<>();
        List<FewShotResult.Prediction> predictions = new ArrayList<>();
        try (Progress bar = config.progress() ? Progress.start("Few-shot " + scorer.name(), total, "ex") : null) {
            for (Task task : tasks) {
                for (int k : config.shots()) {
                    int runs = k == 0 ? 1 : config.seeds();
                    for (int seed = 0; seed < runs; seed++) {
                        if (bar != null) {
                            bar.note("%s, k = %d, seed %d", task.name(), k, seed);
                        }
                        run(scorer, task, k, seed, context, bar, scores, predictions);
                    }
                }
            }
        }
        if (config.baselines()) {
            scores.addAll(baselineScores(tasks));
        }
        return new FewShotResult(scores, predictions);
    }

    /** Only the baseline rows of {@code tasks}. */
    public FewShotResult baselines(List<Task> tasks) {
        return new FewShotResult(baselineScores(tasks), List.of());
    }

    private void run(OptionScorer scorer, Task task, int k, int seed, int context, Progress bar,
                     List<FewShotResult.SeedScore> scores, List<FewShotResult.Prediction> predictions) {
        List<Example> test = task.test(config.maxTestExamples());
        List<int[]> options = builder.options(task);
        List<Example> demos = builder.demonstrations(task, k, seed);
        int n = test.size();
        Prompt[] prompts = new Prompt[n];
        OptionScores[] direct = new OptionScores[n];
        forEach(n, i -> {
            Example e = test.get(i);
            prompts[i] = builder.prompt(task, demos, e, context);
            direct[i] = scorer.score(new EvalSequence(e.id(), prompts[i].tokens(), "", EvalSequence.NO_CLUSTER), options);
            if (direct[i].logProbs().length != options.size()) {
                throw new IllegalStateException(scorer.name() + " scored " + direct[i].logProbs().length + " of "
                        + options.size() + " options");
            }
            if (bar != null) {
                synchronized (bar) {
                    bar.advance(1);
                }
            }
        });
        // the content-free prompt keeps the demonstrations the test prompt kept (the last shotsFit)
        Map<Integer, double[]> contentFree = new TreeMap<>();
        for (Prompt p : prompts) {
            contentFree.computeIfAbsent(p.shotsFit(), fit -> {
                Prompt cf = builder.contentFreePrompt(task, demos.subList(demos.size() - fit, demos.size()), context);
                EvalSequence seq = new EvalSequence(task.name() + ":content-free", cf.tokens(), "", EvalSequence.NO_CLUSTER);
                return scorer.score(seq, options).logProbs();
            });
        }
        int[] gold = new int[n];
        int[] predDirect = new int[n];
        int[] predCalibrated = new int[n];
        double[] confDirect = new double[n];
        double[] confCalibrated = new double[n];
        double fitSum = 0;
        for (int i = 0; i < n; i++) {
            gold[i] = test.get(i).label();
            double[] d = direct[i].logProbs();
            double[] cf = contentFree.get(prompts[i].shotsFit());
            double[] c = new double[d.length];
            for (int j = 0; j < d.length; j++) {
                c[j] = d[j] - cf[j];
            }
            predDirect[i] = OptionScores.argmax(d);
            predCalibrated[i] = OptionScores.argmax(c);
            confDirect[i] = ClassificationMetrics.softmax(d)[predDirect[i]];
            confCalibrated[i] = ClassificationMetrics.softmax(c)[predCalibrated[i]];
            fitSum += prompts[i].shotsFit();
            predictions.add(new FewShotResult.Prediction(scorer.name(), task.name(), k, seed, test.get(i).id(), gold[i],
                    predDirect[i], confDirect[i], predCalibrated[i], confCalibrated[i], prompts[i].shotsFit(),
                    prompts[i].inputCut(), direct[i].topExpert(), direct[i].topWeight()));
        }
        double fit = fitSum / n;
        scores.add(score(scorer.name(), task, k, seed, FewShotResult.DIRECT, gold, predDirect, confDirect, fit));
        scores.add(score(scorer.name(), task, k, seed, FewShotResult.CALIBRATED, gold, predCalibrated, confCalibrated, fit));
    }

    private static FewShotResult.SeedScore score(String model, Task task, int k, int seed, String scoring, int[] gold,
                                                 int[] predicted, double[] confidence, double shotsFit) {
        return new FewShotResult.SeedScore(model, task.name(), k, seed, scoring, gold.length,
                ClassificationMetrics.accuracy(gold, predicted),
                ClassificationMetrics.macroF1(gold, predicted, task.numLabels()),
                ClassificationMetrics.expectedCalibrationError(gold, predicted, confidence), shotsFit);
    }

    /**
     * Per task and k: majority class and the full-train regression (one run each, seed 0), uniform random and the
     * k-shot regression (one run per seed; the regression sees the same k demonstrations the prompts draw, and
     * needs k >= 1). The first three do not depend on k; they are repeated for every k so a plot over k has them.
     */
    private List<FewShotResult.SeedScore> baselineScores(List<Task> tasks) {
        List<FewShotResult.SeedScore> out = new ArrayList<>();
        for (Task task : tasks) {
            out.addAll(baselineCache.computeIfAbsent(task, this::baselinesOf));
        }
        return out;
    }

    private List<FewShotResult.SeedScore> baselinesOf(Task task) {
        List<Example> test = task.test(config.maxTestExamples());
        int[] gold = test.stream().mapToInt(Example::label).toArray();
        Baselines.Predictions majority = Baselines.majority(task, test);
        Baselines.Predictions full = Baselines.logistic(task.train(), test);
        List<Baselines.Predictions> uniform = new ArrayList<>();
        for (int s = 0; s < config.seeds(); s++) {
            uniform.add(Baselines.uniform(task, test, s));
        }
        List<FewShotResult.SeedScore> out = new ArrayList<>();
        for (int k : config.shots()) {
            out.add(baseline(Baselines.MAJORITY, task, k, 0, gold, majority, Double.NaN));
            for (int s = 0; s < config.seeds(); s++) {
                out.add(baseline(Baselines.UNIFORM, task, k, s, gold, uniform.get(s), Double.NaN));
            }
            if (k > 0) {
                for (int s = 0; s < config.seeds(); s++) {
                    List<Example> shots = builder.demonstrations(task, k, s);
                    out.add(baseline(Baselines.LOGISTIC_SHOTS, task, k, s, gold, Baselines.logistic(shots, test),
                            shots.size()));
                }
            }
            out.add(baseline(Baselines.LOGISTIC_FULL, task, k, 0, gold, full, Double.NaN));
        }
        return out;
    }

    private static FewShotResult.SeedScore baseline(String name, Task task, int k, int seed, int[] gold,
                                                    Baselines.Predictions p, double shotsFit) {
        return score(name, task, k, seed, FewShotResult.BASELINE, gold, p.predicted(), p.confidence(), shotsFit);
    }

    /** Runs {@code body} for 0..n-1, on {@code config.threads()} threads when more than one. */
    private void forEach(int n, IntConsumer body) {
        int threads = Math.min(config.threads(), n);
        if (threads <= 1) {
            for (int i = 0; i < n; i++) {
                WorkInterrupted.check("few-shot evaluation");
                body.accept(i);
            }
            return;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> body.accept(index)));
            }
            Futures.awaitAll(futures, "few-shot evaluation");
        }
    }
}
