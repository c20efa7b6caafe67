package org.cbtm.present;

import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleFunction;

/**
 * The one style of every figure: fonts, background and grid, margins that grow to fit long tick labels (every axis
 * has {@code automargin}), titles wrapped onto a second line when long, legends, sizes, line dashes and marker
 * symbols. Every figure of the library is built as
 * <pre>{@code
 * FigureStyle.figure(FigureStyle.layout(title, FigureStyle.axis("x title"), FigureStyle.axis("y title")), traces)
 * }</pre>
 * and {@link #axis} and {@link #figure} refuse an axis without a title: a figure whose axes are not named does not
 * get built.
 */
public final class FigureStyle {
    private FigureStyle() {
    }

    /** The width of every figure in a notebook (pixels); {@code Figures.save} renders PNGs at the size it is given. */
    public static final int WIDTH = 900;
    /** The height of an x-y figure. */
    public static final int HEIGHT = 500;
    public static final String FONT_FAMILY = "\"Helvetica Neue\", Helvetica, Arial, \"Liberation Sans\", "
            + "\"DejaVu Sans\", sans-serif";
    public static final int FONT_SIZE = 13;
    public static final int TITLE_SIZE = 16;
    /** A title longer than this is wrapped onto more lines. */
    public static final int TITLE_CHARS = 95;
    private static final List<String> DASHES = List.of("solid", "dash", "dot", "dashdot", "longdash", "longdashdot");
    private static final List<String> SYMBOLS = List.of("circle", "diamond", "square", "triangle-up", "x", "cross",
            "triangle-down", "star");

    // ------------------------------------------------------------------ axes

