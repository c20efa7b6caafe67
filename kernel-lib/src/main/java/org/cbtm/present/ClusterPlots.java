package org.cbtm.present;

import static org.cbtm.present.JsonFigure.map;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cbtm.cluster.ClusterAnalytics;
import org.cbtm.cluster.ClusterTables;
import org.cbtm.cluster.DocumentMap;
import org.cbtm.corpus.Document;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * Plotly figures of the clustering notebooks (02, 03): the cluster x label heatmap, a 2-D map of documents
 * coloured by group, cluster-size distributions (box plots and sorted size curves) and metric-versus-K lines.
 * They read the tables of {@link ClusterAnalytics} and {@link ClusterTables}; the figures are plain Plotly JSON
 * ({@link JsonFigure}), so they render in the notebook and save with {@code Figures.save} like any Tablesaw figure.
 * Methods (balanced, unbalanced, random, ...) have their {@link Palette#method palette colours}; clusters, sources
 * and metrics the categorical ones.
 */
public final class ClusterPlots {
    /** A heatmap with more label columns than this shows no cell texts. */
    static final int MAX_LABELLED_COLUMNS = 24;

    private ClusterPlots() {
    }

    /** How {@link #overlapHeatmap} scales its cells. */
    public enum Normalise {
        /** Counts of documents. */
        NONE,
        /** Each cluster's row sums to 1: what a cluster is made of. */
        ROWS,
        /** Each label's column sums to 1: where a label's documents went. */
        COLUMNS
    }

    // ------------------------------------------------------------------ heatmap

    /**
     * Heatmap of a cluster x label overlap table ({@link ClusterAnalytics#overlap}: a {@code cluster} column, then
     * one count column per label). Rows are clusters (labelled with their number of documents in the table),
     * columns labels; labels and clusters with no document are dropped. Cells show their value (a percentage when normalised) unless it rounds to 0.
     */
    public static JsonFigure overlapHeatmap(Table overlap, Normalise normalise, String title) {
        return overlapHeatmap(overlap, normalise, title, Integer.MAX_VALUE);
    }

    /**
     * {@link #overlapHeatmap(Table, Normalise, String)} with at most {@code maxLabels} label columns: the labels
     * with the most documents, kept in their table order (the title should say so).
     */
    public static JsonFigure overlapHeatmap(Table overlap, Normalise normalise, String title, int maxLabels) {
        if (overlap.columnCount() < 2 || !overlap.columnNames().get(0).equals("cluster")) {
            throw new IllegalArgumentException("expected a cluster x label table: a 'cluster' column, then labels");
        }
        if (maxLabels < 1) {
            throw new IllegalArgumentException("maxLabels must be >= 1, got " + maxLabels);
        }
        List<Integer> kept = new ArrayList<>();
        for (int c = 1; c < overlap.columnCount(); c++) {
            if (columnSum(overlap, c) > 0) {
                kept.add(c);
            }
        }
        if (kept.size() > maxLabels) {
            List<Integer> byCount = new ArrayList<>(kept);
            byCount.sort(Comparator.comparingDouble((Integer c) -> -columnSum(overlap, c)).thenComparing(c -> c));
            Set<Integer> top = new java.util.HashSet<>(byCount.subList(0, maxLabels));
            kept.removeIf(c -> !top.contains(c));
        }
        List<String> labels = new ArrayList<>();
        List<double[]> cols = new ArrayList<>();
        for (int c : kept) {
            labels.add(overlap.column(c).name());
            cols.add(((NumericColumn<?>) overlap.column(c)).asDoubleArray());
        }
        int m = labels.size();
        if (m == 0) {
            throw new IllegalArgumentException("the overlap table holds no documents");
        }
        // clusters without any of these documents (a table restricted to one source) are dropped too
        List<Integer> rows = new ArrayList<>();
        for (int j = 0; j < overlap.rowCount(); j++) {
            double sum = 0;
            for (double[] col : cols) {
                sum += col[j];
            }
            if (sum > 0) {
                rows.add(j);
            }
        }
        int k = rows.size();
        double[][] z = new double[k][m];
        double[] rowSum = new double[k];
        double[] colSum = new double[m];
        for (int j = 0; j < k; j++) {
            for (int c = 0; c < m; c++) {
                z[j][c] = cols.get(c)[rows.get(j)];
                rowSum[j] += z[j][c];
                colSum[c] += z[j][c];
            }
        }
        String[][] text = new String[k][m];
        double max = 0;
        for (int j = 0; j < k; j++) {
            for (int c = 0; c < m; c++) {
                double raw = z[j][c];
                z[j][c] = switch (normalise) {
                    case NONE -> raw;
                    case ROWS -> rowSum[j] == 0 ? 0 : raw / rowSum[j];
                    case COLUMNS -> colSum[c] == 0 ? 0 : raw / colSum[c];
                };
                max = Math.max(max, z[j][c]);
                long pct = Math.round(100 * z[j][c]);
                text[j][c] = normalise == Normalise.NONE ? (raw == 0 ? "" : Long.toString((long) raw))
                        : (pct == 0 ? "" : pct + "%");
            }
        }
        List<String> rowNames = new ArrayList<>();
        NumericColumn<?> clusterIds = (NumericColumn<?>) overlap.column(0);
        for (int j = 0; j < k; j++) {
            rowNames.add("cluster " + (long) clusterIds.getDouble(rows.get(j)) + " (" + (long) rowSum[j] + ")");
        }
        String hover = switch (normalise) {
            case NONE -> "%{y}<br>%{x}: %{z} documents<extra></extra>";
            case ROWS -> "%{y}<br>%{x}: %{z:.1%} of the cluster<extra></extra>";
            case COLUMNS -> "%{y}<br>%{x}: %{z:.1%} of the label<extra></extra>";
        };
        Map<String, Object> trace = map("type", "heatmap", "x", labels, "y", rowNames, "z", z, "hovertemplate", hover,
                "colorscale", Palette.BLUES, "zmin", 0, "zmax", normalise == Normalise.NONE ? Math.max(1, max) : 1,
                "xgap", 1, "ygap", 1, "colorbar", map("title", map("text", switch (normalise) {
                    case NONE -> "documents";
                    case ROWS -> "share of cluster";
                    case COLUMNS -> "share of label";
                }), "tickformat", normalise == Normalise.NONE ? "" : ".0%"));
        if (m <= MAX_LABELLED_COLUMNS) {
            // cell values as text; with more columns the cells are too narrow to hold them (hover still shows them)
            trace.put("text", text);
            trace.put("texttemplate", "%{text}");
            trace.put("textfont", map("size", m > 16 ? 9 : 11));
        }
        // the bottom margin grows with the labels (automargin), the plot keeps ~26 px per cluster
        int longest = labels.stream().mapToInt(String::length).max().orElse(1);
        int height = Math.max(340, 130 + Math.min(180, 7 * longest) + 26 * k);
        Map<String, Object> x = FigureStyle.categoryAxis(normalise == Normalise.COLUMNS
                ? "label of the documents (each column sums to 100%)" : "label of the documents");
        x.put("tickangle", m > 6 ? -40 : 0);
        x.put("showgrid", false);
        Map<String, Object> y = FigureStyle.categoryAxis(normalise == Normalise.ROWS
                ? "cluster (documents in it; each row sums to 100%)" : "cluster (documents in it)");
        y.put("autorange", "reversed");
        y.put("showgrid", false);
        return FigureStyle.figure(FigureStyle.layout(title, x, y, FigureStyle.WIDTH, height), List.of(trace));
    }

    private static double columnSum(Table t, int c) {
        return Arrays.stream(((NumericColumn<?>) t.column(c)).asDoubleArray()).sum();
    }

    // ------------------------------------------------------------------ map of documents

    /**
     * Scatter plot of a {@link DocumentMap}, one trace (colour) per group value; groups that are whole numbers (cluster
     * ids) sort numerically, others alphabetically.
     *
     * @param groups     the group of each shown document ({@link DocumentMap#pick})
     * @param hover      a hover text per shown document, or null
     * @param legendTitle e.g. "cluster" or "source"
     */
    public static JsonFigure documentMap(DocumentMap dm, String[] groups, String[] hover, String title,
                                         String legendTitle) {
        if (groups.length != dm.size() || (hover != null && hover.length != dm.size())) {
            throw new IllegalArgumentException("one group (and hover text) per shown document expected: " + dm.size());
        }
        Set<String> order = new TreeSet<>(NATURAL);
        order.addAll(Arrays.asList(groups));
        List<Map<String, Object>> traces = new ArrayList<>();
        int g = 0;
        for (String group : order) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            List<String> text = new ArrayList<>();
            for (int i = 0; i < groups.length; i++) {
                if (groups[i].equals(group)) {
                    x.add(dm.x()[i]);
                    y.add(dm.y()[i]);
                    if (hover != null) {
                        text.add(hover[i]);
                    }
                }
            }
            Map<String, Object> t = map("type", "scatter", "mode", "markers", "name", group, "x", x, "y", y,
                    "marker", map("size", 5, "opacity", 0.7, "color", Palette.categorical(g++, order.size())));
            if (hover != null) {
                t.put("text", text);
                t.put("hovertemplate", "%{text}<extra>" + legendTitle + " " + group + "</extra>");
            }
            traces.add(t);
        }
        Map<String, Object> layout = FigureStyle.layout(title,
                FigureStyle.axis(String.format(java.util.Locale.ROOT, "PC1 (%.0f%% of variance)", 100 * dm.varianceShare()[0])),
                FigureStyle.axis(String.format(java.util.Locale.ROOT, "PC2 (%.0f%% of variance)", 100 * dm.varianceShare()[1])),
                FigureStyle.WIDTH, 650);
        layout.put("legend", map("title", map("text", legendTitle), "itemsizing", "constant",
                "bgcolor", "rgba(255,255,255,0.85)"));
        return FigureStyle.figure(layout, traces);
    }

    /**
     * Hover texts for a map: {@code source / label} and the start of the text (at most {@code maxChars}, white
     * space collapsed, HTML-escaped since Plotly reads hover text as HTML).
     */
    public static List<String> hoverTexts(List<Document> docs, int maxChars) {
        List<String> out = new ArrayList<>(docs.size());
        for (Document d : docs) {
            String t = d.text().replaceAll("\\s+", " ").strip();
            if (t.length() > maxChars) {
                t = t.substring(0, maxChars) + "…";
            }
            out.add(Html.escape(d.source() + " / " + d.label()) + "<br>" + Html.escape(t));
        }
        return out;
    }

    // ------------------------------------------------------------------ cluster sizes

    /**
     * Box plots of relative cluster sizes ({@code size * K / N}, column {@code relative} of a
     * {@link ClusterTables#sizes} table) for one {@code set}: one box per K and method, side by side, every cluster
     * (of every seed) drawn as a point; the dotted line at 1 is a perfectly balanced cluster.
     */
    public static JsonFigure sizeBoxes(Table sizes, String set, String title) {
        Table t = sizes.where(sizes.stringColumn("set").isEqualTo(set));
        if (t.rowCount() == 0) {
            throw new IllegalArgumentException("no sizes for set '" + set + "'");
        }
        List<Map<String, Object>> traces = new ArrayList<>();
        for (String method : distinct(t, "method")) {
            List<String> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < t.rowCount(); i++) {
                if (t.stringColumn("method").get(i).equals(method)) {
                    x.add("K = " + t.intColumn("K").getInt(i));
                    y.add(t.doubleColumn("relative").getDouble(i));
                }
            }
            traces.add(map("type", "box", "name", method, "x", x, "y", y, "boxpoints", "all", "jitter", 0.4,
                    "pointpos", 0, "marker", map("size", 3, "color", Palette.method(method)),
                    "line", map("color", Palette.method(method))));
        }
        Map<String, Object> y = FigureStyle.axis("cluster size / (N / K)");
        y.put("rangemode", "tozero");
        Map<String, Object> layout = FigureStyle.layout(title, FigureStyle.categoryAxis("number of clusters"), y);
        layout.put("boxmode", "group");
        layout.put("shapes", List.of(FigureStyle.horizontalRule(1)));
        return FigureStyle.figure(layout, traces);
    }

    /**
     * Sorted size curves for one K: the relative sizes from largest to smallest (averaged rank by rank over seeds),
     * one line per method (colour) and set (dash). A balanced partition is flat at 1.
     */
    public static JsonFigure sortedSizes(Table sizes, int k, String title) {
        Table t = sizes.where(sizes.intColumn("K").isEqualTo(k));
        if (t.rowCount() == 0) {
            throw new IllegalArgumentException("no sizes for K = " + k);
        }
        List<String> sets = distinct(t, "set");
        List<Map<String, Object>> traces = new ArrayList<>();
        for (String method : distinct(t, "method")) {
            for (int s = 0; s < sets.size(); s++) {
                Map<Long, List<Double>> bySeed = new LinkedHashMap<>();
                for (int i = 0; i < t.rowCount(); i++) {
                    if (t.stringColumn("method").get(i).equals(method) && t.stringColumn("set").get(i).equals(sets.get(s))) {
                        bySeed.computeIfAbsent(t.longColumn("seed").getLong(i), x -> new ArrayList<>())
                                .add(t.doubleColumn("relative").getDouble(i));
                    }
                }
                if (bySeed.isEmpty()) {
                    continue;
                }
                double[] mean = new double[k];
                for (List<Double> v : bySeed.values()) {
                    v.sort(Comparator.reverseOrder());
                    for (int r = 0; r < k; r++) {
                        mean[r] += v.get(r) / bySeed.size();
                    }
                }
                List<Integer> rank = new ArrayList<>();
                for (int r = 1; r <= k; r++) {
                    rank.add(r);
                }
                traces.add(map("type", "scatter", "mode", "lines+markers", "name", method + ", " + sets.get(s),
                        "x", rank, "y", mean, "marker", map("size", 5),
                        "line", map("color", Palette.method(method), "dash", FigureStyle.dash(s)),
                        "marker", map("size", 5, "color", Palette.method(method))));
            }
        }
        Map<String, Object> x = FigureStyle.axis("cluster rank by size (1 = largest)");
        x.put("dtick", k > 16 ? 4 : 1);
        Map<String, Object> y = FigureStyle.axis("cluster size / (N / K)");
        y.put("rangemode", "tozero");
        return FigureStyle.figure(FigureStyle.layout(title, x, y), traces);
    }

    // ------------------------------------------------------------------ metrics versus K

    /**
     * Lines of metrics against K (log-2 axis): one colour per metric column and one dash per value of
     * {@code groupColumn} (e.g. the partition), over the rows of {@code t}. {@code t} needs an integer column
     * {@code K}.
     */
    public static JsonFigure linesByK(Table t, String groupColumn, List<String> metrics, String title, String yTitle) {
        if (t.rowCount() == 0) {
            throw new IllegalArgumentException("no rows to plot");
        }
        List<String> groups = distinct(t, groupColumn);
        List<Map<String, Object>> traces = new ArrayList<>();
        Set<Integer> ks = new TreeSet<>();
        for (int mi = 0; mi < metrics.size(); mi++) {
            String metric = metrics.get(mi);
            for (int gi = 0; gi < groups.size(); gi++) {
                List<Integer> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (int i = 0; i < t.rowCount(); i++) {
                    if (t.column(groupColumn).getString(i).equals(groups.get(gi))) {
                        x.add(t.intColumn("K").getInt(i));
                        y.add(((NumericColumn<?>) t.column(metric)).getDouble(i));
                    }
                }
                ks.addAll(x);
                // one metric: a colour per group (its method colour); several: a colour per metric, a dash per group
                String colour = metrics.size() > 1 ? Palette.categorical(mi) : Palette.method(groups.get(gi));
                traces.add(FigureStyle.lines(metrics.size() > 1 ? metric + " · " + groups.get(gi) : groups.get(gi),
                        x, y, colour, metrics.size() > 1 ? FigureStyle.dash(gi) : "solid"));
            }
        }
        Map<String, Object> layout = FigureStyle.layout(title,
                FigureStyle.logAxis("number of clusters K (log scale)", ks, v -> Long.toString(Math.round(v))),
                FigureStyle.axis(yTitle));
        return FigureStyle.figure(layout, traces);
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> distinct(Table t, String column) {
        Set<String> s = new LinkedHashSet<>();
        for (int i = 0; i < t.rowCount(); i++) {
            s.add(t.column(column).getString(i));
        }
        return new ArrayList<>(s);
    }

    /** Whole numbers numerically and before words; words alphabetically. */
    static final Comparator<String> NATURAL = (a, b) -> {
        boolean na = a.matches("-?\\d{1,9}");
        boolean nb = b.matches("-?\\d{1,9}");
        if (na && nb) {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        }
        if (na != nb) {
            return na ? -1 : 1;
        }
        return a.compareTo(b);
    };
}
