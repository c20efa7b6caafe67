package org.cbtm.corpus;

import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.api.HorizontalBarPlot;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.BoxTrace;
import tech.tablesaw.plotly.traces.HistogramTrace;
import tech.tablesaw.plotly.traces.Trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plotly figures of corpus statistics (Tablesaw's jsplot), for notebook 01. */
public final class CorpusPlots {

    /** At most this many passages per source go into a length plot (an even stride over the source). */
    public static final int MAX_POINTS_PER_SOURCE = 3000;

    private CorpusPlots() {
    }

    /** Bars: passages per source. */
    public static Figure passagesBySource(CorpusStats stats) {
        return HorizontalBarPlot.create("Passages per source", stats.bySource(), "source", "passages");
    }

    /** Bars: tokens per source. */
    public static Figure tokensBySource(CorpusStats stats) {
        return HorizontalBarPlot.create("Tokens per source", stats.bySource(), "source", "tokens");
    }

    /** Bars: passages per label of one source (largest first, at most {@code top} labels). */
    public static Figure labels(CorpusStats stats, String source, int top) {
        Table t = stats.bySourceAndLabel();
        t = t.where(t.stringColumn("source").isEqualTo(source)).sortDescendingOn("passages").first(top)
                .sortAscendingOn("passages");
        return HorizontalBarPlot.create("Passages per label: " + source, t, "label", "passages");
    }

    /** Box plot of tokens per passage, one box per source. */
    public static Figure lengthBoxes(CorpusStats stats) {
        Map<String, List<Integer>> bySource = sampleLengths(stats);
        List<Trace> traces = new ArrayList<>();
        bySource.forEach((s, v) -> {
            Object[] x = new Object[v.size()];
            java.util.Arrays.fill(x, s);
            traces.add(BoxTrace.builder(x, v.stream().mapToDouble(Integer::doubleValue).toArray()).name(s).build());
        });
        Layout layout = Layout.builder().title("Tokens per passage by source").showLegend(false)
                .yAxis(Axis.builder().title("tokens per passage").type(Axis.Type.LOG).build()).build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    /** Overlaid histograms (probability-normalised) of tokens per passage, one per source. */
    public static Figure lengthHistogram(CorpusStats stats) {
        Map<String, List<Integer>> bySource = sampleLengths(stats);
        List<Trace> traces = new ArrayList<>();
        bySource.forEach((s, v) -> traces.add(HistogramTrace.builder(v.stream().mapToDouble(Integer::doubleValue).toArray())
                .name(s).opacity(0.55).nBinsX(60).histNorm(HistogramTrace.HistNorm.PROBABILITY).build()));
        Layout layout = Layout.builder().title("Distribution of passage lengths").barMode(Layout.BarMode.OVERLAY)
                .xAxis(Axis.builder().title("tokens per passage").build())
                .yAxis(Axis.builder().title("share of passages").build()).build();
        return new Figure(layout, traces.toArray(new Trace[0]));
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
