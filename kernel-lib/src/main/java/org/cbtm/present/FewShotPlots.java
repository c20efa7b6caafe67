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
 * Figures of the few-shot evaluation (methods 1.5), from the tables of {@code org.cbtm.fewshot.FewShotResult}:
 * accuracy against the number of demonstrations, and which expert each task's prompts are routed to.
 */
public final class FewShotPlots {

    private FewShotPlots() {
    }

    /**
     * Accuracy averaged over tasks against the number of shots, one line per model and scoring ({@code scoring}
     * column: direct, calibrated; baselines dashed and grey). Columns: model, task, shots, scoring, accuracy.
     */
    public static JsonFigure accuracyVsShots(Table summary, String title) {
        if (summary.rowCount() == 0) {
            throw new IllegalArgumentException("no rows to plot in '" + summary.name() + "'");
        }
        // series -> shots -> accuracies of the tasks
        Map<String, TreeMap<Integer, List<Double>>> series = new LinkedHashMap<>();
        Map<String, Boolean> baseline = new LinkedHashMap<>();
        TreeSet<Integer> allShots = new TreeSet<>();
        for (int i = 0; i < summary.rowCount(); i++) {
            String model = summary.stringColumn("model").get(i);
            String scoring = summary.stringColumn("scoring").get(i);
            int shots = (int) summary.numberColumn("shots").getDouble(i);
            allShots.add(shots);
            boolean isBaseline = scoring.equals("baseline");
            String name = isBaseline || scoring.equals("direct") ? model : model + " (calibrated)";
            baseline.put(name, isBaseline);
            series.computeIfAbsent(name, n -> new TreeMap<>()).computeIfAbsent(shots, s -> new ArrayList<>())
                    .add(summary.numberColumn("accuracy").getDouble(i));
        }
        List<Map<String, Object>> traces = new ArrayList<>();
        int b = 0;
        for (var e : series.entrySet()) {
            List<Integer> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            // a baseline that does not depend on the shots is drawn across all of them
            TreeMap<Integer, List<Double>> points = e.getValue();
            for (int s : allShots) {
                List<Double> v = points.containsKey(s) ? points.get(s) : points.size() == 1 ? points.firstEntry().getValue() : null;
                if (v != null) {
                    x.add(s);
                    y.add(v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
                }
            }
            boolean base = baseline.get(e.getKey());
            boolean calibrated = e.getKey().endsWith("(calibrated)");
            // a method's colour (dense, balanced, random...); its top-1 variant a shade of it; baselines grey
            String colour = base ? Palette.REFERENCE : e.getKey().contains("top-1")
                    ? Palette.variant(Palette.method(e.getKey()), 1) : Palette.method(e.getKey());
            String dash = base ? FigureStyle.dash(1 + b++) : calibrated ? "dash" : "solid";
            traces.add(FigureStyle.lines(e.getKey(), x, y, colour, dash));
        }
        Map<String, Object> xAxis = FigureStyle.axis("demonstrations in the prompt (shots)");
        xAxis.put("tickvals", new ArrayList<>(allShots));
        Map<String, Object> yAxis = FigureStyle.axis("accuracy, mean over tasks");
        return FigureStyle.figure(FigureStyle.layout(title, xAxis, yAxis), traces);
    }

    /**
     * Task x expert heatmap of the prompts' routing ({@code predictionTable()}: columns model, task, top_expert): the
     * share of each task's prompts whose largest router weight is each expert (rows sum to 1).
     */
    public static JsonFigure routingHeatmap(Table predictions, String model, String title) {
        Map<String, TreeMap<Integer, Integer>> counts = new TreeMap<>();
        TreeSet<Integer> experts = new TreeSet<>();
        for (int i = 0; i < predictions.rowCount(); i++) {
            if (!predictions.stringColumn("model").get(i).equals(model)) {
                continue;
            }
            double top = predictions.numberColumn("top_expert").getDouble(i);
            if (Double.isNaN(top) || top < 0) {
                continue;   // a single model routes nothing
            }
            int e = (int) top;
            experts.add(e);
            counts.computeIfAbsent(predictions.stringColumn("task").get(i), t -> new TreeMap<>()).merge(e, 1, Integer::sum);
        }
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("no routed predictions of '" + model + "' to plot");
        }
        List<String> tasks = new ArrayList<>(counts.keySet());
        List<String> cols = experts.stream().map(e -> "expert " + e).toList();
        double[][] z = new double[tasks.size()][experts.size()];
        String[][] text = new String[tasks.size()][experts.size()];
        for (int r = 0; r < tasks.size(); r++) {
            Map<Integer, Integer> row = counts.get(tasks.get(r));
            double total = row.values().stream().mapToInt(Integer::intValue).sum();
            int c = 0;
            for (int e : experts) {
                z[r][c] = row.getOrDefault(e, 0) / total;
                text[r][c] = String.format(Locale.ROOT, "%.0f%%", 100 * z[r][c]);
                c++;
            }
        }
        Map<String, Object> trace = map("type", "heatmap", "x", cols, "y", tasks, "z", z, "text", text,
                "texttemplate", "%{text}", "colorscale", Palette.BLUES, "zmin", 0, "zmax", 1, "xgap", 1, "ygap", 1,
                "hovertemplate", "%{y}: %{text} of the prompts go to %{x}<extra></extra>",
                "colorbar", map("title", map("text", "share of<br>prompts")));
        Map<String, Object> layout = FigureStyle.layout(title, FigureStyle.categoryAxis("expert with the largest weight"),
                FigureStyle.categoryAxis("task"));
        layout.put("height", FigureStyle.heightFor(tasks.size(), 40, 200));
        return FigureStyle.figure(layout, List.of(trace));
    }
}
