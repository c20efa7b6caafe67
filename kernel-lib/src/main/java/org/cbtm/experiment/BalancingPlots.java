package org.cbtm.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.cbtm.ensemble.EnsemblePlots;

import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Line;
import tech.tablesaw.plotly.components.Marker;
import tech.tablesaw.plotly.components.Symbol;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Figures of the balancing notebook (07), from a grid table (it has a seed column) and
 * the per-cluster tables of {@link BalancingLm}. Balanced is blue and unbalanced red, as in notebook 03.
 */
public final class BalancingPlots {
    static final Map<String, String> COLOURS = Map.of("balanced", "#1f77b4", "unbalanced", "#d62728",
            "random", "#2ca02c", "dense", "#555555");

    private BalancingPlots() {
    }

    /**
     * Perplexity against K (log axis): per clustering, the mean over seeds as a line and every seed as a faint
     * point; the dense model (K = 1 rows) as a grey dashed line over the range of K.
     */
    public static Figure perplexityVsK(Table grid, String title) {
        Table t = grid.where(grid.stringColumn("clustering").isNotEqualTo("dense"));
        if (t.rowCount() == 0) {
            throw new IllegalArgumentException("no rows with K > 1 to plot");
        }
        Table means = BalancingLm.overSeeds(t);
        TreeSet<Double> ks = new TreeSet<>();
        List<Trace> traces = new ArrayList<>();
        int g = 0;
        for (String method : new java.util.LinkedHashSet<>(t.stringColumn("clustering").asList())) {
            String colour = COLOURS.getOrDefault(method, EnsemblePlots.colour(g));
            Table m = means.where(means.stringColumn("clustering").isEqualTo(method)).sortAscendingOn("K");
            double[] x = m.intColumn("K").asDoubleArray();
            for (double k : x) {
                ks.add(k);
            }
            traces.add(ScatterTrace.builder(x, m.doubleColumn("mean").asDoubleArray())
                    .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name(method + " (mean over seeds)")
                    .line(Line.builder().color(colour).width(2).build())
                    .marker(Marker.builder().color(colour).size(9).build()).build());
            Table runs = t.where(t.stringColumn("clustering").isEqualTo(method));
            String[] text = new String[runs.rowCount()];
            for (int i = 0; i < text.length; i++) {
                text[i] = method + ", K = " + runs.intColumn("k").getInt(i)
                        + (runs.columnNames().contains("seed") ? ", seed " + runs.longColumn("seed").getLong(i) : "");
            }
            traces.add(ScatterTrace.builder(runs.intColumn("k").asDoubleArray(), runs.doubleColumn("perplexity").asDoubleArray())
                    .mode(ScatterTrace.Mode.MARKERS).name(method + " (each seed)").text(text)
                    .marker(Marker.builder().color(colour).size(6).opacity(0.45).symbol(Symbol.CIRCLE).build())
                    .build());
            g++;
        }
        Table dense = grid.where(grid.stringColumn("clustering").isEqualTo("dense"));
        if (dense.rowCount() > 0) {
            double p = dense.doubleColumn("perplexity").mean();
            traces.add(ScatterTrace.builder(new double[] {ks.first(), ks.last()}, new double[] {p, p})
                    .mode(ScatterTrace.Mode.LINE).name("dense (K = 1)")
                    .line(Line.builder().color(COLOURS.get("dense")).dash(Line.Dash.DASH).build()).build());
        }
        Layout layout = Layout.builder().title(title).width(900).height(480)
                .xAxis(EnsemblePlots.logAxis("number of clusters K", ks))
                .yAxis(Axis.builder().title("test perplexity").build()).build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    /**
     * Every cluster of a stack of {@link BalancingLm#perCluster} tables as a point: its share of the training mixture
     * relative to {@code N / K} (log axis) against the ratio of the ensemble's perplexity to the dense model's on the
     * cluster's test documents (below the dotted line at 1 the ensemble wins). One colour per method; hover names the
     * K, seed and cluster.
     */
    public static Figure clusterRatios(Table perCluster, String title) {
        if (perCluster.rowCount() == 0) {
            throw new IllegalArgumentException("no clusters to plot");
        }
        Table t = perCluster.where(perCluster.intColumn("test docs").isGreaterThan(0));
        List<Trace> traces = new ArrayList<>();
        int g = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (String method : new java.util.LinkedHashSet<>(t.stringColumn("method").asList())) {
            Table m = t.where(t.stringColumn("method").isEqualTo(method));
            String[] text = new String[m.rowCount()];
            for (int i = 0; i < text.length; i++) {
                text[i] = String.format(java.util.Locale.ROOT, "%s, K = %d, seed %d, cluster %d: %d test docs",
                        method, m.intColumn("K").getInt(i), m.longColumn("seed").getLong(i),
                        m.intColumn("cluster").getInt(i), m.intColumn("test docs").getInt(i));
            }
            double[] x = m.doubleColumn("relative").asDoubleArray();
            for (double v : x) {
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            String colour = COLOURS.getOrDefault(method, EnsemblePlots.colour(g++));
            traces.add(ScatterTrace.builder(x, m.doubleColumn("ratio to dense").asDoubleArray())
                    .mode(ScatterTrace.Mode.MARKERS).name(method).text(text)
                    .marker(Marker.builder().color(colour).size(8).opacity(0.7).build()).build());
        }
        traces.add(ScatterTrace.builder(new double[] {lo, hi}, new double[] {1, 1}).mode(ScatterTrace.Mode.LINE)
                .name("same as dense").line(Line.builder().color("#555555").dash(Line.Dash.DOT).build()).build());
        Layout layout = Layout.builder().title(title).width(900).height(500)
                .xAxis(EnsemblePlots.logAxis("cluster size / (N / K) in the training mixture (log scale)",
                        EnsemblePlots.niceTicks(new double[] {lo, hi})))
                .yAxis(Axis.builder().title("ensemble / dense perplexity on the cluster's test docs")
                        .build()).build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    /**
     * One point per K and seed of a {@link BalancingLm#pairs} table: the difference in tokens trained (unbalanced
     * minus balanced, as a share of the budget) against the change in perplexity ({@code unbalanced / balanced - 1},
     * percent); one colour per K.
     */
    public static Figure changeVsTokens(Table pairs, String title) {
        if (pairs.rowCount() == 0) {
            throw new IllegalArgumentException("no pairs to plot");
        }
        List<Trace> traces = new ArrayList<>();
        int g = 0;
        for (int k : new TreeSet<>(pairs.intColumn("K").asList())) {
            Table m = pairs.where(pairs.intColumn("K").isEqualTo(k));
            String[] text = new String[m.rowCount()];
            for (int i = 0; i < text.length; i++) {
                text[i] = "K = " + k + ", seed " + m.longColumn("seed").getLong(i);
            }
            traces.add(ScatterTrace.builder(m.doubleColumn("difference").asDoubleArray(),
                            m.doubleColumn("unbalanced vs balanced %").asDoubleArray())
                    .mode(ScatterTrace.Mode.MARKERS).name("K = " + k).text(text)
                    .marker(Marker.builder().color(EnsemblePlots.colour(g++)).size(11).build()).build());
        }
        Layout layout = Layout.builder().title(title).width(900).height(480)
                .xAxis(Axis.builder().title("tokens trained, unbalanced minus balanced (share of the budget)")
                        .zeroLineWidth(2).build())
                .yAxis(Axis.builder().title("perplexity change, unbalanced vs balanced (%)").zeroLineWidth(2).build())
                .build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }
}
