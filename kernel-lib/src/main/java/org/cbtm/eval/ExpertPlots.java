package org.cbtm.eval;

import org.cbtm.present.JsonFigure;
import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

/** Figures of expert training and specialisation: the expert x cluster heatmap and the seed / expert loss curves. */
public final class ExpertPlots {
    /** Plotly's default colour cycle. */
    private static final List<String> PALETTE = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf");
    /** Dark blue for the best cell of a column fading to white for the worst (ColorBrewer Blues, reversed). */
    private static final List<List<Object>> BLUES_REVERSED = List.of(List.of(0, "#08306b"), List.of(0.125, "#08519c"),
            List.of(0.25, "#2171b5"), List.of(0.375, "#4292c6"), List.of(0.5, "#6baed6"), List.of(0.625, "#9ecae1"),
            List.of(0.75, "#c6dbef"), List.of(0.875, "#deebf7"), List.of(1, "#f7fbff"));
    /** The run names of {@link org.cbtm.train.CbtmExperts#lossCurves()} and of {@link #withDense}. */
    public static final String SEED = "seed";
    public static final String DENSE = "dense (K = 1)";

    private ExpertPlots() {
    }

    /**
     * A heatmap of a square expert x cluster perplexity matrix: each cell shows its perplexity and is coloured by
     * how far it is above the best (lowest) perplexity of its column, so columns of very different perplexities are
     * comparable (the best cell of every column is the darkest); the diagonal cells (an expert on its own cluster)
     * are outlined.
     *
     * @param ppl  {@code [expert][cluster]} perplexities
     * @param rows a label per expert
     * @param cols a label per cluster
     */
    public static Figure matrixHeatmap(double[][] ppl, String[] rows, String[] cols, String title) {
        int k = ppl.length;
        if (k == 0 || rows.length != k || cols.length != ppl[0].length) {
            throw new IllegalArgumentException("need one row label per expert and one column label per cluster");
        }
        int m = cols.length;
        double[] best = new double[m];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (double[] row : ppl) {
            if (row.length != m) {
                throw new IllegalArgumentException("ragged perplexity matrix");
            }
            for (int c = 0; c < m; c++) {
                best[c] = Math.min(best[c], row[c]);
            }
        }
        double[][] z = new double[k][m];
        String[][] text = new String[k][m];
        double max = 0;
        for (int e = 0; e < k; e++) {
            for (int c = 0; c < m; c++) {
                z[e][c] = ppl[e][c] / best[c] - 1;
                max = Math.max(max, z[e][c]);
                text[e][c] = formatPerplexity(ppl[e][c]);
            }
        }
        List<Map<String, Object>> shapes = new ArrayList<>();
        for (int d = 0; d < Math.min(k, m); d++) {
            shapes.add(map("type", "rect", "xref", "x", "yref", "y", "x0", d - 0.5, "x1", d + 0.5, "y0", d - 0.5,
                    "y1", d + 0.5, "line", map("color", "#d62728", "width", 3)));
        }
        Map<String, Object> trace = map("type", "heatmap", "x", List.of(cols), "y", List.of(rows), "z", z,
                "text", text, "texttemplate", "%{text}", "textfont", map("size", m > 8 ? 10 : 13),
                "customdata", ppl,
                "hovertemplate", "%{y} on %{x}<br>perplexity %{customdata:.2f}<br>%{z:.1%} above the column's best"
                        + "<extra></extra>",
                "colorscale", BLUES_REVERSED, "zmin", 0, "zmax", max > 0 ? max : 1, "xgap", 2, "ygap", 2,
                "colorbar", map("title", map("text", "above the best<br>of the column"), "tickformat", ".0%"));
        Map<String, Object> layout = map("title", map("text", title), "width", 760, "height", 160 + 70 * k,
                "margin", map("l", 110, "r", 30, "t", 60, "b", 70),
                "xaxis", map("type", "category", "title", map("text", "test documents of cluster"), "side", "bottom"),
                "yaxis", map("type", "category", "autorange", "reversed", "title", map("text", "trained on")),
                "shapes", shapes);
        return new JsonFigure(layout, List.of(trace));
    }

    private static String formatPerplexity(double p) {
        return p >= 1000 ? String.format(Locale.ROOT, "%,.0f", p) : String.format(Locale.ROOT, "%.1f", p);
    }

