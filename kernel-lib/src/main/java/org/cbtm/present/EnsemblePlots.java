package org.cbtm.present;

import static org.cbtm.eval.ResultColumns.K;
import static org.cbtm.eval.ResultColumns.PERPLEXITY;
import static org.cbtm.eval.ResultColumns.TEMPERATURE;
import static org.cbtm.eval.ResultColumns.TOP_K;
import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.cbtm.present.ResultSeries.Row;
import org.cbtm.present.ResultSeries.Series;
import org.cbtm.present.ResultSeries.Style;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Figures of the sparse-ensemble notebook (05), from grid result tables ({@code CbtmExperiment.runGrid}; columns
 * per {@link org.cbtm.eval.ResultColumns}) and from the tables of {@link org.cbtm.route.RoutingStats}. Lines are
 * drawn per K in shades of the method's colour (and per any other setting that varies, dashed), so rows of different
 * settings never share a line; the dense model (K = 1) is the grey dashed reference. Perplexity against inference
 * parameters is {@link ResultPlots#perplexityVsInferenceParams}.
 */
public final class EnsemblePlots {

    private EnsemblePlots() {
    }

    /**
     * Perplexity against top-k (categories "1", "2", ..., "all"; "all" is top-k = K): one line per K (and per other
     * varied setting) over the ensemble rows of {@code rows}; a grey dashed line marks the dense model when
     * {@code rows} has a dense row.
     */
    public static JsonFigure perplexityByTopK(Table rows, String title) {
        List<Row> all = ResultSeries.rows(rows);
        List<Row> ens = ResultSeries.ensembleWith(all, TOP_K);
        TreeSet<String> cats = new TreeSet<>(ResultSeries.NATURAL);
        ens.forEach(r -> cats.add(r.setting(TOP_K)));
        List<String> categories = new ArrayList<>(cats);
        List<Series> series = ResultSeries.group(ens, withK(ResultSeries.seriesSettings(ens, Set.of(TOP_K, K))));
        List<Series> dense = ResultSeries.group(ResultSeries.dense(all), ResultSeries.seriesSettings(ResultSeries.dense(all), Set.of()));
        List<Series> styled = new ArrayList<>(dense);
        styled.addAll(series);
        Map<Series, Style> styles = ResultSeries.styles(styled, K);
        List<Map<String, Object>> traces = new ArrayList<>();
        for (Series s : dense) {
            traces.add(ResultSeries.denseLine(s, categories, Palette.DENSE, "dash", 2));
        }
        for (Series s : series) {
            ResultSeries.requireOnePerX(s, r -> r.setting(TOP_K), "top-k");
            List<Row> pts = new ArrayList<>(s.rows());
            pts.sort(Comparator.comparingInt(r -> categories.indexOf(r.setting(TOP_K))));
            traces.add(trace(ResultSeries.label(s, false), pts.stream().map(r -> r.setting(TOP_K)).toList(), pts,
                    styles.get(s)));
        }
        Map<String, Object> x = FigureStyle.categoryAxis("experts kept per position (top-k)");
        x.put("categoryorder", "array");
        x.put("categoryarray", categories);
        return FigureStyle.figure(FigureStyle.layout(title, x, FigureStyle.axis("test perplexity")), traces);
    }

    /**
     * Perplexity against the temperature T (log axis): one line per K and per other varied setting (the distance
     * form: solid for the paper's {@code exp(-d/T)}, dashed for the reference code's {@code exp(-d²/T)}; top-k,
     * budget, ... when they vary); the dense model as a grey dashed line.
     */
    public static JsonFigure perplexityByTemperature(Table rows, String title) {
        List<Row> all = ResultSeries.rows(rows);
        List<Row> ens = ResultSeries.ensembleWith(all, TEMPERATURE);
        List<Series> series = ResultSeries.group(ens, withK(ResultSeries.seriesSettings(ens, Set.of(TEMPERATURE, K))));
        List<Series> dense = ResultSeries.group(ResultSeries.dense(all), ResultSeries.seriesSettings(ResultSeries.dense(all), Set.of()));
        List<Series> styled = new ArrayList<>(dense);
        styled.addAll(series);
        Map<Series, Style> styles = ResultSeries.styles(styled, K);
        TreeSet<Double> ts = new TreeSet<>();
        ens.forEach(r -> ts.add(r.number(TEMPERATURE)));
        List<Map<String, Object>> traces = new ArrayList<>();
        for (Series s : series) {
            ResultSeries.requireOnePerX(s, r -> r.number(TEMPERATURE), "temperature");
            List<Row> pts = new ArrayList<>(s.rows());
            pts.sort(Comparator.comparingDouble(r -> r.number(TEMPERATURE)));
            traces.add(trace(ResultSeries.label(s, false), pts.stream().map(r -> r.number(TEMPERATURE)).toList(), pts,
                    styles.get(s)));
        }
        for (Series s : dense) {
            traces.add(ResultSeries.denseLine(s, List.of(ts.first(), ts.last()), Palette.DENSE, "dash", 2));
        }
        Map<String, Object> layout = FigureStyle.layout(title,
                FigureStyle.logAxis("routing temperature T (log scale)", ts, Formats::plain),
                FigureStyle.axis("test perplexity"));
        return FigureStyle.figure(layout, traces);
    }

    private static List<String> withK(List<String> varied) {
        List<String> by = new ArrayList<>(varied);
        by.add(0, K);
        return by;
    }

    private static Map<String, Object> trace(String name, List<?> x, List<Row> rows, Style style) {
        return map("type", "scatter", "mode", "lines+markers", "name", name, "x", x,
                "y", rows.stream().map(r -> r.number(PERPLEXITY)).toList(),
                "line", FigureStyle.line(style.colour(), style.dash(), 2),
                "marker", map("color", style.colour(), "size", 8, "symbol", style.symbol()),
                "text", rows.stream().map(Row::describe).toList(),
                "hovertemplate", "%{text}<br>perplexity %{y:.1f}<extra></extra>");
    }

    /**
     * Lines of {@code y} against {@code x}, one per value of {@code group} in first-seen order, in the categorical
     * colours (for the {@link org.cbtm.route.RoutingStats} distributions and by-position tables).
     */
    public static JsonFigure lines(Table t, String x, String y, String group, String title, String xTitle, String yTitle) {
        return lines(t, x, y, group, title, xTitle, yTitle, false);
    }

    /** {@link #lines(Table, String, String, String, String, String, String)}, optionally on a log-scale x axis. */
    public static JsonFigure lines(Table t, String x, String y, String group, String title, String xTitle, String yTitle,
                                   boolean logX) {
        if (t.rowCount() == 0) {
            throw new IllegalArgumentException("no rows to plot");
        }
        List<String> groups = new ArrayList<>(new LinkedHashSet<>(t.column(group).asStringColumn().asList()));
        List<Map<String, Object>> traces = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            Table one = t.where(t.column(group).asStringColumn().isEqualTo(groups.get(g)));
            String colour = Palette.categorical(g, groups.size());
            traces.add(FigureStyle.lines(groups.get(g), numbers(one, x), numbers(one, y), colour, "solid"));
        }
        double[] xs = ((NumericColumn<?>) t.column(x)).asDoubleArray();
        Map<String, Object> layout = FigureStyle.layout(title,
                logX ? FigureStyle.logAxis(xTitle, FigureStyle.niceTicks(xs)) : FigureStyle.axis(xTitle),
                FigureStyle.axis(yTitle));
        FigureStyle.legendTitle(layout, group);
        return FigureStyle.figure(layout, traces);
    }

    private static List<Double> numbers(Table t, String column) {
        NumericColumn<?> c = (NumericColumn<?>) t.column(column);
        List<Double> out = new ArrayList<>(c.size());
        for (int i = 0; i < c.size(); i++) {
            out.add(c.getDouble(i));
        }
        return out;
    }
}
