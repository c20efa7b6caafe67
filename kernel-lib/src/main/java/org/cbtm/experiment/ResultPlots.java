package org.cbtm.experiment;

import org.cbtm.base.Tokens;

import org.cbtm.present.JsonFigure;
import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

/**
 * Figures of the LM notebooks (06, 08, 09): perplexity against K per clustering, perplexity and gain over dense
 * against training tokens per K (the paper's Figure 1), the expert x cluster perplexity heatmap and per-source
 * changes. They read the tables of {@link ResultTables} and {@link CbtmAnalysis}.
 */
public final class ResultPlots {

    /** Fixed colours per clustering, so every figure agrees (balanced and unbalanced as in notebook 03). */
    static final Map<String, String> SERIES_COLOURS = Map.of("dense", "#444444", "balanced", "#1f77b4",
            "unbalanced", "#d62728", "random", "#ff7f0e", "oracle (balanced)", "#2ca02c", "balanced top-1", "#6baed6");
    /** One colour per K of the scaling figure (light to dark blue as K grows; dense in black). */
    static final List<String> K_COLOURS = List.of("#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b", "#041b3f");
    /** Dark blue (best) to white (worst), steep at the dark end so that small ratios already show. */
    private static final List<List<Object>> HEAT = List.of(List.of(0, "#08306b"), List.of(0.12, "#2171b5"),
            List.of(0.3, "#6baed6"), List.of(0.55, "#c6dbef"), List.of(1, "#f7fbff"));
    private static final List<String> PALETTE = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
            "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf");

    private ResultPlots() {
    }

    /**
     * Perplexity against K (log-2 axis), one line per series of a {@link ResultTables#curves} table (one budget);
     * the dense series (K = 1) is drawn as a dotted horizontal line across the K of the others.
     */
    public static Figure perplexityVsK(Table curves, String title) {
        requireRows(curves);
        TreeSet<Integer> ks = new TreeSet<>();
        for (int i = 0; i < curves.rowCount(); i++) {
            if (curves.intColumn("k").getInt(i) > 1) {
                ks.add(curves.intColumn("k").getInt(i));
            }
        }
        List<Map<String, Object>> traces = new ArrayList<>();
        int index = 0;
        for (String s : distinct(curves, "series")) {
            List<Integer> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < curves.rowCount(); i++) {
                if (curves.stringColumn("series").get(i).equals(s)) {
                    x.add(curves.intColumn("k").getInt(i));
                    y.add(curves.doubleColumn("perplexity").getDouble(i));
                }
            }
            String colour = SERIES_COLOURS.getOrDefault(s, PALETTE.get(index++ % PALETTE.size()));
            if (s.equals("dense") && !ks.isEmpty()) {
                double v = y.get(0);
                traces.add(map("type", "scatter", "mode", "lines", "name", "dense (K = 1)",
                        "x", List.of(ks.first(), ks.last()), "y", List.of(v, v),
                        "line", map("color", colour, "dash", "dot", "width", 2)));
            } else {
                traces.add(map("type", "scatter", "mode", "lines+markers", "name", s, "x", x, "y", y,
                        "line", map("color", colour, "dash", s.startsWith("oracle") ? "dashdot" : s.contains(" top-") ? "dash" : "solid")));
            }
        }
        return new JsonFigure(lineLayout(title, "number of clusters K", "test perplexity", new ArrayList<>(ks),
                ks.stream().map(String::valueOf).toList()), traces);
    }

    /**
     * Perplexity against training tokens (log axis), one line per K of a {@link ResultTables#curves} table of a
     * scaling grid (dense as K = 1, and one clustering): the paper's Figure 1.
     */
    public static Figure perplexityVsTokens(Table curves, String title) {
        return byTokens(curves, title, false);
    }

    /** Change of perplexity against dense (percent; below 0 is better) per K > 1 against training tokens. */
    public static Figure changeVsDense(Table curves, String title) {
        return byTokens(curves, title, true);
    }

    private static Figure byTokens(Table curves, String title, boolean relative) {
        requireRows(curves);
        Map<Integer, Map<Long, Double>> byK = new TreeMap<>();
        for (int i = 0; i < curves.rowCount(); i++) {
            byK.computeIfAbsent(curves.intColumn("k").getInt(i), k -> new TreeMap<>())
                    .putIfAbsent(curves.longColumn("budget").getLong(i), curves.doubleColumn("perplexity").getDouble(i));
        }
        Map<Long, Double> dense = byK.get(1);
        if (relative && dense == null) {
            throw new IllegalArgumentException("the change against dense needs the dense (K = 1) rows");
        }
        Set<Long> budgets = new TreeSet<>();
        List<Map<String, Object>> traces = new ArrayList<>();
        int index = 0;
        for (var e : byK.entrySet()) {
            int k = e.getKey();
            List<Long> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (var p : e.getValue().entrySet()) {
                if (relative && !dense.containsKey(p.getKey())) {
                    continue;
                }
                x.add(p.getKey());
                y.add(relative ? 100 * (p.getValue() / dense.get(p.getKey()) - 1) : p.getValue());
            }
            budgets.addAll(x);
            if (relative && k == 1) {
                traces.add(map("type", "scatter", "mode", "lines", "name", "dense (K = 1)", "x", x, "y", y,
                        "line", map("color", "#444444", "dash", "dot", "width", 2)));
                continue;
            }
            String colour = k == 1 ? "#000000" : K_COLOURS.get(Math.min(index, K_COLOURS.size() - 1));
            index += k == 1 ? 0 : 1;
            traces.add(map("type", "scatter", "mode", "lines+markers", "name", k == 1 ? "dense (K = 1)" : "K = " + k,
                    "x", x, "y", y, "line", map("color", colour, "width", k == 1 ? 3 : 2,
                            "dash", k == 1 ? "dash" : "solid")));
        }
        List<Long> ticks = new ArrayList<>(budgets);
        Map<String, Object> layout = lineLayout(title, "expert training tokens (all experts together)",
                relative ? "perplexity vs dense (%; lower is better)" : "test perplexity", ticks,
                ticks.stream().map(Tokens::human).toList());
        return new JsonFigure(layout, traces);
    }

    /**
     * Heatmap of an expert x cluster table ({@link CbtmAnalysis#expertByCluster}): rows experts, columns the test
     * documents' clusters; cells show the perplexity and are coloured by {@code ratio_to_best} on a log scale (how
     * much worse than the best expert on that cluster; the best is dark), so a specialised ensemble shows a dark
     * diagonal.
     */
    public static Figure expertClusterHeatmap(Table matrix, String title) {
        requireRows(matrix);
        TreeSet<Integer> experts = new TreeSet<>();
        TreeSet<Integer> clusters = new TreeSet<>();
        Map<String, double[]> cells = new LinkedHashMap<>();
        for (int i = 0; i < matrix.rowCount(); i++) {
            int e = matrix.intColumn("expert").getInt(i);
            int c = matrix.intColumn("cluster").getInt(i);
            experts.add(e);
            clusters.add(c);
            cells.put(e + "/" + c, new double[] {matrix.doubleColumn("perplexity").getDouble(i),
                    matrix.doubleColumn("ratio_to_best").getDouble(i)});
        }
        List<String> ex = experts.stream().map(e -> "expert " + e).toList();
        List<String> cl = clusters.stream().map(c -> "cluster " + c).toList();
        double[][] z = new double[experts.size()][clusters.size()];
        String[][] text = new String[experts.size()][clusters.size()];
        double max = 1;
        int r = 0;
        for (int e : experts) {
            int c = 0;
            for (int cc : clusters) {
                double[] v = cells.get(e + "/" + cc);
                // colour on a log scale of the ratio: 2x and 20x worse are equally far apart as 1x and 10x
                z[r][c] = v == null ? Double.NaN : Math.log10(v[1]);
                text[r][c] = v == null ? "" : String.format(java.util.Locale.ROOT, "%.0f", v[0]);
                max = v == null ? max : Math.max(max, v[1]);
                c++;
            }
            r++;
        }
        // ratios of 10 and more are all "much worse": the colour range ends there, so the range below stays readable
        double top = Math.min(Math.max(max, 1.5), 10);
        List<Double> tickValues = new ArrayList<>();
        List<String> tickText = new ArrayList<>();
        for (double t : new double[] {1, 1.25, 1.5, 2, 3, 5, 10}) {
            if (t <= top) {
                tickValues.add(Math.log10(t));
                tickText.add((t == Math.rint(t) ? String.valueOf((long) t) : String.valueOf(t)) + "x");
            }
        }
        // dark blue for the best expert on a cluster (ratio 1), fading to white for much worse ones
        Map<String, Object> trace = map("type", "heatmap", "x", cl, "y", ex, "z", z, "text", text,
                "texttemplate", "%{text}", "textfont", map("size", clusters.size() > 12 ? 9 : 12),
                "colorscale", HEAT, "zmin", 0, "zmax", Math.log10(top), "xgap", 1, "ygap", 1,
                "hovertemplate", "%{y} on %{x}: perplexity %{text}<extra></extra>",
                "colorbar", map("title", map("text", "perplexity /<br>best on cluster"), "tickvals", tickValues,
                        "ticktext", tickText));
        int n = Math.max(experts.size(), clusters.size());
        Map<String, Object> layout = map("title", map("text", title), "width", 760, "height", Math.max(360, 160 + 36 * n),
                "xaxis", map("title", map("text", "test documents of cluster"), "type", "category", "side", "bottom"),
                "yaxis", map("title", map("text", "expert"), "type", "category", "autorange", "reversed"),
                "margin", map("l", 110, "r", 40, "t", 60, "b", 70));
        return new JsonFigure(layout, List.of(trace));
    }

    /**
     * Horizontal bars of per-source changes against a baseline ({@link ResultTables#compareBySource}): one bar group
     * per source, one bar per {@code columns} entry (percent; below 0 is better).
     */
    public static Figure sourceChanges(Table comparison, List<String> columns, String title) {
        requireRows(comparison);
        List<String> sources = comparison.stringColumn("source").asList();
        List<Map<String, Object>> traces = new ArrayList<>();
        int index = 0;
        for (String col : columns) {
            NumericColumn<?> v = comparison.numberColumn(col);
            List<Double> x = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                x.add(v.getDouble(i));
            }
            String series = col.split(" ")[0];
            traces.add(map("type", "bar", "orientation", "h", "name", col, "x", x, "y", sources,
                    "marker", map("color", SERIES_COLOURS.getOrDefault(series, PALETTE.get(index % PALETTE.size())))));
            index++;
        }
        Map<String, Object> layout = map("title", map("text", title), "width", 900,
                "height", Math.max(360, 140 + 30 * sources.size() * columns.size()), "barmode", "group",
                "xaxis", map("title", map("text", "perplexity change (%; below 0 is better)"), "zeroline", true,
                        "zerolinewidth", 2),
                "yaxis", map("type", "category", "autorange", "reversed", "automargin", true),
                "legend", map("orientation", "h", "y", -0.2));
        return new JsonFigure(layout, traces);
    }

    private static Map<String, Object> lineLayout(String title, String xTitle, String yTitle, List<?> tickValues,
                                                  List<String> tickText) {
        return map("title", map("text", title), "width", 900, "height", 500,
                "xaxis", map("title", map("text", xTitle), "type", "log", "tickvals", tickValues, "ticktext", tickText),
                "yaxis", map("title", map("text", yTitle)),
                "legend", map("orientation", "v"));
    }

    private static void requireRows(Table t) {
        if (t.rowCount() == 0) {
            throw new IllegalArgumentException("no rows to plot in " + t.name());
        }
    }

    private static List<String> distinct(Table t, String column) {
        Set<String> s = new LinkedHashSet<>();
        for (int i = 0; i < t.rowCount(); i++) {
            s.add(t.column(column).getString(i));
        }
        return new ArrayList<>(s);
    }
}
