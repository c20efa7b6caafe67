package org.cbtm.ensemble;

import org.cbtm.eval.ResultColumns;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.components.Line;
import tech.tablesaw.plotly.components.Marker;
import tech.tablesaw.plotly.components.Symbol;
import tech.tablesaw.plotly.components.TickSettings;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

/**
 * Figures of the sparse-ensemble notebook (05), from the result tables of {@code CbtmExperiment.runGrid} (columns
 * {@code clustering, k, top_k, temperature, distance, perplexity, inference_params}) and of
 * {@link org.cbtm.route.RoutingStats}. One colour per number of experts K; the dense model (K = 1) is grey.
 * Callers select the rows to draw (e.g. the top-k sweep at the default temperature); the figures draw every row
 * they get.
 */
public final class EnsemblePlots {
    /** Plotly's default colour cycle. */
    static final List<String> PALETTE = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf");
    static final String DENSE_COLOUR = "#555555";

    private EnsemblePlots() {
    }

    /**
     * Perplexity against top-k (categories "1", "2", ..., "all"; "all" is top-k = K), one line per K over the
     * ensemble rows of {@code rows}; a grey dashed line marks the dense model when {@code rows} has a dense row.
     */
    public static Figure perplexityByTopK(Table rows, String title) {
        Table ens = ensembleRows(rows);
        List<String> categories = topKCategories(ens);
        List<Trace> traces = new ArrayList<>();
        // Plotly orders categories by first appearance over the traces: the first trace must have them all
        double dense = densePerplexity(rows);
        if (!Double.isNaN(dense)) {
            traces.add(line("dense (K = 1)", categories, categories.stream().map(c -> dense).toList(), DENSE_COLOUR,
                    Line.Dash.DASH, Symbol.CIRCLE));
        }
        List<Integer> ks = ks(ens);
        List<Trace> lines = new ArrayList<>();
        int mostCategories = 0;
        for (int g = 0; g < ks.size(); g++) {
            int k = ks.get(g);
            List<String> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (String cat : categories) {
                for (int i = 0; i < ens.rowCount(); i++) {
                    if (ens.intColumn("k").getInt(i) == k && topKLabel(ens, i).equals(cat)) {
                        x.add(cat);
                        y.add(ens.doubleColumn("perplexity").getDouble(i));
                        break;
                    }
                }
            }
            Trace t = line("K = " + k, x, y, colour(g), Line.Dash.SOLID, Symbol.CIRCLE);
            if (Double.isNaN(dense) && x.size() > mostCategories) {
                lines.add(0, t);
                mostCategories = x.size();
            } else {
                lines.add(t);
            }
        }
        traces.addAll(lines);
        Layout layout = Layout.builder().title(title).width(900).height(480)
                .xAxis(Axis.builder().title("experts kept per position (top-k)").type(Axis.Type.CATEGORY).build())
                .yAxis(Axis.builder().title("test perplexity").build()).build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    /**
     * Perplexity against inference parameters per token (log axis): one line per K through its top-k points
     * (hover: top-k), and the dense model as a grey star.
     */
    public static Figure perplexityVsParameters(Table rows, String title, String xTitle) {
        Table ens = ensembleRows(rows);
        List<Trace> traces = new ArrayList<>();
        int g = 0;
        for (int k : ks(ens)) {
            Table one = ens.where(ens.intColumn("k").isEqualTo(k)).sortAscendingOn("inference_params");
            double[] x = one.doubleColumn("inference_params").asDoubleArray();
            double[] y = one.doubleColumn("perplexity").asDoubleArray();
            String[] text = new String[one.rowCount()];
            for (int i = 0; i < text.length; i++) {
                text[i] = "K = " + k + ", top-" + topKLabel(one, i);
            }
            traces.add(ScatterTrace.builder(x, y).mode(ScatterTrace.Mode.LINE_AND_MARKERS).name("K = " + k)
                    .text(text).line(Line.builder().color(colour(g)).width(2).build())
                    .marker(Marker.builder().color(colour(g)).size(9).build()).build());
            g++;
        }
        Table dense = rows.where(rows.stringColumn("clustering").isEqualTo("dense"));
        if (dense.rowCount() > 0) {
            traces.add(ScatterTrace.builder(dense.doubleColumn("inference_params").asDoubleArray(),
                            dense.doubleColumn("perplexity").asDoubleArray()).mode(ScatterTrace.Mode.MARKERS)
                    .name("dense (K = 1)").text(new String[] {"dense"})
                    .marker(Marker.builder().color(DENSE_COLOUR).size(14).symbol(Symbol.STAR).build()).build());
        }
        Layout layout = Layout.builder().title(title).width(900).height(480)
                .xAxis(logAxis(xTitle, niceTicks(rows.doubleColumn("inference_params").asDoubleArray())))
                .yAxis(Axis.builder().title("test perplexity").build()).build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    /**
     * Perplexity against the temperature T (log axis): one line per K and distance form (solid: the paper's
     * {@code d/T}, dashed: the reference code's {@code d^2/T}); the dense model as a grey dashed line.
     */
    public static Figure perplexityByTemperature(Table rows, String title) {
        Table ens = ensembleRows(rows);
        List<Trace> traces = new ArrayList<>();
        Set<Double> ts = new TreeSet<>();
        int g = 0;
        for (int k : ks(ens)) {
            for (String form : distinct(ens.stringColumn("distance"))) {
                Table one = ens.where(ens.intColumn("k").isEqualTo(k).and(ens.stringColumn("distance").isEqualTo(form)))
                        .sortAscendingOn("temperature");
                double[] x = one.doubleColumn("temperature").asDoubleArray();
                for (double t : x) {
                    ts.add(t);
                }
                boolean paper = form.equals("paper");
                traces.add(ScatterTrace.builder(x, one.doubleColumn("perplexity").asDoubleArray())
                        .mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                        .name("K = " + k + (paper ? ", exp(-d/T)" : ", exp(-d²/T)"))
                        .line(Line.builder().color(colour(g)).width(2).dash(paper ? Line.Dash.SOLID : Line.Dash.DASH).build())
                        .marker(Marker.builder().color(colour(g)).size(8).symbol(paper ? Symbol.CIRCLE : Symbol.DIAMOND).build())
                        .build());
            }
            g++;
        }
        double dense = densePerplexity(rows);
        if (!Double.isNaN(dense) && !ts.isEmpty()) {
            double[] x = {((TreeSet<Double>) ts).first(), ((TreeSet<Double>) ts).last()};
            traces.add(ScatterTrace.builder(x, new double[] {dense, dense}).mode(ScatterTrace.Mode.LINE)
                    .name("dense (K = 1)").line(Line.builder().color(DENSE_COLOUR).dash(Line.Dash.DASH).build()).build());
        }
        Layout layout = Layout.builder().title(title).width(900).height(480)
                .xAxis(logAxis("temperature T", ts))
                .yAxis(Axis.builder().title("test perplexity").build()).build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    /**
     * Lines of {@code y} against {@code x}, one per value of {@code group} in first-seen order (for the
     * {@link org.cbtm.route.RoutingStats} distributions and by-position tables).
     */
    public static Figure lines(Table t, String x, String y, String group, String title, String xTitle, String yTitle) {
        return lines(t, x, y, group, title, xTitle, yTitle, false);
    }

    /** {@link #lines(Table, String, String, String, String, String, String)}, optionally on a log-scale x axis. */
    public static Figure lines(Table t, String x, String y, String group, String title, String xTitle, String yTitle,
                               boolean logX) {
        if (t.rowCount() == 0) {
            throw new IllegalArgumentException("no rows to plot");
        }
        List<Trace> traces = new ArrayList<>();
        int g = 0;
        for (String name : distinct(t.column(group).asStringColumn())) {
            Table one = t.where(t.column(group).asStringColumn().isEqualTo(name));
            traces.add(ScatterTrace.builder(numbers(one, x), numbers(one, y)).mode(ScatterTrace.Mode.LINE_AND_MARKERS)
                    .name(name).line(Line.builder().color(colour(g)).width(2).build())
                    .marker(Marker.builder().color(colour(g)).size(5).build()).build());
            g++;
        }
        Layout layout = Layout.builder().title(title).width(900).height(460)
                .xAxis(logX ? logAxis(xTitle, niceTicks(numbers(t, x))) : Axis.builder().title(xTitle).build())
                .yAxis(Axis.builder().title(yTitle).build()).build();
        return new Figure(layout, traces.toArray(new Trace[0]));
    }

    // ------------------------------------------------------------------ helpers

    /** The "top-k" category of row {@code i}: the number kept, or "all" when every expert is kept. */
    static String topKLabel(Table t, int i) {
        int top = ResultColumns.topK(t, i);
        return top >= t.intColumn("k").getInt(i) ? "all" : Integer.toString(top);
    }

    private static List<String> topKCategories(Table ens) {
        TreeSet<Integer> numbers = new TreeSet<>();
        boolean all = false;
        for (int i = 0; i < ens.rowCount(); i++) {
            String l = topKLabel(ens, i);
            if (l.equals("all")) {
                all = true;
            } else {
                numbers.add(Integer.parseInt(l));
            }
        }
        List<String> out = new ArrayList<>();
        numbers.forEach(n -> out.add(Integer.toString(n)));
        if (all) {
            out.add("all");
        }
        return out;
    }

    private static Table ensembleRows(Table rows) {
        Table ens = rows.where(rows.stringColumn("clustering").isNotEqualTo("dense"));
        if (ens.rowCount() == 0) {
            throw new IllegalArgumentException("no ensemble rows (K > 1) to plot");
        }
        return ens;
    }

    private static double densePerplexity(Table rows) {
        Table dense = rows.where(rows.stringColumn("clustering").isEqualTo("dense"));
        return dense.rowCount() == 0 ? Double.NaN : dense.doubleColumn("perplexity").getDouble(0);
    }

    private static List<Integer> ks(Table t) {
        return new ArrayList<>(new TreeSet<>(t.intColumn("k").asList()));
    }

    private static List<String> distinct(StringColumn c) {
        Set<String> s = new LinkedHashSet<>(c.asList());
        return new ArrayList<>(s);
    }

    private static double[] numbers(Table t, String column) {
        return ((NumericColumn<?>) t.column(column)).asDoubleArray();
    }

    private static Trace line(String name, List<String> x, List<Double> y, String colour, Line.Dash dash, Symbol symbol) {
        return ScatterTrace.builder(StringColumn.create("x", x), DoubleColumn.create("y", y))
                .mode(ScatterTrace.Mode.LINE_AND_MARKERS).name(name)
                .line(Line.builder().color(colour).width(2).dash(dash).build())
                .marker(Marker.builder().color(colour).size(8).symbol(symbol).build()).build();
    }

    /** 1-2-5 steps of a log axis covering {@code values}, at least two. */
    public static Set<Double> niceTicks(double[] values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (double v : values) {
            if (v > 0) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        TreeSet<Double> out = new TreeSet<>();
        if (hi == 0) {
            return out;
        }
        for (double decade = Math.pow(10, Math.floor(Math.log10(lo))); decade <= hi * 10; decade *= 10) {
            for (double m : new double[] {1, 2, 5}) {
                double t = m * decade;
                if (t >= lo / 2.5 && t <= hi * 2.5) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** "500k", "1.2M", "0.03": short tick labels. */
    public static String shortNumber(double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** A log-scale axis with ticks exactly at {@code ticks}, labelled {@link #shortNumber short}. */
    public static Axis logAxis(String title, Set<Double> ticks) {
        double[] v = ticks.stream().mapToDouble(Double::doubleValue).toArray();
        String[] labels = ticks.stream().map(EnsemblePlots::shortNumber).toArray(String[]::new);
        return Axis.builder().title(title).type(Axis.Type.LOG)
                .tickSettings(TickSettings.builder().tickMode(TickSettings.TickMode.ARRAY).arrayTicks(v, labels).build())
                .build();
    }

    /** Colour {@code i} of the palette (cycling). */
    public static String colour(int i) {
        return PALETTE.get(i % PALETTE.size());
    }
}
