package org.cbtm.present;

import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cbtm.eval.ExpertClusterMatrix;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Figures of expert training and specialisation (notebook 04): the expert x cluster perplexity heatmap of an
 * {@link ExpertClusterMatrix} and the seed / expert loss curves.
 */
public final class ExpertPlots {
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
    public static JsonFigure matrixHeatmap(double[][] ppl, String[] rows, String[] cols, String title) {
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
                text[e][c] = Formats.perplexity(ppl[e][c]);
            }
        }
        List<Map<String, Object>> shapes = new ArrayList<>();
        for (int d = 0; d < Math.min(k, m); d++) {
            shapes.add(map("type", "rect", "xref", "x", "yref", "y", "x0", d - 0.5, "x1", d + 0.5, "y0", d - 0.5,
                    "y1", d + 0.5, "line", map("color", Palette.HIGHLIGHT, "width", 3)));
        }
        Map<String, Object> trace = map("type", "heatmap", "x", List.of(cols), "y", List.of(rows), "z", z,
                "text", text, "texttemplate", "%{text}", "textfont", map("size", m > 8 ? 10 : 13),
                "customdata", ppl,
                "hovertemplate", "%{y} on %{x}<br>perplexity %{customdata:.2f}<br>%{z:.1%} above the column's best"
                        + "<extra></extra>",
                "colorscale", Palette.BLUES_REVERSED, "zmin", 0, "zmax", max > 0 ? max : 1, "xgap", 2, "ygap", 2,
                "colorbar", map("title", map("text", "above the best<br>of the column"), "tickformat", ".0%"));
        Map<String, Object> layout = expertByClusterLayout(title, Math.max(360, 190 + 70 * k));
        layout.put("shapes", shapes);
        return FigureStyle.figure(layout, List.of(trace));
    }

    /**
     * {@link #matrixHeatmap(double[][], String[], String[], String)} of an {@link ExpertClusterMatrix}: rows
     * "expert e", columns "cluster c (n docs)".
     */
    public static JsonFigure matrixHeatmap(ExpertClusterMatrix matrix, String title) {
        int k = matrix.k();
        String[] rows = new String[k];
        String[] cols = new String[k];
        for (int e = 0; e < k; e++) {
            rows[e] = "expert " + e;
        }
        for (int c = 0; c < k; c++) {
            cols[c] = String.format(Locale.ROOT, "cluster %d (%d docs)", c, matrix.documents(c));
        }
        return matrixHeatmap(matrix.perplexities(), rows, cols, title);
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
    public static JsonFigure lossCurves(Table curves, String lossColumn, String title, String yTitle) {
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
        int experts = (int) byRun.keySet().stream().filter(r -> !r.equals(SEED) && !r.equals(DENSE)).count();
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
            Map<String, Object> line = isSeed ? map("color", Palette.SEED, "width", 3)
                    : isDense ? map("color", Palette.DENSE, "width", 2, "dash", "dash")
                    : map("color", Palette.categorical(colour++, experts), "width", 2);
            traces.add(map("type", "scatter", "mode", pts.size() > 40 ? "lines" : "lines+markers", "name", e.getKey(),
                    "x", pts.stream().map(p -> p[0]).toList(), "y", pts.stream().map(p -> p[1]).toList(),
                    "line", line, "marker", map("size", 4)));
        }
        List<Map<String, Object>> shapes = new ArrayList<>();
        if (seedEnd != null) {
            shapes.add(map("type", "line", "xref", "x", "yref", "paper", "x0", seedEnd[0], "x1", seedEnd[0], "y0", 0,
                    "y1", 1, "line", map("color", Palette.REFERENCE, "width", 1, "dash", "dot")));
        }
        Map<String, Object> layout = FigureStyle.layout(title,
                FigureStyle.axis("training tokens, counted from the start of the seed"), FigureStyle.axis(yTitle));
        layout.put("shapes", shapes);
        return FigureStyle.figure(layout, traces);
    }

    /** The layout of an expert x cluster heatmap: clusters across, experts down (expert 0 on top), no grid. */
    static Map<String, Object> expertByClusterLayout(String title, int height) {
        Map<String, Object> x = FigureStyle.categoryAxis("test documents of cluster");
        x.put("showgrid", false);
        Map<String, Object> y = FigureStyle.categoryAxis("expert (trained on its cluster)");
        y.put("autorange", "reversed");
        y.put("showgrid", false);
        return FigureStyle.layout(title, x, y, 760, height);
    }
}
