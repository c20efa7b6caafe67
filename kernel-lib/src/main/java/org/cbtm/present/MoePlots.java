package org.cbtm.present;

import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import tech.tablesaw.api.Table;

/**
 * Figures of the MoE comparison (methods 4-6): perplexity against training FLOPs per method, the load of each expert
 * over training, and the fraction of token slots dropped for capacity. Inputs are the tables of
 * {@code org.cbtm.experiment.MoeComparison} and the {@code routing.csv} logs of MoE runs.
 */
public final class MoePlots {

    private MoePlots() {
    }

    /**
     * Test perplexity against training FLOPs (log axis), one line per method ({@code method}, {@code training_flops},
     * {@code perplexity} columns), points in FLOPs order and labelled with the budget they are matched to.
     */
    public static JsonFigure perplexityVsFlops(Table comparison, String title) {
        if (comparison.rowCount() == 0) {
            throw new IllegalArgumentException("no rows to plot in '" + comparison.name() + "'");
        }
        Map<String, TreeMap<Double, double[]>> byMethod = new LinkedHashMap<>();
        for (int i = 0; i < comparison.rowCount(); i++) {
            double flops = comparison.numberColumn("training_flops").getDouble(i);
            if (Double.isNaN(flops)) {
                continue;
            }
            byMethod.computeIfAbsent(comparison.stringColumn("method").get(i), m -> new TreeMap<>())
                    .put(flops, new double[] {comparison.numberColumn("perplexity").getDouble(i),
                            comparison.numberColumn("budget").getDouble(i)});
        }
        List<Map<String, Object>> traces = new ArrayList<>();
        List<Double> allFlops = new ArrayList<>();
        int i = 0;
        for (var e : byMethod.entrySet()) {
            List<Double> x = new ArrayList<>(e.getValue().keySet());
            allFlops.addAll(x);
            List<Double> y = e.getValue().values().stream().map(v -> v[0]).toList();
            List<String> text = e.getValue().values().stream()
                    .map(v -> String.format(Locale.ROOT, "budget %,.0f tokens", v[1])).toList();
            Map<String, Object> trace = FigureStyle.lines(e.getKey(), x, y, Palette.method(e.getKey()), FigureStyle.dash(i));
            trace.put("mode", "lines+markers");
            trace.put("marker", map("size", 9, "symbol", FigureStyle.symbol(i++)));
            trace.put("text", text);
            trace.put("hovertemplate", e.getKey() + "<br>%{text}<br>%{x:.3g} FLOPs: perplexity %{y:.1f}<extra></extra>");
            traces.add(trace);
        }
        Map<String, Object> xAxis = FigureStyle.logAxis("training FLOPs after the seed (6 x active non-embedding params x tokens)",
                FigureStyle.niceTicks(allFlops.stream().mapToDouble(Double::doubleValue).toArray()));
        return FigureStyle.figure(FigureStyle.layout(title, xAxis, FigureStyle.axis("test perplexity")), traces);
    }

