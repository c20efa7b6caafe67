package org.cbtm.experiment;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

import org.cbtm.base.Provenance;
import org.cbtm.eval.ResultColumns;
import org.cbtm.present.Formats;
import org.cbtm.present.JsonFigure;
import org.cbtm.present.ResultPlots;
import org.cbtm.route.RoutingSpec;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * The results of a grid ({@link CbtmExperiment#runGrid}): one {@link CbtmResult} per config, in grid order, each
 * with its provenance. Look results up by config, filter them, turn them into one table (column names from
 * {@link ResultColumns}, defined once) or plot them.
 *
 * <pre>{@code
 * GridResults r = exp.runGrid(grid);
 * r.perplexity(CbtmConfig.balanced(4, kn4, budget).withTopK(2));
 * r.where(c -> c.routing().topK() == 2).perplexityVsK("top-2, T = 0.5");
 * }</pre>
 */
public final class GridResults implements Iterable<CbtmResult> {

    private final List<CbtmResult> results;

    public GridResults(List<CbtmResult> results) {
        this.results = List.copyOf(results);
    }

    public List<CbtmResult> results() {
        return results;
    }

    public int size() {
        return results.size();
    }

    @Override
    public Iterator<CbtmResult> iterator() {
        return results.iterator();
    }

    /** The configs, in grid order. */
    public List<CbtmConfig> configs() {
        return results.stream().map(CbtmResult::config).toList();
    }

    /** The result of {@code config}; an error names the configs there are when it was not run. */
    public CbtmResult get(CbtmConfig config) {
        for (CbtmResult r : results) {
            if (r.config().equals(config)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no result for " + config.label() + " (" + config.routing().describe()
                + ", seed " + config.seed() + ") in this grid; it holds: "
                + String.join("; ", results.stream().map(r -> r.config().label() + " (" + r.config().routing().describe()
                + ", seed " + r.config().seed() + ")").toList()));
    }

    /** The test perplexity of {@code config}. */
    public double perplexity(CbtmConfig config) {
        return get(config).perplexity();
    }

    /** The results whose config satisfies {@code keep}, in grid order. */
    public GridResults where(Predicate<CbtmConfig> keep) {
        return new GridResults(results.stream().filter(r -> keep.test(r.config())).toList());
    }

    /** The results of this grid followed by those of {@code other}. */
    public GridResults plus(GridResults other) {
        List<CbtmResult> all = new ArrayList<>(results);
        all.addAll(other.results);
        return new GridResults(all);
    }

    /** Every warning of every result, once each, with the label of the first config it came from. */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (CbtmResult r : results) {
            for (String w : r.warnings()) {
                if (seen.add(w)) {
                    out.add(r.config().label() + ": " + w);
                }
            }
        }
        return out;
    }

    /** The provenance of every result: one row per result and provenance field. */
    public Table provenance() {
        StringColumn run = StringColumn.create("run");
        StringColumn field = StringColumn.create("field");
        StringColumn value = StringColumn.create("value");
        for (CbtmResult r : results) {
            Table t = r.provenance().table();
            for (int i = 0; i < t.rowCount(); i++) {
                run.append(r.config().label());
                field.append(t.stringColumn("field").get(i));
                value.append(t.stringColumn("value").get(i));
            }
        }
        return Table.create("provenance of the grid's results", run, field, value);
    }

    /**
     * One row per result: method (clustering), k, budget, expert, top_k ("all" when every expert is kept), router,
     * temperature, distance, seed, perplexity, and the compute columns of methods 6 (test_tokens, seed_tokens,
     * training_tokens: what the experts actually trained on, training_flops, inference_params, experts_per_token,
     * router_share, train_wall_s, eval_wall_s, device), and whether it was reused from the cache.
     */
    public Table table() {
        StringColumn method = StringColumn.create(ResultColumns.METHOD);
        IntColumn k = IntColumn.create(ResultColumns.K);
        LongColumn budget = LongColumn.create(ResultColumns.BUDGET);
        StringColumn expert = StringColumn.create(ResultColumns.EXPERT);
        StringColumn topK = StringColumn.create(ResultColumns.TOP_K);
        StringColumn router = StringColumn.create(ResultColumns.ROUTER);
        DoubleColumn temperature = DoubleColumn.create(ResultColumns.TEMPERATURE);
        StringColumn distance = StringColumn.create(ResultColumns.DISTANCE);
        LongColumn seed = LongColumn.create(ResultColumns.SEED);
        DoubleColumn ppl = DoubleColumn.create(ResultColumns.PERPLEXITY);
        LongColumn testTokens = LongColumn.create(ResultColumns.TEST_TOKENS);
        LongColumn seedTokens = LongColumn.create(ResultColumns.SEED_TOKENS);
        LongColumn trainTokens = LongColumn.create(ResultColumns.TRAINING_TOKENS);
        DoubleColumn flops = DoubleColumn.create(ResultColumns.TRAINING_FLOPS);
        DoubleColumn params = DoubleColumn.create(ResultColumns.INFERENCE_PARAMS);
        DoubleColumn perToken = DoubleColumn.create(ResultColumns.EXPERTS_PER_TOKEN);
        DoubleColumn routerShare = DoubleColumn.create(ResultColumns.ROUTER_SHARE);
        DoubleColumn trainS = DoubleColumn.create(ResultColumns.TRAIN_WALL_S);
        DoubleColumn evalS = DoubleColumn.create(ResultColumns.EVAL_WALL_S);
        StringColumn device = StringColumn.create(ResultColumns.DEVICE);
        StringColumn reused = StringColumn.create(ResultColumns.CACHED);
        for (CbtmResult r : results) {
            CbtmConfig c = r.config();
            RoutingSpec routing = c.routing();
            method.append(c.method());
            k.append(c.k());
            budget.append(c.totalTokens());
            expert.append(c.expert().name());
            topK.append(c.topKText());
            router.append(c.isDense() ? "none" : routing.name());
            temperature.append(routing.temperature());
            distance.append(routing.distance());
            seed.append(c.seed());
            ppl.append(r.perplexity());
            testTokens.append(r.testTokens());
            seedTokens.append(r.seedTokens());
            trainTokens.append(r.trainingTokens());
            flops.append(r.trainingFlops());
            params.append(r.inferenceParameters());
            perToken.append(r.expertsPerToken());
            routerShare.append(r.routerShare());
            trainS.append(r.trainSeconds());
            evalS.append(r.evalSeconds());
            device.append(r.device());
            reused.append(r.reused() ? "yes" : "no");
        }
        ppl.setPrintFormatter(Formats.columnFormatter(Formats.decimals(1)));
        params.setPrintFormatter(Formats.columnFormatter(Formats.integer()));
        flops.setPrintFormatter(Formats.columnFormatter(Formats.scientific()));
        for (DoubleColumn d : List.of(perToken, trainS, evalS)) {
            d.setPrintFormatter(Formats.columnFormatter(Formats.decimals(2)));
        }
        routerShare.setPrintFormatter(NumberColumnFormatter.percent(1));
        return Table.create("C-BTM results", method, k, budget, expert, topK, router, temperature, distance, seed, ppl,
                testTokens, seedTokens, trainTokens, flops, params, perToken, routerShare, trainS, evalS, device, reused);
    }

    /** Test perplexity against K, one line per combination of the other settings that vary. */
    public JsonFigure perplexityVsK(String title) {
        return ResultPlots.perplexityVsK(table(), title);
    }

    /** Test perplexity against the training budget, one line per K (and per other varied setting). */
    public JsonFigure perplexityVsTokens(String title) {
        return ResultPlots.perplexityVsTokens(table(), title);
    }

    /** Test perplexity against the parameters run per test token. */
    public JsonFigure perplexityVsInferenceParams(String title) {
        return ResultPlots.perplexityVsInferenceParams(table(), title);
    }

    @Override
    public String toString() {
        return results.size() + " grid results";
    }

    /** Provenance of one result, by config (what {@code provenance(...)} shows). */
    public Provenance provenance(CbtmConfig config) {
        return get(config).provenance();
    }
}
