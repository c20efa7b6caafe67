package org.cbtm.present;

import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cbtm.corpus.CorpusStats;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Figures of corpus statistics ({@link CorpusStats}), for notebook 01: bars per source and per label, passage length
 * boxes and histograms. Each source keeps one categorical colour in every figure of a {@link CorpusStats}.
 */
public final class CorpusPlots {

    /** At most this many passages per source go into a length plot (an even stride over the source). */
    public static final int MAX_POINTS_PER_SOURCE = 3000;
    /** The number of bins of {@link #lengthHistogram} up to the 99th percentile of the lengths. */
    static final int HISTOGRAM_BINS = 60;

    private CorpusPlots() {
    }

    /** Bars: passages per source. */
    public static JsonFigure passagesBySource(CorpusStats stats) {
        return sourceBars(stats, "passages", "Passages per source", "passages");
    }

    /** Bars: tokens per source. */
    public static JsonFigure tokensBySource(CorpusStats stats) {
        return sourceBars(stats, "tokens", "Tokens per source", "tokens (corpus tokenizer)");
    }

    private static JsonFigure sourceBars(CorpusStats stats, String column, String title, String xTitle) {
        Table t = stats.bySource();
        List<String> sources = t.stringColumn("source").asList();
        Map<String, String> colour = sourceColours(stats);
        List<String> colours = sources.stream().map(colour::get).toList();
        return bars(sources, numbers(t, column), colours, title, xTitle, "source");
    }

    /** Bars: passages per label of one source (largest first, at most {@code top} labels). */
    public static JsonFigure labels(CorpusStats stats, String source, int top) {
        Table t = stats.bySourceAndLabel();
        t = t.where(t.stringColumn("source").isEqualTo(source)).sortDescendingOn("passages").first(top);
        if (t.rowCount() == 0) {
            throw new IllegalArgumentException("no passages of source '" + source + "'");
        }
        List<String> labels = t.stringColumn("label").asList();
        String colour = sourceColours(stats).get(source);
        return bars(labels, numbers(t, "passages"), labels.stream().map(l -> colour).toList(),
                "Passages per label: " + source, "passages", "label (" + source + ")");
    }

    /** Horizontal bars, the first category on top; the category axis grows to fit long labels. */
    private static JsonFigure bars(List<String> categories, List<Double> values, List<String> colours, String title,
                                   String xTitle, String yTitle) {
        Map<String, Object> trace = map("type", "bar", "orientation", "h", "x", values, "y", categories,
                "marker", map("color", colours), "showlegend", false,
                "hovertemplate", "%{y}: %{x:,}<extra></extra>");
        Map<String, Object> y = FigureStyle.categoryAxis(yTitle);
        y.put("autorange", "reversed");
        y.put("showgrid", false);
        Map<String, Object> layout = FigureStyle.layout(title, FigureStyle.axis(xTitle), y, FigureStyle.WIDTH,
                FigureStyle.heightFor(categories.size(), 24, 160));
        layout.put("bargap", 0.25);
        return FigureStyle.figure(layout, List.of(trace));
    }

    /** Box plot of tokens per passage (log axis), one box per source. */
    public static JsonFigure lengthBoxes(CorpusStats stats) {
        Map<String, List<Integer>> bySource = sampleLengths(stats);
        Map<String, String> colour = sourceColours(stats);
        List<Map<String, Object>> traces = new ArrayList<>();
        bySource.forEach((s, v) -> traces.add(map("type", "box", "name", s, "y", v,
                "marker", map("color", colour.get(s), "size", 3), "line", map("width", 1.5),
                "boxpoints", "outliers", "showlegend", false)));
        Map<String, Object> y = FigureStyle.axis("tokens per passage (log scale)");
        y.put("type", "log");
        Map<String, Object> layout = FigureStyle.layout("Tokens per passage by source",
                FigureStyle.categoryAxis("source"), y);
        return FigureStyle.figure(layout, traces);
    }

    /**
     * Overlaid histograms of tokens per passage, one per source, as shares of the source's passages. Every source
     * uses the same bins, and the axis ends at the 99th percentile of all lengths, so the long tail does not squeeze
     * the distributions into a corner (zoom out to see the tail).
     */
    public static JsonFigure lengthHistogram(CorpusStats stats) {
        Map<String, List<Integer>> bySource = sampleLengths(stats);
        int[] all = bySource.values().stream().flatMap(List::stream).mapToInt(Integer::intValue).sorted().toArray();
        if (all.length == 0) {
            throw new IllegalArgumentException("no passages to plot");
        }
        int p99 = all[Math.min(all.length - 1, (int) Math.ceil(0.99 * all.length) - 1)];
        int max = all[all.length - 1];
        double size = Math.max(1, Math.ceil(Math.max(1, p99) / (double) HISTOGRAM_BINS));
        Map<String, String> colour = sourceColours(stats);
        List<Map<String, Object>> traces = new ArrayList<>();
        bySource.forEach((s, v) -> traces.add(map("type", "histogram", "name", s, "x", v,
                "histnorm", "probability", "opacity", 0.55,
                "xbins", map("start", 0, "end", max + size, "size", size),
                "marker", map("color", colour.get(s), "line", map("width", 0)),
                "hovertemplate", s + ": %{y:.1%} of its passages have %{x} tokens<extra></extra>")));
        Map<String, Object> x = FigureStyle.axis(p99 < max
                ? "tokens per passage (up to the 99th percentile, " + Formats.integer().format(p99) + "; longest "
                        + Formats.integer().format(max) + ")"
                : "tokens per passage");
        x.put("range", List.of(0, p99 + size));
        Map<String, Object> y = FigureStyle.axis("share of the source's passages");
        y.put("tickformat", ".0%");
        Map<String, Object> layout = FigureStyle.layout("Distribution of passage lengths", x, y);
        layout.put("barmode", "overlay");
        layout.put("bargap", 0);
        FigureStyle.legendTitle(layout, "source");
        return FigureStyle.figure(layout, traces);
    }

    /** The colour of each source: its place among the sources of {@code stats} in the categorical sequence. */
    static Map<String, String> sourceColours(CorpusStats stats) {
        List<String> sources = stats.bySource().stringColumn("source").asList();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            out.put(sources.get(i), Palette.categorical(i, sources.size()));
        }
        return out;
    }

    private static List<Double> numbers(Table t, String column) {
        return Arrays.stream(((NumericColumn<?>) t.column(column)).asDoubleArray()).boxed().toList();
    }

    static Map<String, List<Integer>> sampleLengths(CorpusStats stats) {
        Map<String, List<Integer>> all = new LinkedHashMap<>();
        for (CorpusStats.Row r : stats.rows()) {
            all.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(r.tokens());
        }
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        all.forEach((s, v) -> {
            int stride = Math.max(1, (v.size() + MAX_POINTS_PER_SOURCE - 1) / MAX_POINTS_PER_SOURCE);
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < v.size(); i += stride) {
                kept.add(v.get(i));
            }
            out.put(s, kept);
        });
        return out;
    }
}
