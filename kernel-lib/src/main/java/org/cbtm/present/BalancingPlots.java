package org.cbtm.present;

import static org.cbtm.eval.ResultColumns.K;
import static org.cbtm.eval.ResultColumns.METHOD;
import static org.cbtm.eval.ResultColumns.PERPLEXITY;
import static org.cbtm.eval.ResultColumns.SEED;
import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.cbtm.present.ResultSeries.Row;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Figures of the balancing notebook (07): perplexity against K over seeds, from a grid table with a seed column
 * ({@code BalancingLm.withSeeds}) and its means over seeds ({@code BalancingLm.overSeeds}), and the per-cluster and
 * per-pair tables of {@code BalancingLm}. Methods in their {@link Palette#method palette colours} (balanced blue,
 * unbalanced red, as in notebook 03).
 */
public final class BalancingPlots {

    private BalancingPlots() {
    }

    /**
     * Perplexity against K (log axis) over seeds: per clustering, the mean over seeds as a line and every seed as a
     * faint point; the dense model (K = 1 rows) as a grey dashed line over the range of K.
     *
     * @param grid      the grid rows, one per seed (columns per {@link org.cbtm.eval.ResultColumns}, with a seed
     *                  column); apart from clustering, K and seed, no setting may vary
     * @param overSeeds the mean over seeds per clustering and K ({@code BalancingLm.overSeeds(grid)}: columns
     *                  clustering, K, mean)
     */
    public static JsonFigure perplexityOverSeeds(Table grid, Table overSeeds, String title) {
        for (String c : List.of(METHOD, "K", "mean")) {
            if (!overSeeds.columnNames().contains(c)) {
                throw new IllegalArgumentException("the means over seeds need columns clustering, K and mean "
                        + "(BalancingLm.overSeeds(grid)); '" + overSeeds.name() + "' has " + overSeeds.columnNames());
            }
        }
        List<Row> rows = ResultSeries.rows(grid);
        List<Row> ens = ResultSeries.ensemble(rows);
        if (ens.isEmpty()) {
            throw new IllegalArgumentException("no rows with K > 1 to plot");
        }
        List<String> mixed = ResultSeries.varied(ens, Set.of(METHOD, K, SEED));
        if (!mixed.isEmpty()) {
            throw new IllegalArgumentException("the grid varies " + mixed + " besides clustering, K and seed: a mean over"
                    + " seeds per clustering and K would mix them; plot the rows of one setting at a time");
        }
        TreeSet<Integer> ks = new TreeSet<>();
        ens.forEach(r -> ks.add(r.k()));
        List<Map<String, Object>> traces = new ArrayList<>();
        Set<String> methods = new LinkedHashSet<>();
        ens.stream().map(Row::method).sorted(Comparator.comparingInt(Palette::methodRank)).forEach(methods::add);
        for (String method : methods) {
            String colour = Palette.method(method);
            List<Integer> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < overSeeds.rowCount(); i++) {
                if (overSeeds.column(METHOD).getString(i).equals(method)) {
                    x.add((int) ((NumericColumn<?>) overSeeds.column("K")).getDouble(i));
                    y.add(((NumericColumn<?>) overSeeds.column("mean")).getDouble(i));
                }
            }
            if (x.isEmpty()) {
                throw new IllegalArgumentException("the means over seeds have no row of '" + method + "': pass "
                        + "BalancingLm.overSeeds of the same grid");
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < x.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparing(x::get));
            traces.add(FigureStyle.lines(method + " (mean over seeds)", order.stream().map(x::get).toList(),
                    order.stream().map(y::get).toList(), colour, "solid"));
            List<Row> runs = ens.stream().filter(r -> r.method().equals(method)).toList();
            traces.add(map("type", "scatter", "mode", "markers", "name", method + " (each seed)",
                    "x", runs.stream().map(Row::k).toList(), "y", runs.stream().map(r -> r.number(PERPLEXITY)).toList(),
                    "text", runs.stream().map(Row::describe).toList(),
                    "hovertemplate", "%{text}<br>perplexity %{y:.1f}<extra></extra>",
                    "marker", map("color", colour, "size", 6, "opacity", 0.45, "symbol", "circle")));
        }
        List<Row> dense = ResultSeries.dense(rows);
        if (!dense.isEmpty()) {
            double p = dense.stream().mapToDouble(r -> r.number(PERPLEXITY)).average().orElseThrow();
            traces.add(ResultSeries.denseLine("dense (K = 1)", p, List.of(ks.first(), ks.last()), Palette.DENSE, "dash", 2));
        }
        Map<String, Object> layout = FigureStyle.layout(title,
                FigureStyle.logAxis("number of clusters K (log scale)", ks, v -> Long.toString(Math.round(v))),
                FigureStyle.axis("test perplexity"));
        return FigureStyle.figure(layout, traces);
    }

    /**
     * Every cluster of a stack of {@code BalancingLm.perCluster} tables as a point: its share of the training mixture
     * relative to {@code N / K} (log axis) against the ratio of the ensemble's perplexity to the dense model's on the
     * cluster's test documents (below the dotted line at 1 the ensemble wins). One colour per method; hover names the
     * K, seed and cluster.
     */
    public static JsonFigure clusterRatios(Table perCluster, String title) {
        if (perCluster.rowCount() == 0) {
            throw new IllegalArgumentException("no clusters to plot");
        }
        Table t = perCluster.where(perCluster.intColumn("test docs").isGreaterThan(0));
        List<Map<String, Object>> traces = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        List<String> methods = new ArrayList<>(new LinkedHashSet<>(t.stringColumn("method").asList()));
        methods.sort(Comparator.comparingInt(Palette::methodRank));
        for (String method : methods) {
            Table m = t.where(t.stringColumn("method").isEqualTo(method));
            List<String> text = new ArrayList<>();
            for (int i = 0; i < m.rowCount(); i++) {
                text.add(String.format(Locale.ROOT, "%s, K = %d, seed %d, cluster %d: %d test docs",
                        method, m.intColumn("K").getInt(i), m.longColumn("seed").getLong(i),
                        m.intColumn("cluster").getInt(i), m.intColumn("test docs").getInt(i)));
            }
            double[] x = m.doubleColumn("relative").asDoubleArray();
            for (double v : x) {
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            traces.add(map("type", "scatter", "mode", "markers", "name", method,
                    "x", x, "y", m.doubleColumn("ratio to dense").asDoubleArray(), "text", text,
                    "hovertemplate", "%{text}<br>ratio to dense %{y:.3f}<extra></extra>",
                    "marker", map("color", Palette.method(method), "size", 8, "opacity", 0.7)));
        }
        if (hi == 0) {
            throw new IllegalArgumentException("no cluster with test documents to plot");
        }
        Map<String, Object> layout = FigureStyle.layout(title,
                FigureStyle.logAxis("cluster size / (N / K) in the training mixture (log scale)",
                        FigureStyle.niceTicks(new double[] {lo, hi})),
                FigureStyle.axis("ensemble / dense perplexity on the cluster's test docs"));
        layout.put("shapes", List.of(FigureStyle.horizontalRule(1)));
        return FigureStyle.figure(layout, traces);
    }

    /**
     * One point per K and seed of a {@code BalancingLm.pairs} table: the difference in tokens trained (unbalanced
     * minus balanced, as a share of the budget) against the change in perplexity ({@code unbalanced / balanced - 1},
     * percent); one categorical colour per K.
     */
    public static JsonFigure changeVsTokens(Table pairs, String title) {
        if (pairs.rowCount() == 0) {
            throw new IllegalArgumentException("no pairs to plot");
        }
        List<Map<String, Object>> traces = new ArrayList<>();
        List<Integer> ks = new ArrayList<>(new TreeSet<>(pairs.intColumn("K").asList()));
        for (int g = 0; g < ks.size(); g++) {
            int k = ks.get(g);
            Table m = pairs.where(pairs.intColumn("K").isEqualTo(k));
            List<String> text = new ArrayList<>();
            for (int i = 0; i < m.rowCount(); i++) {
                text.add("K = " + k + ", seed " + m.longColumn("seed").getLong(i));
            }
            traces.add(map("type", "scatter", "mode", "markers", "name", "K = " + k,
                    "x", m.doubleColumn("difference").asDoubleArray(),
                    "y", m.doubleColumn("unbalanced vs balanced %").asDoubleArray(), "text", text,
                    "hovertemplate", "%{text}<br>tokens %{x:+.1%} of the budget<br>perplexity %{y:+.1f}%<extra></extra>",
                    "marker", map("color", Palette.categorical(g, ks.size()), "size", 11,
                            "symbol", FigureStyle.symbol(g))));
        }
        Map<String, Object> x = FigureStyle.axis("tokens trained, unbalanced minus balanced (share of the budget)");
        x.put("zeroline", true);
        x.put("zerolinewidth", 2);
        Map<String, Object> y = FigureStyle.axis("perplexity change, unbalanced vs balanced (%)");
        y.put("zeroline", true);
        y.put("zerolinewidth", 2);
        return FigureStyle.figure(FigureStyle.layout(title, x, y), traces);
    }
}
