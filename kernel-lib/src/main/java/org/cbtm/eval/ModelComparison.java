package org.cbtm.eval;

import org.cbtm.train.ComputeAccount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cbtm.train.CbtmExperts;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A results table of several models scored on the same test sequences, each with the compute accounting of
 * methods 6: perplexity, test tokens, the seed's tokens (shared by all models branched from it), training tokens and
 * FLOPs after the seed, parameters per test token, wall times and devices.
 *
 * <pre>{@code
 * new ModelComparison()
 *     .add("C-BTM K = 4", ensembleResult, experts.account(), experts.seedTokens())
 *     .add("dense K = 1", denseResult, dense.account(), dense.seedTokens())
 *     .table();
 * }</pre>
 */
public final class ModelComparison {

    private record Row(String label, PerplexityResult result, ComputeAccount training, long seedTokens) {
    }

    private final List<Row> rows = new ArrayList<>();

    /**
     * Adds a model.
     *
     * @param training   what training it took after the seed (see {@link CbtmExperts#account()})
     * @param seedTokens tokens of the dense seed it branched from (0 when none)
     */
    public ModelComparison add(String label, PerplexityResult result, ComputeAccount training, long seedTokens) {
        if (!rows.isEmpty() && rows.get(0).result().tokens() != result.tokens()) {
            throw new IllegalArgumentException(label + " was scored on " + result.tokens() + " test tokens, "
                    + rows.get(0).label() + " on " + rows.get(0).result().tokens()
                    + ": a comparison needs the same test sequences");
        }
        rows.add(new Row(label, result, training, seedTokens));
        return this;
    }

    /**
     * One row per model: model, perplexity, test_tokens, seed_tokens, training_tokens, training_flops (6 N D,
     * non-embedding parameters, training after the seed; missing for count models), inference_params (per test
     * token), train_wall_s, train_device, eval_wall_s, eval_device.
     */
    public Table table() {
        StringColumn model = StringColumn.create("model");
        DoubleColumn ppl = DoubleColumn.create("perplexity");
        LongColumn testTokens = LongColumn.create("test_tokens");
        LongColumn seed = LongColumn.create("seed_tokens");
        LongColumn tokens = LongColumn.create("training_tokens");
        DoubleColumn flops = DoubleColumn.create("training_flops");
        LongColumn params = LongColumn.create("inference_params");
        DoubleColumn trainS = DoubleColumn.create("train_wall_s");
        StringColumn trainDevice = StringColumn.create("train_device");
        DoubleColumn evalS = DoubleColumn.create("eval_wall_s");
        StringColumn evalDevice = StringColumn.create("eval_device");
        for (Row r : rows) {
            model.append(r.label());
            ppl.append(r.result().perplexity());
            testTokens.append(r.result().tokens());
            seed.append(r.seedTokens());
            if (r.training().knowsTokens()) {
                tokens.append(r.training().trainingTokens());
            } else {
                tokens.appendMissing();
            }
            flops.append(r.training().trainingFlops());
            params.append(r.result().inferenceParameters());
            trainS.append(r.training().trainingSeconds());
            trainDevice.append(r.training().device());
            evalS.append(r.result().wallSeconds());
            evalDevice.append(r.result().device());
        }
        ppl.setPrintFormatter(ExpertClusterMatrix.decimals(1));
        flops.setPrintFormatter(ExpertClusterMatrix.scientific());
        trainS.setPrintFormatter(ExpertClusterMatrix.decimals(2));
        evalS.setPrintFormatter(ExpertClusterMatrix.decimals(2));
        return Table.create("models compared on the same test tokens", model, ppl, testTokens, seed, tokens, flops,
                params, trainS, trainDevice, evalS, evalDevice);
    }

    /**
     * The comparison of a C-BTM run with its dense baseline at the same budget: the ensemble, the dense model (K = 1,
     * branched from the same seed), and every expert alone, all scored on the same sequences.
     *
     * @param ensembleLabel  how the ensemble is described in the table
     * @param ensemble       the ensemble's result
     * @param experts        the C-BTM run
     * @param denseResult    the dense model's result
     * @param dense          the dense run
     * @param matrix         the experts' results ({@link ExpertClusterMatrix#result})
     */
    public static ModelComparison cbtmVersusDense(String ensembleLabel, PerplexityResult ensemble, CbtmExperts experts,
                                                  PerplexityResult denseResult, CbtmExperts dense,
                                                  ExpertClusterMatrix matrix) {
        if (dense.k() != 1) {
            throw new IllegalArgumentException("the dense baseline is a K = 1 run, got K = " + dense.k());
        }
        if (matrix.k() != experts.k()) {
            throw new IllegalArgumentException("a matrix of " + matrix.k() + " experts for a run of " + experts.k());
        }
        ModelComparison c = new ModelComparison()
                .add(ensembleLabel, ensemble, experts.account(), experts.seedTokens())
                .add("dense, K = 1 (same budget)", denseResult, dense.account(), dense.seedTokens());
        for (int k = 0; k < experts.k(); k++) {
            c.add("expert " + k + " alone", matrix.result(k), experts.account(k), experts.seedTokens());
        }
        return c;
    }

