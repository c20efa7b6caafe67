package org.cbtm.present;

import static org.cbtm.eval.ResultColumns.BUDGET;
import static org.cbtm.eval.ResultColumns.EXPERT;
import static org.cbtm.eval.ResultColumns.INFERENCE_PARAMS;
import static org.cbtm.eval.ResultColumns.K;
import static org.cbtm.eval.ResultColumns.PERPLEXITY;
import static org.cbtm.eval.ResultColumns.SEED;
import static org.cbtm.eval.ResultColumns.TOP_K;
import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.cbtm.base.Tokens;
import org.cbtm.present.ResultSeries.Row;
import org.cbtm.present.ResultSeries.Series;
import org.cbtm.present.ResultSeries.Style;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Figures of grid results (notebooks 05 to 09), from the standard grid result table ({@code CbtmExperiment.table}
 * and {@code runGrid}; column names per {@link org.cbtm.eval.ResultColumns}): perplexity against K, against training
 * tokens (the paper's Figure 1) and against inference parameters per token, the change against dense, the expert x
 * cluster heatmap and per-source changes.
 *
 * <p>The grid figures draw one line per combination of the settings that vary among the rows (method, expert,
 * budget, K, top-k, T, distance, router, seed; those that do not vary are left out of the legend), so no line mixes
 * rows of different settings; a table that repeats a grid point (two rows that differ in nothing the table shows)
 * is refused with a message saying which rows. Dense rows (K = 1) are drawn as the reference. Colours are the
 * {@link Palette#method method colours}.
 */
public final class ResultPlots {

    private ResultPlots() {
    }

    // ------------------------------------------------------------------ perplexity against K

    /**
     * Perplexity against K (log-2 spaced axis): one line per combination of the other varied settings (method, top-k,
     * T, budget, expert, ...); dense rows (K = 1) as dotted horizontal lines across the K of the others.
     */
    public static JsonFigure perplexityVsK(Table grid, String title) {
        return perplexityVsK(grid, null, title);
    }

    /**
     * {@link #perplexityVsK(Table, String)} with the rows of {@code extra} too: a table with at least the columns
     * clustering, k and perplexity (e.g. oracle-routed results), each clustering value its own line.
     */
    public static JsonFigure perplexityVsK(Table grid, Table extra, String title) {
        List<Row> rows = ResultSeries.rows(grid, extra);
        List<Row> ens = ResultSeries.ensemble(rows);
        if (ens.isEmpty()) {
            throw new IllegalArgumentException("no rows with K > 1 to plot against K in '" + grid.name() + "'");
        }
        List<Series> series = new ArrayList<>(ResultSeries.group(ens, ResultSeries.seriesSettings(ens, Set.of(K))));
        List<Row> dense = ResultSeries.dense(rows);
        List<Series> denseSeries = ResultSeries.group(dense, ResultSeries.seriesSettings(dense, Set.of(K)));
        TreeSet<Integer> ks = new TreeSet<>();
        ens.forEach(r -> ks.add(r.k()));
        List<Series> all = new ArrayList<>(denseSeries);
        all.addAll(series);
        Map<Series, Style> styles = ResultSeries.styles(all, null);
        List<Map<String, Object>> traces = new ArrayList<>();
        for (Series s : denseSeries) {
            traces.add(ResultSeries.denseLine(s, List.of(ks.first(), ks.last()), styles.get(s).colour(), "dot", 2.5));
        }
        for (Series s : series) {
            ResultSeries.requireOnePerX(s, Row::k, "K");
            List<Row> pts = new ArrayList<>(s.rows());
            pts.sort(Comparator.comparingInt(Row::k));
            traces.add(pointsTrace(ResultSeries.label(s, false), pts, r -> (double) r.k(), styles.get(s)));
        }
        Map<String, Object> layout = FigureStyle.layout(title,
                FigureStyle.logAxis("number of clusters K (log scale)", ks, v -> Long.toString(Math.round(v))),
                FigureStyle.axis("test perplexity"));
        return FigureStyle.figure(layout, traces);
    }

    // ------------------------------------------------------------------ perplexity against tokens

    /**
     * Perplexity against training tokens (the budget; log axis): one line per K and combination of the other varied
     * settings, shaded light to dark as K grows in the method's colour; the dense model (K = 1) black and dashed. The
     * paper's Figure 1.
     */
    public static JsonFigure perplexityVsTokens(Table grid, String title) {
        return byTokens(grid, title, false);
    }

    /**
     * The change of perplexity against the dense model at the same budget (and expert and seed), in percent (below 0
     * is better), per K > 1 and other varied settings, against training tokens.
     */
    public static JsonFigure changeVsDense(Table grid, String title) {
        return byTokens(grid, title, true);
    }

    private static JsonFigure byTokens(Table grid, String title, boolean relative) {
        List<Row> rows = ResultSeries.rowsWith(grid, BUDGET);
        List<Row> ens = ResultSeries.ensemble(rows);
        List<Row> dense = ResultSeries.dense(rows);
        if (relative && dense.isEmpty()) {
            throw new IllegalArgumentException("the change against dense needs the dense (K = 1) rows");
        }
        List<String> by = new ArrayList<>(ResultSeries.seriesSettings(ens, Set.of(BUDGET, K)));
        by.add(0, K); // every line is one K, even when the grid has a single K
        List<Series> series = ResultSeries.group(ens, by);
        List<Series> denseSeries = ResultSeries.group(dense, ResultSeries.seriesSettings(dense, Set.of(BUDGET, K)));
        List<Series> all = new ArrayList<>(denseSeries);
        all.addAll(series);
        Map<Series, Style> styles = ResultSeries.styles(all, K);
        TreeSet<Double> budgets = new TreeSet<>();
        List<Map<String, Object>> traces = new ArrayList<>();
        for (Series s : denseSeries) {
            ResultSeries.requireOnePerX(s, r -> r.number(BUDGET), "budget");
            List<Row> pts = sortedBy(s.rows(), BUDGET);
            pts.forEach(r -> budgets.add(r.number(BUDGET)));
            Style st = styles.get(s);
            Map<String, Object> t = pointsTrace(ResultSeries.label(s, true), pts, r -> r.number(BUDGET), st);
            t.put("line", FigureStyle.line(Palette.DENSE, relative ? "dot" : "dash", relative ? 2 : 3));
            t.put("marker", map("color", Palette.DENSE, "size", 7));
            if (relative) {
                t.put("y", pts.stream().map(r -> 0.0).toList());
                t.put("mode", "lines");
            }
            traces.add(t);
        }
        for (Series s : series) {
            ResultSeries.requireOnePerX(s, r -> r.number(BUDGET), "budget");
            List<Row> pts = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (Row r : sortedBy(s.rows(), BUDGET)) {
                if (!relative) {
                    pts.add(r);
                    y.add(r.number(PERPLEXITY));
                    continue;
                }
                Row base = denseFor(r, dense);
                if (base != null) {
                    pts.add(r);
                    y.add(100 * (r.number(PERPLEXITY) / base.number(PERPLEXITY) - 1));
                }
            }
            if (pts.isEmpty()) {
                continue;
            }
            pts.forEach(r -> budgets.add(r.number(BUDGET)));
            Map<String, Object> t = pointsTrace(ResultSeries.label(s, false), pts, r -> r.number(BUDGET), styles.get(s));
            t.put("y", y);
            if (relative) {
                t.put("hovertemplate", "%{text}<br>%{y:+.1f}% against dense<extra></extra>");
            }
            traces.add(t);
        }
        Map<String, Object> layout = FigureStyle.layout(title,
                FigureStyle.logAxis("expert training tokens, all experts together (log scale)", budgets,
                        v -> Tokens.human(Math.round(v))),
                FigureStyle.axis(relative ? "perplexity against dense (%; below 0 is better)" : "test perplexity"));
        return FigureStyle.figure(layout, traces);
    }

    /** The dense row of the same budget, expert and seed as {@code r}; null when there is none. */
    private static Row denseFor(Row r, List<Row> dense) {
        Row found = null;
        for (Row d : dense) {
            if (ResultSeries.sameSettings(r, d, List.of(BUDGET, EXPERT, SEED))) {
                if (found != null) {
                    throw new IllegalArgumentException("two dense rows (" + found.describe() + "; " + d.describe()
                            + ") match " + r.describe() + ": keep one dense row per budget, expert and seed");
                }
                found = d;
            }
        }
        return found;
    }

    // ------------------------------------------------------------------ perplexity against inference parameters

    /**
     * Perplexity against inference parameters per token (log axis): one line per combination of the varied settings
     * other than top-k (e.g. one per K) through its top-k points, each point labelled ("top-1", ..., "all"); the dense
     * model as a grey star.
     */
    public static JsonFigure perplexityVsInferenceParams(Table grid, String title) {
        return perplexityVsInferenceParams(grid, title, "inference parameters per token (log scale)");
    }

    /** {@link #perplexityVsInferenceParams(Table, String)} with an x axis title naming the parameters counted. */
    public static JsonFigure perplexityVsInferenceParams(Table grid, String title, String xTitle) {
        List<Row> rows = ResultSeries.rowsWith(grid, INFERENCE_PARAMS);
        List<Row> ens = ResultSeries.ensemble(rows);
        List<Row> dense = ResultSeries.dense(rows);
        boolean topKVaries = ResultSeries.varied(ens, Set.of()).contains(TOP_K);
        List<Series> series = ResultSeries.group(ens, ResultSeries.seriesSettings(ens, Set.of(TOP_K)));
        List<Series> denseSeries = ResultSeries.group(dense, ResultSeries.seriesSettings(dense, Set.of()));
        List<Series> all = new ArrayList<>(denseSeries);
        all.addAll(series);
        Map<Series, Style> styles = ResultSeries.styles(all, K);
        List<Double> xs = new ArrayList<>();
        List<Map<String, Object>> traces = new ArrayList<>();
        for (Series s : series) {
            ResultSeries.requireOnePerX(s, r -> r.settings().getOrDefault(TOP_K, ""), "top-k");
            List<Row> pts = sortedBy(s.rows(), INFERENCE_PARAMS);
            Map<String, Object> t = pointsTrace(ResultSeries.label(s, false), pts, r -> r.number(INFERENCE_PARAMS),
                    styles.get(s));
            t.put("mode", "lines+markers+text");
            t.put("textposition", "top center");
            t.put("textfont", map("size", 11, "color", "#333333"));
            t.put("text", pts.stream().map(r -> pointLabel(r, topKVaries)).toList());
            t.put("customdata", pts.stream().map(Row::describe).toList());
            t.put("hovertemplate", "%{customdata}<br>%{x:,.0f} parameters per token<br>perplexity %{y:.1f}"
                    + "<extra></extra>");
            pts.forEach(r -> xs.add(r.number(INFERENCE_PARAMS)));
            traces.add(t);
        }
        for (Series s : denseSeries) {
            ResultSeries.requireOnePerX(s, r -> 1, "K = 1");
            Row r = s.rows().get(0);
            xs.add(r.number(INFERENCE_PARAMS));
            traces.add(map("type", "scatter", "mode", "markers+text", "name", ResultSeries.label(s, true),
                    "x", List.of(r.number(INFERENCE_PARAMS)), "y", List.of(r.number(PERPLEXITY)),
                    "text", List.of("dense"), "textposition", "bottom center",
                    "marker", map("color", Palette.DENSE, "size", 15, "symbol", "star"),
                    "hovertemplate", "dense (K = 1)<br>%{x:,.0f} parameters per token<br>perplexity %{y:.1f}"
                            + "<extra></extra>"));
        }
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("no rows to plot in '" + grid.name() + "'");
        }
        Map<String, Object> layout = FigureStyle.layout(title,
                FigureStyle.logAxis(xTitle, FigureStyle.niceTicks(xs.stream().mapToDouble(Double::doubleValue).toArray())),
                FigureStyle.axis("test perplexity"));
        return FigureStyle.figure(layout, traces);
    }

    private static String pointLabel(Row r, boolean topKVaries) {
        String top = r.setting(TOP_K);
        if (topKVaries && top != null) {
            return top.equals("all") ? "all" : "top-" + top;
        }
        return "K = " + r.k();
    }

    // ------------------------------------------------------------------ shared

    private static List<Row> sortedBy(List<Row> rows, String column) {
        List<Row> out = new ArrayList<>(rows);
        out.sort(Comparator.comparingDouble(r -> r.number(column)));
        return out;
    }

    /** A lines-and-markers trace of perplexity over {@code rows} (in order), hover naming each row's settings. */
    private static Map<String, Object> pointsTrace(String name, List<Row> rows, java.util.function.ToDoubleFunction<Row> x,
                                                   Style style) {
        return map("type", "scatter", "mode", "lines+markers", "name", name,
                "x", rows.stream().map(x::applyAsDouble).toList(), "y", rows.stream().map(r -> r.number(PERPLEXITY)).toList(),
                "line", FigureStyle.line(style.colour(), style.dash(), 2),
                "marker", map("color", style.colour(), "size", 8, "symbol", style.symbol()),
                "text", rows.stream().map(Row::describe).toList(),
                "hovertemplate", "%{text}<br>perplexity %{y:.1f}<extra></extra>");
    }

    // ------------------------------------------------------------------ expert x cluster

    /**
     * Heatmap of an expert x cluster table ({@code CbtmAnalysis.expertByCluster}: columns expert, cluster,
     * perplexity, ratio_to_best): rows experts, columns the test documents' clusters; cells show the perplexity and
     * are coloured by {@code ratio_to_best} on a log scale (how much worse than the best expert on that cluster; the
     * best is dark), so a specialised ensemble shows a dark diagonal.
     */
    public static JsonFigure expertClusterHeatmap(Table matrix, String title) {
        if (matrix.rowCount() == 0) {
            throw new IllegalArgumentException("no rows to plot in '" + matrix.name() + "'");
        }
        TreeSet<Integer> experts = new TreeSet<>();
        TreeSet<Integer> clusters = new TreeSet<>();
        Map<String, double[]> cells = new LinkedHashMap<>();
        for (int i = 0; i < matrix.rowCount(); i++) {
            int e = (int) ((NumericColumn<?>) matrix.column("expert")).getDouble(i);
            int c = (int) ((NumericColumn<?>) matrix.column("cluster")).getDouble(i);
            experts.add(e);
            clusters.add(c);
            cells.put(e + "/" + c, new double[] {matrix.numberColumn("perplexity").getDouble(i),
                    matrix.numberColumn("ratio_to_best").getDouble(i)});
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
                // colour on a log scale of the ratio: 2x and 20x worse are as far apart as 1x and 10x
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
                tickText.add(Formats.plain(t) + "x");
            }
        }
        Map<String, Object> trace = map("type", "heatmap", "x", cl, "y", ex, "z", z, "text", text,
                "texttemplate", "%{text}", "textfont", map("size", clusters.size() > 12 ? 9 : 12),
                "colorscale", Palette.BLUES_REVERSED_STEEP, "zmin", 0, "zmax", Math.log10(top), "xgap", 1, "ygap", 1,
                "hovertemplate", "%{y} on %{x}: perplexity %{text}<extra></extra>",
                "colorbar", map("title", map("text", "perplexity /<br>best on cluster"), "tickvals", tickValues,
                        "ticktext", tickText));
        int n = Math.max(experts.size(), clusters.size());
        Map<String, Object> layout = ExpertPlots.expertByClusterLayout(title, Math.max(380, 170 + 36 * n));
        return FigureStyle.figure(layout, List.of(trace));
    }

    // ------------------------------------------------------------------ per source

    /**
     * Horizontal bars of per-source changes against a baseline ({@code ResultTables.compareBySource}): one bar group
     * per source, one bar per {@code columns} entry (percent; below 0 is better), coloured by the method the column
     * name starts with.
     */
    public static JsonFigure sourceChanges(Table comparison, List<String> columns, String title) {
        if (comparison.rowCount() == 0) {
            throw new IllegalArgumentException("no rows to plot in '" + comparison.name() + "'");
        }
        List<String> sources = comparison.stringColumn("source").asList();
        List<Map<String, Object>> traces = new ArrayList<>();
        for (String col : columns) {
            NumericColumn<?> v = comparison.numberColumn(col);
            List<Double> x = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                x.add(v.getDouble(i));
            }
            traces.add(map("type", "bar", "orientation", "h", "name", col, "x", x, "y", sources,
                    "marker", map("color", Palette.method(col)),
                    "hovertemplate", "%{y}: %{x:+.1f}%<extra>" + Html.escape(col) + "</extra>"));
        }
        Map<String, Object> x = FigureStyle.axis("perplexity change (%; below 0 is better)");
        x.put("zeroline", true);
        x.put("zerolinewidth", 2);
        x.put("zerolinecolor", "#444444");
        Map<String, Object> y = FigureStyle.categoryAxis("source of the test documents");
        y.put("autorange", "reversed");
        Map<String, Object> layout = FigureStyle.layout(title, x, y, FigureStyle.WIDTH,
                FigureStyle.heightFor(sources.size() * columns.size(), 18, 200));
        layout.put("barmode", "group");
        layout.put("legend", map("orientation", "h", "yanchor", "bottom", "y", 1.01, "xanchor", "left", "x", 0));
        return FigureStyle.figure(layout, traces);
    }
}