    /**
     * Expert load over training in one MoE run: rows are the experts of each MoE layer, columns the log steps, each
     * cell the fraction of the interval's tokens whose first choice was that expert (1 / E everywhere is perfect
     * balance). Input: a routing table ({@code model}, {@code step}, {@code layer}, {@code expert},
     * {@code first_choice}).
     */
    public static JsonFigure expertLoad(Table routing, String model, String title) {
        TreeSet<Long> steps = new TreeSet<>();
        Map<String, Map<Long, Double>> rows = new TreeMap<>(MoePlots::byLayerThenExpert);
        int experts = 0;
        for (int i = 0; i < routing.rowCount(); i++) {
            if (routing.columnNames().contains("model") && !routing.stringColumn("model").get(i).equals(model)) {
                continue;
            }
            long step = (long) routing.numberColumn("step").getDouble(i);
            int e = (int) routing.numberColumn("expert").getDouble(i);
            experts = Math.max(experts, e + 1);
            steps.add(step);
            rows.computeIfAbsent(routing.stringColumn("layer").get(i) + " · expert " + e, r -> new TreeMap<>())
                    .put(step, routing.numberColumn("first_choice").getDouble(i));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no routing rows of '" + model + "' to plot");
        }
        List<String> names = new ArrayList<>(rows.keySet());
        double[][] z = new double[names.size()][steps.size()];
        int r = 0;
        for (String n : names) {
            int c = 0;
            for (long s : steps) {
                z[r][c++] = rows.get(n).getOrDefault(s, Double.NaN);
            }
            r++;
        }
        List<String> cols = steps.stream().map(s -> "step " + s).toList();
        Map<String, Object> trace = map("type", "heatmap", "x", cols, "y", names, "z", z, "colorscale", Palette.BLUES,
                "zmin", 0, "zmax", Math.min(1, 2.0 / Math.max(1, experts)), "xgap", 1, "ygap", 1,
                "hovertemplate", "%{y}, %{x}: first choice of %{z:.1%} of the tokens<extra></extra>",
                "colorbar", map("title", map("text", "share of<br>first choices")));
        Map<String, Object> layout = FigureStyle.layout(title, FigureStyle.categoryAxis("training step (end of log interval)"),
                FigureStyle.categoryAxis("MoE layer · expert"));
        layout.put("height", FigureStyle.heightFor(names.size(), 26, 220));
        return FigureStyle.figure(layout, List.of(trace));
    }

    /** Fraction of token slots dropped for capacity against the training step, one line per run and MoE layer. */
    public static JsonFigure droppedTokens(Table routing, String title) {
        Map<String, TreeMap<Long, Double>> lines = new LinkedHashMap<>();
        for (int i = 0; i < routing.rowCount(); i++) {
            if ((int) routing.numberColumn("expert").getDouble(i) != 0) {
                continue; // the dropped fraction repeats on every expert row of a layer
            }
            String run = routing.columnNames().contains("model") ? routing.stringColumn("model").get(i) + ", " : "";
            lines.computeIfAbsent(run + routing.stringColumn("layer").get(i), k -> new TreeMap<>())
                    .put((long) routing.numberColumn("step").getDouble(i), routing.numberColumn("dropped").getDouble(i));
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("no routing rows to plot");
        }
        List<Map<String, Object>> traces = new ArrayList<>();
        int i = 0;
        for (var e : lines.entrySet()) {
            Map<String, Object> t = FigureStyle.lines(e.getKey(), new ArrayList<>(e.getValue().keySet()),
                    new ArrayList<>(e.getValue().values()), Palette.categorical(i, lines.size()), FigureStyle.dash(i));
            t.put("mode", "lines+markers");
            traces.add(t);
            i++;
        }
        Map<String, Object> yAxis = FigureStyle.axis("token slots dropped (capacity factor 2)");
        yAxis.put("tickformat", ".0%");
        yAxis.put("rangemode", "tozero");
        return FigureStyle.figure(FigureStyle.layout(title, FigureStyle.axis("training step"), yAxis), traces);
    }

    /** "h3.moe · expert 10" sorts by layer number, then expert number. */
    private static int byLayerThenExpert(String a, String b) {
        long[] x = numbers(a);
        long[] y = numbers(b);
        return x[0] != y[0] ? Long.compare(x[0], y[0]) : x[1] != y[1] ? Long.compare(x[1], y[1]) : a.compareTo(b);
    }

    private static long[] numbers(String s) {
        String[] parts = s.replaceAll("[^0-9]+", " ").trim().split(" ");
        long layer = parts.length > 0 && !parts[0].isEmpty() ? Long.parseLong(parts[0]) : 0;
        long expert = parts.length > 1 ? Long.parseLong(parts[parts.length - 1]) : 0;
        return new long[] {layer, expert};
    }
}