    /**
     * The training runs of a C-BTM run and its dense baseline, one row each: the seed (transformers), every expert
     * and the dense run, with tokens, wall time, tokens per second (wall time includes the held-out evaluations
     * during training), the last held-out loss (NaN for n-gram experts) and the device.
     */
    public static Table trainingRuns(CbtmExperts experts, CbtmExperts dense) {
        StringColumn run = StringColumn.create("run");
        LongColumn tokens = LongColumn.create("tokens");
        DoubleColumn seconds = DoubleColumn.create("wall_s");
        DoubleColumn speed = DoubleColumn.create("tokens_per_s");
        DoubleColumn valid = DoubleColumn.create("last_valid_loss");
        StringColumn device = StringColumn.create("device");
        List<String> names = new ArrayList<>();
        List<Path> artifacts = new ArrayList<>();
        List<ComputeAccount> accounts = new ArrayList<>();
        if (experts.seed() != null) {
            names.add("seed");
            artifacts.add(experts.seed());
            accounts.add(experts.seedAccount());
        }
        for (int k = 0; k < experts.k(); k++) {
            names.add("expert " + k);
            artifacts.add(experts.experts().get(k));
            accounts.add(experts.account(k));
        }
        if (dense != null) {
            names.add("dense, K = 1");
            artifacts.add(dense.experts().get(0));
            accounts.add(dense.account(0));
        }
        for (int i = 0; i < names.size(); i++) {
            ComputeAccount a = accounts.get(i);
            run.append(names.get(i));
            tokens.append(a.trainingTokens());
            seconds.append(a.trainingSeconds());
            speed.append(a.trainingTokens() / a.trainingSeconds());
            valid.append(experts.kind().validLoss(artifacts.get(i)));
            device.append(a.device());
        }
        seconds.setPrintFormatter(ExpertClusterMatrix.decimals(2));
        speed.setPrintFormatter(ExpertClusterMatrix.decimals(0));
        valid.setPrintFormatter(ExpertClusterMatrix.decimals(3));
        return Table.create("training runs", run, tokens, seconds, speed, valid, device);
    }

    /**
     * The outcome of one kind of experts: its expert x cluster matrix and the ensemble's and dense model's results on
     * the same sequences.
     */
    public record Outcome(String experts, ExpertClusterMatrix matrix, PerplexityResult ensemble, PerplexityResult dense) {
        public Outcome {
            if (matrix.result(0).tokens() != ensemble.tokens() || ensemble.tokens() != dense.tokens()) {
                throw new IllegalArgumentException(experts + ": the experts, the ensemble and the dense model must be"
                        + " scored on the same test sequences");
            }
        }

        /** The lowest perplexity of a single expert on all the test sequences. */
        public double bestSingleExpert() {
            double best = Double.POSITIVE_INFINITY;
            for (PerplexityResult r : matrix.results()) {
                best = Math.min(best, r.perplexity());
            }
            return best;
        }

        /** Claim 6 (from the matrix) and claim 1 (ensemble against dense) in one sentence. */
        public String verdict() {
            String vsDense = ensemble.perplexity() < dense.perplexity()
                    ? String.format(java.util.Locale.ROOT, "the K = %d ensemble beats the dense model at the same "
                    + "budget (%.1f vs %.1f)", matrix.k(), ensemble.perplexity(), dense.perplexity())
                    : String.format(java.util.Locale.ROOT, "the dense model beats the K = %d ensemble at the same "
                    + "budget (%.1f vs %.1f)", matrix.k(), dense.perplexity(), ensemble.perplexity());
            return matrix.verdict() + "; " + vsDense;
        }
    }

    /**
     * One row per kind of experts: diagonal wins, mean perplexity on and off the diagonal and their ratio, and the
     * perplexities of the ensemble, the dense model and the best single expert.
     */
    public static Table summary(List<Outcome> outcomes) {
        StringColumn experts = StringColumn.create("experts");
        StringColumn wins = StringColumn.create("diagonal wins");
        DoubleColumn on = DoubleColumn.create("mean ppl on diagonal");
        DoubleColumn off = DoubleColumn.create("mean ppl off diagonal");
        DoubleColumn ratio = DoubleColumn.create("on / off");
        DoubleColumn ens = DoubleColumn.create("ensemble ppl");
        DoubleColumn dense = DoubleColumn.create("dense ppl");
        DoubleColumn single = DoubleColumn.create("best single expert ppl");
        for (Outcome o : outcomes) {
            experts.append(o.experts());
            wins.append(o.matrix().diagonalWins() + " of " + o.matrix().k());
            on.append(o.matrix().diagonalMean());
            off.append(o.matrix().offDiagonalMean());
            ratio.append(o.matrix().diagonalRatio());
            ens.append(o.ensemble().perplexity());
            dense.append(o.dense().perplexity());
            single.append(o.bestSingleExpert());
        }
        for (DoubleColumn d : List.of(on, off, ens, dense, single)) {
            d.setPrintFormatter(ExpertClusterMatrix.decimals(1));
        }
        ratio.setPrintFormatter(ExpertClusterMatrix.decimals(3));
        return Table.create("specialisation and ensemble against dense", experts, wins, on, off, ratio, ens, dense, single);
    }

    /** A Markdown list: one {@link Outcome#verdict()} per kind, in bold by name. */
    public static String verdicts(List<Outcome> outcomes) {
        StringBuilder b = new StringBuilder();
        for (Outcome o : outcomes) {
            b.append("- **").append(o.experts()).append("**: ").append(o.verdict()).append(".\n");
        }
        return b.toString();
    }
}
