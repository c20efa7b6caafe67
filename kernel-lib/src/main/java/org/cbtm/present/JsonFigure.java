package org.cbtm.present;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.HoverLabel;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.Trace;

/**
 * A Plotly figure written as plain JSON (layout and traces are maps), for what Tablesaw's templates cannot say:
 * heatmap colour scales and cell texts, grouped box plots, line dashes, per-trace colours, reversed axes. It is a
 * Tablesaw {@link Figure}, so the notebook renderer and {@code Figures.save} treat it like any other: only
 * {@link #asJavascript(String)} is replaced (Tablesaw's heatmap template, for one, names every heatmap
 * {@code trace0} whatever its position). Every figure of this package is one, built through {@link FigureStyle}.
 */
public final class JsonFigure extends Figure {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> layout;
    private final List<Map<String, Object>> traces;

    public JsonFigure(Map<String, Object> layout, List<Map<String, Object>> traces) {
        // the Tablesaw layout carries only the title, for the plain-text description of the figure
        super(Layout.builder().title(titleOf(layout)).build(), asTraces(traces));
        this.layout = new LinkedHashMap<>(layout);
        this.traces = List.copyOf(traces);
    }

    private static String titleOf(Map<String, Object> layout) {
        Object t = layout.get("title");
        if (t instanceof Map<?, ?> m) {
            t = m.get("text");
        }
        return t == null ? "" : t.toString();
    }

    private static Trace[] asTraces(List<Map<String, Object>> traces) {
        List<Trace> out = new ArrayList<>();
        for (Map<String, Object> t : traces) {
            out.add(new Trace() {
                @Override
                public String asJavascript(int i) {
                    return "var trace" + i + " = " + json(t) + ";";
                }

                @Override
                public String name() {
                    return String.valueOf(t.getOrDefault("name", ""));
                }

                @Override
                public HoverLabel hoverLabel() {
                    return null;
                }

                @Override
                public boolean showLegend() {
                    return !Boolean.FALSE.equals(t.get("showlegend"));
                }
            });
        }
        return out.toArray(new Trace[0]);
    }

    /** The layout as JSON (for tests and for inspection). */
    public String layoutJson() {
        return json(layout);
    }

    /** The traces as a JSON array. */
    public String dataJson() {
        return json(traces);
    }

    /** The traces (for tests). */
    public List<Map<String, Object>> traceMaps() {
        return traces;
    }

    /** Same shape as Tablesaw's output: a script that looks the div up and calls {@code Plotly.newPlot}. */
    @Override
    public String asJavascript(String divName) {
        return "<script>\n"
                + "var target_" + divName + " = document.getElementById('" + divName + "');\n"
                + "var layout = " + layoutJson() + ";\n"
                + "var data = " + dataJson() + ";\n"
                + "Plotly.newPlot(target_" + divName + ", data, layout);\n"
                + "</script>";
    }

    /**
     * JSON text safe inside a script element: {@code <} only occurs inside JSON strings, where {@code \u003c}
     * means the same, so no text (a term, a label) can close the script early.
     */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write figure data as JSON: " + e.getMessage(), e);
        }
    }

    /** A mutable ordered map from alternating keys and values, for building layouts and traces briefly. */
    public static Map<String, Object> map(Object... kv) {
        if (kv.length % 2 != 0) {
            throw new IllegalArgumentException("map needs key, value pairs");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