    /** A linear axis titled {@code title} (required), with room for its tick labels. */
    public static Map<String, Object> axis(String title) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("every axis needs a title: say what is measured and in which unit");
        }
        return map("title", map("text", title, "standoff", 10, "font", map("size", FONT_SIZE + 1)),
                "automargin", true, "showline", true, "linecolor", "#444444", "ticks", "outside", "tickcolor", "#444444",
                "gridcolor", "#e6e6e6", "zeroline", false);
    }

    /** A category axis (bars, box plots, heatmaps) titled {@code title}. */
    public static Map<String, Object> categoryAxis(String title) {
        Map<String, Object> a = axis(title);
        a.put("type", "category");
        return a;
    }

    /** A log-scale axis with ticks exactly at {@code ticks}, labelled by {@code label}. */
    public static Map<String, Object> logAxis(String title, Collection<? extends Number> ticks, DoubleFunction<String> label) {
        Map<String, Object> a = axis(title);
        a.put("type", "log");
        List<Double> values = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (Number t : ticks) {
            values.add(t.doubleValue());
            text.add(label.apply(t.doubleValue()));
        }
        if (!values.isEmpty()) {
            a.put("tickvals", values);
            a.put("ticktext", text);
        }
        return a;
    }

    /** {@link #logAxis(String, Collection, DoubleFunction)} with {@link Formats#shortNumber short} tick labels. */
    public static Map<String, Object> logAxis(String title, Collection<? extends Number> ticks) {
        return logAxis(title, ticks, Formats::shortNumber);
    }

    /** 1-2-5 steps of a log axis covering {@code values} (positive ones), at least two. */
    public static Set<Double> niceTicks(double[] values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
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
                    // rounded, so that 0.1 * 3 does not label a tick 0.30000000000000004
                    out.add(Double.parseDouble(String.format(java.util.Locale.ROOT, "%.12g", t)));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ layouts

    /** The layout of an x-y figure of the standard size. */
    public static Map<String, Object> layout(String title, Map<String, Object> xAxis, Map<String, Object> yAxis) {
        return layout(title, xAxis, yAxis, WIDTH, HEIGHT);
    }

    /**
     * The layout of a figure: the title (wrapped when long), fonts, white background with a light grid, margins (the
     * axes grow them for long tick labels), the legend to the right, closest-point hover, and the two axes.
     */
    public static Map<String, Object> layout(String title, Map<String, Object> xAxis, Map<String, Object> yAxis,
                                             int width, int height) {
        requireTitled("xaxis", xAxis);
        requireTitled("yaxis", yAxis);
        String text = wrap(title == null ? "" : title, TITLE_CHARS);
        int lines = text.isEmpty() ? 0 : text.split("<br>", -1).length;
        return map("title", map("text", text, "x", 0, "xref", "paper", "xanchor", "left", "y", 0.98, "yref", "container",
                        "yanchor", "top", "font", map("size", TITLE_SIZE)),
                "font", map("family", FONT_FAMILY, "size", FONT_SIZE, "color", "#222222"),
                "width", width, "height", height,
                "margin", map("l", 70, "r", 30, "t", 40 + 24 * Math.max(1, lines), "b", 60, "pad", 2),
                "paper_bgcolor", "#ffffff", "plot_bgcolor", "#ffffff",
                "colorway", Palette.CATEGORICAL,
                "legend", map("bgcolor", "rgba(255,255,255,0.85)", "borderwidth", 0, "tracegroupgap", 4),
                "hovermode", "closest",
                "hoverlabel", map("font", map("family", FONT_FAMILY)),
                "xaxis", xAxis, "yaxis", yAxis);
    }

    /**
     * The figure: checks that every axis of the layout has a title (a figure with an unnamed axis is refused) and
     * wraps layout and traces.
     */
    public static JsonFigure figure(Map<String, Object> layout, List<Map<String, Object>> traces) {
        boolean x = false;
        boolean y = false;
        for (var e : layout.entrySet()) {
            if (e.getKey().matches("[xy]axis\\d*")) {
                requireTitled(e.getKey(), e.getValue());
                x |= e.getKey().startsWith("x");
                y |= e.getKey().startsWith("y");
            }
        }
        if (!x || !y) {
            throw new IllegalArgumentException("a figure needs a titled x axis and a titled y axis");
        }
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("nothing to plot: the figure has no trace");
        }
        return new JsonFigure(layout, traces);
    }

    /** Gives the legend of {@code layout} a title; returns the layout. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> legendTitle(Map<String, Object> layout, String text) {
        ((Map<String, Object>) layout.get("legend")).put("title", map("text", text));
        return layout;
    }

    /** The title text of an axis map ({@code {"title": {"text": ...}}}), or null. */
    public static String axisTitle(Object axis) {
        if (axis instanceof Map<?, ?> a && a.get("title") instanceof Map<?, ?> t && t.get("text") != null) {
            return t.get("text").toString();
        }
        return null;
    }

    private static void requireTitled(String name, Object axis) {
        String t = axisTitle(axis);
        if (t == null || t.isBlank()) {
            throw new IllegalArgumentException("the " + name + " of a figure needs a title");
        }
    }

    /** Breaks a long title at spaces into lines of at most {@code width} characters, joined with {@code <br>}. */
    public static String wrap(String title, int width) {
        if (title.length() <= width || title.contains("<br>")) {
            return title;
        }
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : title.split(" ")) {
            int lineLength = out.length() - lineStart;
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                out.append("<br>");
                lineStart = out.length();
            } else if (lineLength > 0) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ traces

    /** Line dash {@code i} (solid, dash, dot, ...; cycling). */
    public static String dash(int i) {
        return DASHES.get(Math.floorMod(i, DASHES.size()));
    }

    /** Marker symbol {@code i} (circle, diamond, square, ...; cycling). */
    public static String symbol(int i) {
        return SYMBOLS.get(Math.floorMod(i, SYMBOLS.size()));
    }

    /** A line trace's {@code line}: colour, dash, width. */
    public static Map<String, Object> line(String colour, String dash, double width) {
        return map("color", colour, "dash", dash, "width", width);
    }

    /** A scatter trace with lines and markers. */
    public static Map<String, Object> lines(String name, List<?> x, List<?> y, String colour, String dash) {
        return map("type", "scatter", "mode", "lines+markers", "name", name, "x", x, "y", y,
                "line", line(colour, dash, 2), "marker", map("color", colour, "size", 7));
    }

    /** A dotted or dashed reference line across the plot at {@code y} (a layout shape, not in the legend). */
    public static Map<String, Object> horizontalRule(double y) {
        return map("type", "line", "xref", "paper", "x0", 0, "x1", 1, "yref", "y", "y0", y, "y1", y,
                "line", map("color", Palette.REFERENCE, "width", 1, "dash", "dot"));
    }

    /** A height that gives each of {@code rows} bars, boxes or heatmap rows {@code perRow} pixels, within bounds. */
    public static int heightFor(int rows, int perRow, int extra) {
        return Math.max(360, Math.min(1600, extra + perRow * rows));
    }
}
