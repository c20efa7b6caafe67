package org.cbtm.experiment;

import org.cbtm.eval.ResultColumns;

import org.cbtm.base.Tokens;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.cbtm.train.ComputeAccount;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Views of {@link CbtmExperiment#runGrid} results for the LM notebooks (06, 08, 09): perplexity pivoted by K and
 * clustering or budget, the best K per budget, per-source comparisons and the compute-accounting table of methods 6.
 */
public final class ResultTables {

    private ResultTables() {
    }

    /** The columns of a {@link CbtmExperiment#runGrid} table worth reading in a notebook, rounded ({@link #rounded}). */
    public static Table view(Table grid) {
        return rounded(grid.selectColumns("clustering", "k", "budget", "top_k", "perplexity", "training_tokens",
                "inference_params", "experts_per_token", "train_wall_s", "eval_wall_s", "cached"));
    }

    /**
     * Sets a print format on every double column by its magnitude (perplexities, and changes in percent (names ending
     * in %), with one decimal; seconds and ratios with two; scores below 1 with three; large counts with none) and
     * returns the table.
     */
    public static Table rounded(Table t) {
        for (var c : t.columns()) {
            if (c instanceof DoubleColumn d) {
                double max = 0;
                for (int i = 0; i < d.size(); i++) {
                    if (!d.isMissing(i) && Double.isFinite(d.getDouble(i))) {
                        max = Math.max(max, Math.abs(d.getDouble(i)));
                    }
                }
                int digits = d.name().endsWith("%") || (max >= 20 && max < 10_000) ? 1 : max >= 10_000 ? 0 : max >= 1 ? 2 : 3;
                d.setPrintFormatter(new NumberColumnFormatter(new DecimalFormat(
                        digits == 0 ? "#,##0" : "0." + "0".repeat(digits), DecimalFormatSymbols.getInstance(Locale.ROOT))));
            }
        }
        return t;
    }

    /** The row of the smallest value of a numeric column (missing values skipped; the first row on ties). */
    public static int argMin(Table t, String column) {
        NumericColumn<?> c = t.numberColumn(column);
        int best = -1;
        for (int i = 0; i < c.size(); i++) {
            if (!c.isMissing(i) && (best < 0 || c.getDouble(i) < c.getDouble(best))) {
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no value in column " + column);
        }
        return best;
    }

    /**
     * A wide table: one row per distinct value of {@code rowColumn} (in order of appearance, or numerically when every
     * value is a whole number), one column per distinct value of {@code columnColumn} (in order of appearance) holding
     * {@code value} (missing where a combination has no row; the first row
     * wins on duplicates). Row keys are written as text, column names as {@code columnPrefix + value}.
     */
    public static Table pivot(Table t, String rowColumn, String columnColumn, String value, String columnPrefix) {
        Set<String> rows = new LinkedHashSet<>();
        Set<String> cols = new LinkedHashSet<>();
        Map<String, Double> cells = new LinkedHashMap<>();
        NumericColumn<?> v = t.numberColumn(value);
        for (int i = 0; i < t.rowCount(); i++) {
            String r = t.column(rowColumn).getString(i);
            String c = t.column(columnColumn).getString(i);
            rows.add(r);
            cols.add(c);
            cells.putIfAbsent(r + "\u0000" + c, v.getDouble(i));
        }
        List<String> rowOrder = new ArrayList<>(rows);
        if (rowOrder.stream().allMatch(r -> r.matches("-?\\d{1,18}"))) {
            rowOrder.sort(java.util.Comparator.comparingLong(Long::parseLong));
        }
        Table out = Table.create(value + " by " + rowColumn + " and " + columnColumn);
        StringColumn key = StringColumn.create(rowColumn);
        rowOrder.forEach(key::append);
        out.addColumns(key);
        for (String c : cols) {
            DoubleColumn col = DoubleColumn.create(columnPrefix + c);
            for (String r : rowOrder) {
                Double x = cells.get(r + "\u0000" + c);
                if (x == null) {
                    col.appendMissing();
                } else {
                    col.append(x);
                }
            }
            out.addColumns(col);
        }
        return out;
    }

    /**
     * The model-size search of notebook 08: test perplexity of dense runs, one row per expert kind (model size) and
     * one column per budget, and each model's change over the last step of the budgets ({@code last step %}). A model
     * whose perplexity has stopped falling while a larger one's still falls is capacity-limited at that budget.
     */
    public static Table sizeSearch(Table grid) {
        Table out = pivot(grid, ResultColumns.EXPERT, ResultColumns.BUDGET, ResultColumns.PERPLEXITY, "tokens=");
        out.setName("model-size search: dense test perplexity by model and budget");
        int n = out.columnCount();
        if (n < 3) {
            throw new IllegalArgumentException("the size search needs at least two budgets, got " + (n - 1));
        }
        DoubleColumn last = DoubleColumn.create("last step %");
        for (int r = 0; r < out.rowCount(); r++) {
            last.append(100 * (out.doubleColumn(n - 1).getDouble(r) / out.doubleColumn(n - 2).getDouble(r) - 1));
        }
        out.addColumns(last);
        return out;
    }

    /**
     * Perplexity against K for one budget, for the random-cluster notebook: one row per K > 1 and one column per
     * series of {@link #curves} (grid rows and the {@code extra} rows, e.g. {@link CbtmAnalysis#oracleTable}), the
     * dense perplexity repeated on every row, and for every other column its change against dense in percent.
     */
    public static Table perplexityByK(Table grid, Table extra) {
        Table rows = curves(grid, extra);
        Table wide = pivot(rows, "k", "series", "perplexity", "");
        if (!wide.columnNames().contains("dense")) {
            return wide;
        }
        // dense is K = 1 only: repeat it on every row, the baseline every column is compared with
        DoubleColumn dense = wide.doubleColumn("dense");
        double base = dense.get(0);
        for (int i = 0; i < dense.size(); i++) {
            dense.set(i, base);
        }
        List<String> names = new ArrayList<>(wide.columnNames());
        for (String n : names) {
            if (n.equals("k") || n.equals("dense")) {
                continue;
            }
            DoubleColumn col = wide.doubleColumn(n);
            DoubleColumn change = DoubleColumn.create(n + " vs dense %");
            for (int i = 0; i < col.size(); i++) {
                change.append(col.isMissing(i) ? Double.NaN : 100 * (col.get(i) / base - 1));
            }
            wide.addColumns(change);
        }
        return wide.where(wide.stringColumn("k").isNotEqualTo("1"));
    }

    /**
     * Long form for line plots: columns series, k, budget, perplexity: the grid rows (series = clustering, "dense"
     * for K = 1, with " top-k" appended for rows routed to fewer than K experts), then the rows of {@code extra} (a
     * table with columns clustering, k, budget, perplexity, the clustering being the series name; may be null).
     */
    public static Table curves(Table grid, Table extra) {
        StringColumn series = StringColumn.create("series");
        IntColumn k = IntColumn.create("k");
        LongColumn budget = LongColumn.create("budget");
        DoubleColumn ppl = DoubleColumn.create("perplexity");
        for (Table t : extra == null ? List.of(grid) : List.of(grid, extra)) {
            boolean routed = t.columnNames().contains("top_k");
            for (int i = 0; i < t.rowCount(); i++) {
                int kk = t.intColumn("k").getInt(i);
                int topK = routed ? ResultColumns.topK(t, i) : kk;
                series.append(t.stringColumn("clustering").get(i) + (topK < kk ? " top-" + topK : ""));
                k.append(kk);
                budget.append(Math.round(t.numberColumn("budget").getDouble(i)));
                ppl.append(t.numberColumn("perplexity").getDouble(i));
            }
        }
        return Table.create("perplexity curves", series, k, budget, ppl);
    }

    /**
     * The spread of repeated grid points (e.g. the same config with several seeds; the runGrid table has no seed
     * column, so rows that agree on clustering, k, budget and top_k are taken as repeats): one row per group with
     * runs, mean, min, max and spread = max - min of the perplexity, in order of first appearance.
     */
    public static Table spread(Table grid) {
        Map<String, List<Double>> groups = new LinkedHashMap<>();
        Map<String, Object[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < grid.rowCount(); i++) {
            String c = grid.stringColumn("clustering").get(i);
            int k = grid.intColumn("k").getInt(i);
            long b = Math.round(grid.numberColumn("budget").getDouble(i));
            int top = ResultColumns.topK(grid, i);
            String key = c + "/" + k + "/" + b + "/" + top;
            keys.putIfAbsent(key, new Object[] {c, k, b, top});
            groups.computeIfAbsent(key, x -> new ArrayList<>()).add(grid.numberColumn("perplexity").getDouble(i));
        }
        StringColumn clustering = StringColumn.create("clustering");
        IntColumn k = IntColumn.create("k");
        LongColumn budget = LongColumn.create("budget");
        StringColumn topK = StringColumn.create("top_k");
        IntColumn runs = IntColumn.create("runs");
        DoubleColumn mean = DoubleColumn.create("mean");
        DoubleColumn min = DoubleColumn.create("min");
        DoubleColumn max = DoubleColumn.create("max");
        DoubleColumn spread = DoubleColumn.create("spread");
        for (var e : groups.entrySet()) {
            Object[] key = keys.get(e.getKey());
            List<Double> v = e.getValue();
            double lo = v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double hi = v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            clustering.append((String) key[0]);
            k.append((Integer) key[1]);
            budget.append((Long) key[2]);
            topK.append(ResultColumns.topKText((Integer) key[3], (Integer) key[1]));
            runs.append(v.size());
            mean.append(v.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
            min.append(lo);
            max.append(hi);
            spread.append(hi - lo);
        }
        return Table.create("perplexity over repeats", clustering, k, budget, topK, runs, mean, min, max, spread);
    }

    /**
     * The best K per budget of a scaling grid (dense and one clustering, paper routing): budget, dense perplexity,
     * best K overall (dense included), the best K > 1 with its perplexity and its change against dense in percent.
     */
    public static Table bestK(Table grid) {
        Map<Long, Map<Integer, Double>> byBudget = new TreeMap<>();
        for (int i = 0; i < grid.rowCount(); i++) {
            int kk = grid.intColumn("k").getInt(i);
            if (ResultColumns.topK(grid, i) != kk) {
                continue;
            }
            byBudget.computeIfAbsent(Math.round(grid.numberColumn("budget").getDouble(i)), b -> new TreeMap<>())
                    .putIfAbsent(kk, grid.numberColumn("perplexity").getDouble(i));
        }
        LongColumn budget = LongColumn.create("budget");
        StringColumn tokens = StringColumn.create("tokens");
        DoubleColumn dense = DoubleColumn.create("dense");
        IntColumn best = IntColumn.create("best K");
        IntColumn bestClustered = IntColumn.create("best K > 1");
        DoubleColumn bestPpl = DoubleColumn.create("its perplexity");
        DoubleColumn change = DoubleColumn.create("vs dense %");
        for (var e : byBudget.entrySet()) {
            Map<Integer, Double> m = e.getValue();
            if (!m.containsKey(1)) {
                throw new IllegalArgumentException("no dense (K = 1) result at budget " + e.getKey());
            }
            int b = argmin(m, 1);
            int bc = argmin(m, 2);
            budget.append(e.getKey());
            tokens.append(Tokens.human(e.getKey()));
            dense.append(m.get(1));
            best.append(b);
            bestClustered.append(bc);
            bestPpl.append(bc < 0 ? Double.NaN : m.get(bc));
            change.append(bc < 0 ? Double.NaN : 100 * (m.get(bc) / m.get(1) - 1));
        }
        return Table.create("best K per budget", budget, tokens, dense, best, bestClustered, bestPpl, change);
    }

    private static int argmin(Map<Integer, Double> m, int minK) {
        int best = -1;
        for (var e : m.entrySet()) {
            if (e.getKey() >= minK && (best < 0 || e.getValue() < m.get(best))) {
                best = e.getKey();
            }
        }
        return best;
    }

    /**
     * Per-source perplexity of several models side by side: source, documents and tokens (of the first table), one
     * perplexity column per entry of {@code bySource} (tables of {@code PerplexityResult.bySource} or
     * {@code CbtmResult.bySource()}: columns source, documents, tokens, perplexity), and for every entry after the
     * first its change against the first in percent. Sorted by the change of the second entry (largest gain first).
     */
    public static Table compareBySource(Map<String, Table> bySource) {
        if (bySource.size() < 2) {
            throw new IllegalArgumentException("compare at least two models, got " + bySource.keySet());
        }
        List<String> names = new ArrayList<>(bySource.keySet());
        Table first = bySource.get(names.get(0));
        StringColumn source = StringColumn.create("source");
        IntColumn docs = IntColumn.create("documents");
        LongColumn tokens = LongColumn.create("tokens");
        for (int i = 0; i < first.rowCount(); i++) {
            source.append(first.stringColumn("source").get(i));
            docs.append((int) first.numberColumn("documents").getDouble(i));
            tokens.append(Math.round(first.numberColumn("tokens").getDouble(i)));
        }
        Table out = Table.create("perplexity by source", source, docs, tokens);
        List<DoubleColumn> ppl = new ArrayList<>();
        for (String n : names) {
            Table t = bySource.get(n);
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < t.rowCount(); i++) {
                m.put(t.stringColumn("source").get(i), t.numberColumn("perplexity").getDouble(i));
            }
            DoubleColumn col = DoubleColumn.create(n);
            for (String s : source) {
                Double v = m.get(s);
                if (v == null) {
                    col.appendMissing();
                } else {
                    col.append(v);
                }
            }
            ppl.add(col);
            out.addColumns(col);
        }
        for (int j = 1; j < names.size(); j++) {
            DoubleColumn change = DoubleColumn.create(names.get(j) + " vs " + names.get(0) + " %");
            for (int i = 0; i < source.size(); i++) {
                change.append(100 * (ppl.get(j).getDouble(i) / ppl.get(0).getDouble(i) - 1));
            }
            out.addColumns(change);
        }
        return out.sortAscendingOn(names.get(1) + " vs " + names.get(0) + " %");
    }

    /**
     * The compute accounting of methods 6 for every grid row: run, training tokens, training FLOPs and the convention
     * they follow (n-gram experts count, so no FLOPs apply), inference parameters per token, experts run per token,
     * training and evaluation wall time, and the device.
     */
    public static Table computeAccounting(Table grid) {
        StringColumn run = StringColumn.create("run");
        LongColumn tokens = LongColumn.create("training tokens");
        DoubleColumn flops = DoubleColumn.create("training FLOPs");
        StringColumn convention = StringColumn.create("FLOPs convention");
        DoubleColumn params = DoubleColumn.create("inference params / token");
        DoubleColumn experts = DoubleColumn.create("experts / token");
        DoubleColumn train = DoubleColumn.create("train wall s");
        DoubleColumn eval = DoubleColumn.create("eval wall s");
        StringColumn device = StringColumn.create("device");
        for (int i = 0; i < grid.rowCount(); i++) {
            String clustering = grid.stringColumn("clustering").get(i);
            int k = grid.intColumn("k").getInt(i);
            int topK = ResultColumns.topK(grid, i);
            run.append((clustering.equals("dense") ? "dense" : clustering + " K=" + k) + " "
                    + grid.stringColumn("expert").get(i) + " " + Tokens.human(Math.round(grid.numberColumn("budget").getDouble(i)))
                    + (topK < k ? " top-" + topK : ""));
            tokens.append(Math.round(grid.numberColumn("training_tokens").getDouble(i)));
            double f = grid.numberColumn("training_flops").getDouble(i);
            flops.append(f);
            convention.append(Double.isNaN(f) ? "n/a (count model: n-gram counts, no FLOPs)" : ComputeAccount.SIX_N_D);
            params.append(grid.numberColumn("inference_params").getDouble(i));
            experts.append(grid.numberColumn("experts_per_token").getDouble(i));
            train.append(grid.numberColumn("train_wall_s").getDouble(i));
            eval.append(grid.numberColumn("eval_wall_s").getDouble(i));
            device.append(grid.stringColumn("device").get(i));
        }
        return Table.create("compute accounting", run, tokens, flops, convention, params, experts, train, eval, device);
    }

}
