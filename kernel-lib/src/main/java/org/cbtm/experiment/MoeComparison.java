package org.cbtm.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.cbtm.base.Profile;
import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalSequence;
import org.cbtm.eval.ExpertClusterMatrix;
import org.cbtm.eval.Perplexity;
import org.cbtm.eval.PerplexityResult;
import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.moe.MoeConfig;
import org.cbtm.present.Formats;
import org.cbtm.train.CbtmExperts;
import org.cbtm.train.ComputeAccount;
import org.cbtm.train.TransformerExperts;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * C-BTM against the sparse-upcycled MoE at equal training compute (methods 4 and 6; claim 7), with dense and
 * Branch-Train-MiX (methods 5) beside them. At each budget B (tokens of C-BTM's experts together):
 *
 * <ul>
 *   <li>dense: the seed continued on everything for B tokens; C-BTM: the seed branched into K experts of B / K
 *       tokens each, mixed by the config's routing (the paper's; {@link CbtmExperiment#experts},
 *       {@link CbtmExperiment#router});</li>
 *   <li>upcycled MoE: the same seed upcycled into E = K experts in every other block, trained on the whole mixture
 *       for as many tokens as spend C-BTM's training FLOPs (6 x active non-embedding parameters x tokens: the MoE
 *       pays for two experts and a router per token in its MoE layers);</li>
 *   <li>at the largest budget, BTX: C-BTM's K experts merged into one MoE (every block) and fine-tuned on the mixture
 *       with {@code btxFraction} of C-BTM's FLOPs on top.</li>
 * </ul>
 *
 * Every model is scored on the same test sequences (a seeded sample per cluster in the quick profile); every stage and
 * every score is stored, so notebooks 09 and 10 share the runs.
 */
public final class MoeComparison {

    private MoeComparison() {
    }

    /**
     * @param experts     K of C-BTM and E of the upcycled MoE
     * @param budgets     C-BTM budgets (tokens of all experts), ascending
     * @param noise       standard deviation of the noise added to the upcycled copies (0: exact copies)
     * @param seed        seeds the routers and the noise
     * @param btxFraction BTX's fine-tuning FLOPs as a fraction of C-BTM's at the largest budget
     * @param perCluster  test passages scored per cluster (a seeded sample, the same for every model); 0: all
     */
    public record Settings(int experts, List<Long> budgets, double noise, long seed, double btxFraction,
                           int perCluster) {
        public Settings {
            budgets = List.copyOf(budgets);
            if (experts < 2) {
                throw new IllegalArgumentException("the comparison needs at least 2 experts, got " + experts);
            }
            if (budgets.isEmpty()) {
                throw new IllegalArgumentException("give at least one budget");
            }
            for (int i = 0; i < budgets.size(); i++) {
                if (budgets.get(i) < 1 || i > 0 && budgets.get(i) <= budgets.get(i - 1)) {
                    throw new IllegalArgumentException("budgets must be positive and ascending, got " + budgets);
                }
            }
            if (!(noise >= 0)) {
                throw new IllegalArgumentException("noise must be >= 0, got " + noise);
            }
            if (!(btxFraction > 0 && btxFraction <= 1)) {
                throw new IllegalArgumentException("btxFraction must be in (0, 1], got " + btxFraction);
            }
            if (perCluster < 0) {
                throw new IllegalArgumentException("perCluster must be >= 0 (0: every test passage), got " + perCluster);
            }
        }

        /**
         * K = E = 4; budgets: half and all of the transformer budget of notebooks 04 and 09; BTX fine-tuning 1/8;
         * quick: 20 test passages per cluster (a transformer ensemble scores a few hundred tokens per second on 2
         * CPU cores), standard and full: all of them (the standard profile's test split is small).
         */
        public static Settings standard() {
            long main = Presets.transformerBudget();
            return new Settings(4, List.of(main / 2, main), 0.0, 2023, 0.125, Profile.current().pick(20, 0, 0));
        }
    }

    /**
     * The comparison: {@code table} has one row per model (method, experts, budget, training_tokens, training_flops,
     * inference_params, train_s, eval_s, perplexity, device; training counted after the shared seed); {@code moes}
     * the upcycled MoEs by budget, {@code btx} the merged one.
     */
    public record Result(Table table, List<MoeRuns.Trained> moes, MoeRuns.Trained btx, long seedTokens) {

        /** Claim 7 from the table ({@link Claims#cbtmBeatsUpcycledMoe}). */
        public Claims.Claim claim(String notebook) {
            return Claims.cbtmBeatsUpcycledMoe(table, notebook);
        }

        /** The routing of every MoE's training batches, stacked with a {@code model} column. */
        public Table routing() {
            List<MoeRuns.Trained> all = new ArrayList<>(moes);
            all.add(btx);
            return MoeRuns.routing(all);
        }
    }

    /** Method names in the table. */
    public static final String DENSE = "dense";
    public static final String CBTM = "C-BTM";
    public static final String MOE = "upcycled MoE";
    public static final String BTX = "Branch-Train-MiX";

    /** Runs (or finds) every model of the comparison and scores it. */
    public static Result run(CbtmExperiment exp, TransformerExperts kind, Settings s) {
        Rows rows = new Rows();
        List<MoeRuns.Trained> moes = new ArrayList<>();
        MoeRuns.Trained btx = null;
        long seedTokens = 0;
        long perStep = kind.training().tokensPerStep();
        for (int i = 0; i < s.budgets().size(); i++) {
            long budget = s.budgets().get(i);
            CbtmConfig cbtm = CbtmConfig.balanced(s.experts(), kind, budget);
            CbtmConfig denseConfig = CbtmConfig.dense(kind, budget);
            CbtmExperts experts = exp.experts(cbtm);
            CbtmExperts dense = exp.experts(denseConfig);
            seedTokens = experts.seedTokens();
            List<EvalSequence> test = s.perCluster() == 0 ? exp.testSequences(cbtm)
                    : ExpertClusterMatrix.samplePerCluster(exp.testSequences(cbtm), s.perCluster(), s.seed());
            rows.add(DENSE, 1, budget, dense.account(), evaluate(exp, "dense", dense.experts(), null, test,
                    dense::loadAll, models -> models.get(0)));
            rows.add(CBTM, s.experts(), budget, experts.account(), evaluate(exp, "c-btm " + cbtm.label(), experts.experts(),
                    cbtm, test, experts::loadAll, models -> new SparseEnsemble(models, exp.router(cbtm))));

            Path init = MoeRuns.upcycle(exp.store(), experts.seed(), MoeConfig.upcycling(s.experts()), s.noise(), s.seed());
            double cbtmFlops = experts.account().trainingFlops();
            long tokens = MoeRuns.tokensAtFlops(init, cbtmFlops, perStep);
            MoeRuns.Trained moe = MoeRuns.train(exp.store(), MOE + " E=" + s.experts() + ", B=" + budget, init, kind,
                    tokens, exp.trainShard(), null, null);
            moes.add(moe);
            rows.add(MOE, s.experts(), budget, moe.account(), evaluate(exp, "moe", List.of(moe.checkpoint()), null, test,
                    () -> List.of(moe.load()), models -> models.get(0)));

            if (i == s.budgets().size() - 1) {
                Path mergedInit = MoeRuns.merge(exp.store(), experts.experts(), MoeConfig.branchTrainMix(s.experts()), s.seed());
                long ft = MoeRuns.tokensAtFlops(mergedInit, s.btxFraction() * cbtmFlops, perStep);
                MoeRuns.Trained merged = MoeRuns.train(exp.store(), BTX + " K=" + s.experts() + ", B=" + budget, mergedInit, kind, ft,
                        exp.trainShard(), null, experts.account());
                btx = merged;
                rows.add(BTX, s.experts(), budget, btx.account(), evaluate(exp, "btx", List.of(btx.checkpoint()), null, test,
                        () -> List.of(merged.load()), models -> models.get(0)));
            }
        }
        return new Result(rows.table(), moes, btx, seedTokens);
    }

    /**
     * Perplexity of a model on {@code test}, stored: keyed by its artifacts' contents (and the routing config of an
     * ensemble) and the scored sequences, so notebooks 09 and 10 score each model once.
     */
    private static JsonNode evaluate(CbtmExperiment exp, String what, List<Path> artifacts, CbtmConfig routing,
                                     List<EvalSequence> test, Supplier<List<? extends LanguageModel>> load,
                                     Function<List<LanguageModel>, LanguageModel> asOne) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("model", what);
        key.put("routing", routing == null ? null : routing.routing());
        key.put("contextLength", exp.evalConfig().contextLength());
        key.put("recipe", 1);
        Map<String, String> inputs = new LinkedHashMap<>();
        for (int i = 0; i < artifacts.size(); i++) {
            inputs.put("artifact-" + i, ArtifactStore.fingerprint(artifacts.get(i)));
        }
        inputs.put("test", ArtifactStore.fingerprintTexts(test.stream().map(EvalSequence::id).toList()) + ":"
                + ArtifactStore.fingerprintInts(test.stream().map(EvalSequence::tokens).toArray(int[][]::new)));
        return exp.store().getOrCompute("moe-evaluation", key, inputs, dir -> {
            List<LanguageModel> models = List.copyOf(load.get());
            LanguageModel lm = asOne.apply(models);
            PerplexityResult r;
            try {
                r = Perplexity.evaluate(lm, test, exp.evalConfig());
            } finally {
                models.forEach(LanguageModel::close); // transformer experts hold native memory
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("perplexity", r.perplexity());
            m.put("test_tokens", r.tokens());
            m.put("inference_params", lm instanceof SparseEnsemble e ? e.stats().parametersPerToken()
                    : (double) r.inferenceParameters());
            m.put("eval_s", r.wallSeconds());
            return m;
        }).metrics();
    }

    /** The comparison table under construction. */
    private static final class Rows {
        final StringColumn method = StringColumn.create("method");
        final IntColumn experts = IntColumn.create("experts");
        final LongColumn budget = LongColumn.create("budget");
        final LongColumn tokens = LongColumn.create("training_tokens");
        final DoubleColumn flops = DoubleColumn.create("training_flops");
        final DoubleColumn params = DoubleColumn.create("inference_params");
        final DoubleColumn trainS = DoubleColumn.create("train_s");
        final DoubleColumn evalS = DoubleColumn.create("eval_s");
        final DoubleColumn perplexity = DoubleColumn.create("perplexity");
        final StringColumn device = StringColumn.create("device");

        void add(String m, int k, long b, ComputeAccount a, JsonNode eval) {
            append(m, k, b, a.trainingTokens(), a.trainingFlops(), eval.path("inference_params").asDouble(),
                    a.trainingSeconds(), eval.path("eval_s").asDouble(), eval.path("perplexity").asDouble(), a.device());
        }

        private void append(String m, int k, long b, long t, double f, double p, double ts, double es, double ppl,
                            String dev) {
            method.append(m);
            experts.append(k);
            budget.append(b);
            tokens.append(t);
            flops.append(f);
            params.append(p);
            trainS.append(ts);
            evalS.append(es);
            perplexity.append(ppl);
            device.append(dev);
        }

        Table table() {
            flops.setPrintFormatter(Formats.columnFormatter(Formats.scientific()));
            params.setPrintFormatter(Formats.columnFormatter(Formats.integer()));
            for (DoubleColumn c : List.of(perplexity, trainS, evalS)) {
                c.setPrintFormatter(Formats.columnFormatter(Formats.decimals(1)));
            }
            return Table.create("C-BTM against the sparse-upcycled MoE (training after the shared seed)", method, experts,
                    budget, tokens, flops, params, trainS, evalS, perplexity, device);
        }
    }
}