    /**
     * The loss-curve table of a C-BTM run ({@link org.cbtm.train.CbtmExperts#lossCurves()}) with the dense
     * baseline's run appended as {@value #DENSE}: {@code dense} is the loss-curve table of the K = 1 run branched from
     * the same seed (its seed rows are dropped; they are the same run).
     */
    public static Table withDense(Table experts, Table dense) {
        Table out = experts.copy();
        StringColumn run = dense.stringColumn("run");
        for (int i = 0; i < dense.rowCount(); i++) {
            if (run.get(i).equals(SEED)) {
                continue;
            }
            for (String col : out.columnNames()) {
                if (col.equals("run")) {
                    out.stringColumn("run").append(DENSE);
                } else if (out.column(col) instanceof LongColumn l) {
                    l.append(dense.longColumn(col).getLong(i));
                } else {
                    out.doubleColumn(col).append(dense.doubleColumn(col).getDouble(i));
                }
            }
        }
        return out;
    }

    /**
     * Held-out loss against training tokens counted from the start of the seed ({@code tokens_incl_seed}), one line
     * per run of a loss-curve table: the seed in black, the experts in colour, the dense baseline dashed grey. Every
     * branched run starts at the seed's last point (it starts from the seed's weights), so its curve continues the
     * seed's; a dotted line marks where the seed ends. Rows without a held-out loss are skipped.
     *
     * @param lossColumn {@code valid_loss} or {@code train_loss}
     */
    public static Figure lossCurves(Table curves, String lossColumn, String title, String yTitle) {
        Map<String, List<double[]>> byRun = new LinkedHashMap<>();
        StringColumn run = curves.stringColumn("run");
        NumericColumn<?> x = (NumericColumn<?>) curves.column("tokens_incl_seed");
        DoubleColumn y = curves.doubleColumn(lossColumn);
        for (int i = 0; i < curves.rowCount(); i++) {
            double v = y.getDouble(i);
            List<double[]> pts = byRun.computeIfAbsent(run.get(i), r -> new ArrayList<>());
            if (!Double.isNaN(v)) {
                pts.add(new double[] {x.getDouble(i), v});
            }
        }
        if (byRun.values().stream().allMatch(List::isEmpty)) {
            throw new IllegalArgumentException("no " + lossColumn + " values to plot");
        }
        List<double[]> seed = byRun.getOrDefault(SEED, List.of());
        double[] seedEnd = seed.isEmpty() ? null : seed.get(seed.size() - 1);
        List<Map<String, Object>> traces = new ArrayList<>();
        int colour = 0;
        for (var e : byRun.entrySet()) {
            List<double[]> pts = new ArrayList<>(e.getValue());
            if (pts.isEmpty()) {
                continue;
            }
            boolean isSeed = e.getKey().equals(SEED);
            boolean isDense = e.getKey().equals(DENSE);
            if (!isSeed && seedEnd != null) {
                pts.add(0, seedEnd);
            }
            Map<String, Object> line = isSeed ? map("color", "#222222", "width", 3)
                    : isDense ? map("color", "#555555", "width", 2, "dash", "dash")
                    : map("color", PALETTE.get(colour++ % PALETTE.size()), "width", 2);
            traces.add(map("type", "scatter", "mode", pts.size() > 40 ? "lines" : "lines+markers", "name", e.getKey(),
                    "x", pts.stream().map(p -> p[0]).toList(), "y", pts.stream().map(p -> p[1]).toList(),
                    "line", line, "marker", map("size", 4)));
        }
        List<Map<String, Object>> shapes = new ArrayList<>();
        if (seedEnd != null) {
            shapes.add(map("type", "line", "xref", "x", "yref", "paper", "x0", seedEnd[0], "x1", seedEnd[0], "y0", 0,
                    "y1", 1, "line", map("color", "#999999", "width", 1, "dash", "dot")));
        }
        Map<String, Object> layout = map("title", map("text", title), "width", 900, "height", 480,
                "xaxis", map("title", map("text", "training tokens, counted from the start of the seed")),
                "yaxis", map("title", map("text", yTitle)), "shapes", shapes);
        return new JsonFigure(layout, traces);
    }
}
