package org.cbtm.experiment;

import java.util.List;
import java.util.Map;

import tech.tablesaw.api.Table;

import org.cbtm.base.CsvTables;
import org.cbtm.fewshot.EnsembleScorer;
import org.cbtm.fewshot.FewShotConfig;
import org.cbtm.fewshot.FewShotEvaluation;
import org.cbtm.fewshot.FewShotResult;
import org.cbtm.fewshot.ModelScorer;
import org.cbtm.fewshot.OptionScorer;
import org.cbtm.fewshot.PromptFormat;
import org.cbtm.fewshot.TaskSuite;
import org.cbtm.lm.LanguageModel;

/**
 * Few-shot evaluation (methods 1.5) of a C-BTM config's models, stored in the experiment's artifact store: the
 * summary and the per-example predictions of one config on one task suite are computed once and shared by every
 * notebook that asks (09's claims table and 11's few-shot section run the same evaluation).
 */
public final class FewShotRuns {

    private FewShotRuns() {
    }

    /** One stored evaluation: the summary (one row per model, task, shots and scoring) and the predictions. */
    public record Run(Table summary, Table predictions, boolean reused, double computeSeconds) {
    }

    /** What decides the result: the config, the task suite's settings and the protocol (not threads or progress). */
    private record Key(CbtmConfig config, int expert, String model, org.cbtm.fewshot.TaskConfig tasks,
                       List<Integer> shots, int seeds, int maxTestExamples, int contextLength, PromptFormat format,
                       int recipe) {
        static final int RECIPE = 1;
        /** 2: the k-shot logistic baseline answers the training majority for inputs with no known word. */
        static final int BASELINE_RECIPE = 2;
    }

    /**
     * The few-shot result of {@code config}'s models under the name {@code model}: the dense config as one model,
     * any other as an ensemble of its experts weighted by its router from the whole prompt
     * ({@code logsumexp_k(log w_k + log p_k(option | prompt))}); {@code topK > 0} keeps only the top-k weights.
     */
    public static Run evaluate(CbtmExperiment exp, CbtmConfig config, String model, TaskSuite suite,
                               FewShotConfig protocol) {
        return evaluate(exp, config, -1, model, suite, protocol);
    }

    /** The same for expert {@code expert} of the config alone (the ensemble against each of its experts). */
    public static Run evaluateExpert(CbtmExperiment exp, CbtmConfig config, int expert, String model, TaskSuite suite,
                                     FewShotConfig protocol) {
        if (expert < 0 || expert >= config.k()) {
            throw new IllegalArgumentException("expert " + expert + " of a config with K = " + config.k());
        }
        return evaluate(exp, config, expert, model, suite, protocol);
    }

    private static Run evaluate(CbtmExperiment exp, CbtmConfig config, int expert, String model, TaskSuite suite,
                                FewShotConfig protocol) {
        Key key = new Key(config, expert, model, suite.config(), protocol.shots(), protocol.seeds(), protocol.maxTestExamples(),
                protocol.contextLength(), protocol.format(), Key.RECIPE);
        var artifact = exp.store().getOrCompute("fewshot", key, Map.of("train", exp.trainFingerprint(),
                "tokenizer", exp.tokenizer().sha256()), dir -> {
                    FewShotEvaluation eval = new FewShotEvaluation(exp.tokenizer(), protocol.withBaselines(false));
                    FewShotResult r;
                    List<LanguageModel> experts = exp.experts(config).loadAll();
                    try {
                        OptionScorer scorer = expert >= 0 ? new ModelScorer(experts.get(expert), model)
                                : config.isDense() ? new ModelScorer(experts.get(0), model)
                                : new EnsembleScorer(experts, exp.router(config), model);
                        r = eval.evaluate(scorer, suite.tasks());
                    } finally {
                        experts.forEach(LanguageModel::close);
                    }
                    CsvTables.write(r.summary(), dir.resolve("summary.csv"));
                    CsvTables.write(r.predictionTable(), dir.resolve("predictions.csv"));
                    return Map.of("tasks", suite.tasks().size());
                });
        Table predictions = CsvTables.read(artifact.file("predictions.csv"));
        // a single model routes nothing: its routing columns are empty, which CSV reads back as text
        for (String column : List.of("top_expert", "top_weight")) {
            numeric(predictions, column);
        }
        return new Run(CsvTables.read(artifact.file("summary.csv")), predictions, artifact.reused(),
                artifact.computeSeconds());
    }

    /** Makes {@code column} a double column (empty cells NaN), so that tables of different models stack. */
    private static void numeric(Table t, String column) {
        if (!t.columnNames().contains(column) || t.column(column) instanceof tech.tablesaw.api.DoubleColumn) {
            return;
        }
        tech.tablesaw.api.DoubleColumn d = tech.tablesaw.api.DoubleColumn.create(column);
        for (int i = 0; i < t.rowCount(); i++) {
            String v = t.column(column).getString(i);
            d.append(v == null || v.isBlank() ? Double.NaN : Double.parseDouble(v));
        }
        t.replaceColumn(column, d);
    }

    /** The baselines (majority, uniform, logistic regression on the shots and on the whole training split). */
    public static Table baselines(CbtmExperiment exp, TaskSuite suite, FewShotConfig protocol) {
        Key key = new Key(null, -1, "baselines", suite.config(), protocol.shots(), protocol.seeds(),
                protocol.maxTestExamples(), protocol.contextLength(), protocol.format(), Key.BASELINE_RECIPE);
        var artifact = exp.store().getOrCompute("fewshot-baselines", key, Map.of("tokenizer", exp.tokenizer().sha256()),
                dir -> {
                    FewShotResult r = new FewShotEvaluation(exp.tokenizer(), protocol).baselines(suite.tasks());
                    CsvTables.write(r.summary(), dir.resolve("summary.csv"));
                    return Map.of("tasks", suite.tasks().size());
                });
        return CsvTables.read(artifact.file("summary.csv"));
    }
}
