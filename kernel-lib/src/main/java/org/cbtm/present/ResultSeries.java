package org.cbtm.present;

import static org.cbtm.eval.ResultColumns.BUDGET;
import static org.cbtm.eval.ResultColumns.DISTANCE;
import static org.cbtm.eval.ResultColumns.EXPERT;
import static org.cbtm.eval.ResultColumns.K;
import static org.cbtm.eval.ResultColumns.METHOD;
import static org.cbtm.eval.ResultColumns.PERPLEXITY;
import static org.cbtm.eval.ResultColumns.ROUTER;
import static org.cbtm.eval.ResultColumns.SEED;
import static org.cbtm.eval.ResultColumns.SETTINGS;
import static org.cbtm.eval.ResultColumns.TEMPERATURE;
import static org.cbtm.eval.ResultColumns.TOP_K;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.cbtm.base.Tokens;
import org.cbtm.eval.ResultColumns;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The rows of grid result tables (columns per {@link ResultColumns}) grouped into the series of a figure: one series
 * per combination of the settings that vary among the rows, so that no line joins rows that differ in a setting the
 * legend does not name. The dense rows (K = 1, or method "dense") are kept apart: routing settings (top-k, T,
 * distance, router) mean nothing for them.
 */
final class ResultSeries {
    private ResultSeries() {
    }

    /** Settings that only matter for routed ensembles. */
    static final Set<String> ROUTING = Set.of(TOP_K, TEMPERATURE, DISTANCE, ROUTER);

    /** One row of an input table, with the text of each of its settings (absent: the table has no such column). */
    record Row(Table table, int row, String method, int k, boolean dense, Map<String, String> settings) {
        double number(String column) {
            if (!table.columnNames().contains(column)) {
                throw new IllegalArgumentException("the table '" + table.name() + "' has no column '" + column + "'");
            }
            return ((NumericColumn<?>) table.column(column)).getDouble(row);
        }

        String setting(String column) {
            return settings.get(column);
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            parts.add(method);
            settings.forEach((c, v) -> {
                if (!c.equals(METHOD)) {
                    parts.add(ResultSeries.describe(c, v));
                }
            });
            return String.join(", ", parts);
        }
    }

    /** A series: the settings it was grouped by and its rows, in input order. */
    record Series(String method, boolean dense, Map<String, String> key, List<Row> rows) {
    }

    /** The rows of {@code tables} (every table needs the method, K and perplexity columns). */
    static List<Row> rows(Table... tables) {
        List<Row> out = new ArrayList<>();
        for (Table t : tables) {
            if (t == null) {
                continue;
            }
            for (String c : List.of(METHOD, K, PERPLEXITY)) {
                if (!t.columnNames().contains(c)) {
                    throw new IllegalArgumentException("'" + t.name() + "' is not a grid result table: it has no '" + c
                            + "' column (expected the columns of ResultColumns, e.g. CbtmExperiment.table)");
                }
            }
            for (int i = 0; i < t.rowCount(); i++) {
                String method = t.column(METHOD).getString(i);
                int k = (int) Math.round(((NumericColumn<?>) t.column(K)).getDouble(i));
                boolean dense = k == 1 || method.equalsIgnoreCase("dense");
                Map<String, String> settings = new LinkedHashMap<>();
                for (String c : SETTINGS) {
                    if (t.columnNames().contains(c) && !(dense && ROUTING.contains(c))) {
                        settings.put(c, value(t, c, i));
                    }
                }
                out.add(new Row(t, i, method, k, dense, settings));
            }
        }
        return out;
    }

    /** The text of setting {@code c} at row {@code i}: numbers in their shortest form, top-k as "1", ..., "all". */
    static String value(Table t, String c, int i) {
        if (c.equals(TOP_K)) {
            int k = (int) Math.round(((NumericColumn<?>) t.column(K)).getDouble(i));
            return ResultColumns.topKText(topK(t, i, k), k);
        }
        Column<?> col = t.column(c);
        if (col.isMissing(i)) {
            return "";
        }
        if (col instanceof NumericColumn<?> n) {
            return Formats.plain(n.getDouble(i));
        }
        return col.getString(i);
    }

    /** {@link ResultColumns#topK}, for an int or a string top-k column and any numeric K column. */
    private static int topK(Table t, int i, int k) {
        if (t.column(TOP_K).type() == ColumnType.STRING) {
            String s = t.stringColumn(TOP_K).get(i).strip();
            return s.equalsIgnoreCase("all") ? k : Integer.parseInt(s);
        }
        if (t.column(K).type() == ColumnType.INTEGER) {
            return ResultColumns.topK(t, i);
        }
        return Math.min(k, (int) Math.round(((NumericColumn<?>) t.column(TOP_K)).getDouble(i)));
    }

    /** How a setting's value reads in a legend: "K = 4", "top-2", "all experts", "T = 0.1", "500k tokens", ... */
    static String describe(String column, String value) {
        return switch (column) {
            case METHOD, EXPERT -> value;
            case K -> "K = " + value;
            case TOP_K -> value.equals("all") ? "all experts" : "top-" + value;
            case TEMPERATURE -> "T = " + value;
            case BUDGET -> tokens(value) + " tokens";
            case DISTANCE -> value.equals("paper") ? "exp(-d/T)" : value.equals("reference") ? "exp(-d²/T)"
                    : "distance " + value;
            case ROUTER -> value + " router";
            case SEED -> "seed " + value;
            default -> column + " " + value;
        };
    }

    private static String tokens(String value) {
        try {
            return Tokens.human(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return value;
        }
    }

    /**
     * The settings (of {@link ResultColumns#SETTINGS}, minus {@code exclude}) that take more than one value among
     * {@code rows}; rows without a setting do not count for it.
     */
    static List<String> varied(List<Row> rows, Collection<String> exclude) {
        List<String> out = new ArrayList<>();
        for (String c : SETTINGS) {
            if (exclude.contains(c)) {
                continue;
            }
            Set<String> values = new LinkedHashSet<>();
            for (Row r : rows) {
                if (r.settings().containsKey(c)) {
                    values.add(r.setting(c));
                }
            }
            if (values.size() > 1) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * {@link #varied} without the settings that follow from the others among {@code rows} (e.g. a router that is
     * "random" exactly for the random split): they split no series, so legends need not name them. Settings later in
     * {@link ResultColumns#SETTINGS} are dropped first.
     */
    static List<String> seriesSettings(List<Row> rows, Collection<String> exclude) {
        List<String> by = new ArrayList<>(varied(rows, exclude));
        int full = partitions(rows, by);
        for (int i = by.size() - 1; i >= 0; i--) {
            if (by.get(i).equals(METHOD)) {
                continue; // every series is of one method anyway; a legend with several methods names them
            }
            List<String> fewer = new ArrayList<>(by);
            fewer.remove(i);
            if (partitions(rows, fewer) == full) {
                by = fewer;
            }
        }
        return by;
    }

    /** The number of groups of {@code rows} by method and the values of {@code by}. */
    private static int partitions(List<Row> rows, List<String> by) {
        Set<List<Object>> ids = new java.util.HashSet<>();
        for (Row r : rows) {
            List<Object> id = new ArrayList<>();
            id.add(r.dense());
            id.add(r.method());
            for (String c : by) {
                id.add(r.settings().get(c));
            }
            ids.add(id);
        }
        return ids.size();
    }

    /**
     * Groups {@code rows} by their method and the values of {@code by}; series in legend order: dense first, then
     * methods in the palette's order, then by the values of {@code by} (numbers numerically; for top-k "all" first).
     */
    static List<Series> group(List<Row> rows, List<String> by) {
        Map<List<Object>, List<Row>> groups = new LinkedHashMap<>();
        Map<List<Object>, Map<String, String>> keys = new HashMap<>();
        for (Row r : rows) {
            Map<String, String> key = new LinkedHashMap<>();
            for (String c : by) {
                if (r.settings().containsKey(c)) {
                    key.put(c, r.setting(c));
                }
            }
            List<Object> id = List.of(r.dense(), r.method(), key);
            groups.computeIfAbsent(id, x -> new ArrayList<>()).add(r);
            keys.put(id, key);
        }
        List<Series> out = new ArrayList<>();
        groups.forEach((id, rs) -> out.add(new Series(rs.get(0).method(), rs.get(0).dense(), keys.get(id), rs)));
        out.sort(Comparator.comparing((Series s) -> !s.dense())
                .thenComparingInt(s -> Palette.methodRank(s.method()))
                .thenComparing(Series::method)
                .thenComparing((a, b) -> compareKeys(a.key(), b.key(), by)));
        return out;
    }

    private static int compareKeys(Map<String, String> a, Map<String, String> b, List<String> by) {
        for (String c : by) {
            int d = (c.equals(TOP_K) ? ALL_FIRST : NATURAL).compare(a.getOrDefault(c, ""), b.getOrDefault(c, ""));
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    /** Top-k in legends: every expert (the C-BTM default, in the method's own colour) first, then 1, 2, ... */
    static final Comparator<String> ALL_FIRST = (a, b) -> a.equals(b) ? 0 : a.equals("all") ? -1 : b.equals("all") ? 1
            : ResultSeries.NATURAL.compare(a, b);

    /** Numbers numerically and before words ("all" after every number); words alphabetically; "" first. */
    static final Comparator<String> NATURAL = (a, b) -> {
        boolean na = a.matches("-?\\d+(\\.\\d+)?");
        boolean nb = b.matches("-?\\d+(\\.\\d+)?");
        if (na && nb) {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        }
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() ? (b.isEmpty() ? 0 : -1) : 1;
        }
        if (na != nb) {
            return na ? -1 : 1;
        }
        return a.compareTo(b);
    };

    /**
     * The legend name of a series: its method (when {@code withMethod}, or when nothing else names it), then each
     * setting it was grouped by, e.g. "balanced, K = 4, top-2".
     */
    static String label(Series s, boolean withMethod) {
        List<String> parts = new ArrayList<>();
        if (s.dense()) {
            parts.add("dense (K = 1)");
        } else if (withMethod || s.key().isEmpty() || s.key().containsKey(METHOD)) {
            parts.add(s.method());
        }
        s.key().forEach((c, v) -> {
            if (!c.equals(METHOD) && !(s.dense() && c.equals(K))) {
                parts.add(describe(c, v));
            }
        });
        return String.join(", ", parts);
    }

    /**
     * Refuses a series with two rows at the same {@code x}: those rows differ in nothing the table shows (repeats of
     * a grid point, e.g. seeds without a seed column) and one line cannot go through both.
     */
    static void requireOnePerX(Series s, Function<Row, Object> x, String xName) {
        Map<Object, Row> seen = new HashMap<>();
        for (Row r : s.rows()) {
            Row before = seen.putIfAbsent(x.apply(r), r);
            if (before != null) {
                throw new IllegalArgumentException("rows " + before.row() + " and " + r.row() + " of '"
                        + r.table().name() + "' (" + r.describe() + ") have the same settings and the same " + xName
                        + ": one line cannot go through both. Select one of them, or aggregate the repeats first "
                        + "(e.g. the mean over seeds) and plot that.");
            }
        }
    }

    /** The styles of series: a colour per method, shades or variants within a method, dashes for the rest. */
    record Style(String colour, String dash, String symbol) {
    }

    /**
     * Colours and dashes for {@code series}: each series gets its method's colour; when {@code shadeBy} is a
     * setting, the series of one method are shaded by its value (lightest first, the largest value in the method's
     * own colour) and further differences are dashed; otherwise the first series of a method has its colour and
     * later ones are lighter and dashed. Dense series are {@link Palette#DENSE}, dashed.
     */
    static Map<Series, Style> styles(List<Series> series, String shadeBy) {
        Map<Series, Style> out = new java.util.IdentityHashMap<>();
        Map<String, List<Series>> byMethod = new LinkedHashMap<>();
        for (Series s : series) {
            byMethod.computeIfAbsent((s.dense() ? "\u0000dense" : s.method()), m -> new ArrayList<>()).add(s);
        }
        for (var e : byMethod.entrySet()) {
            List<Series> group = e.getValue();
            boolean dense = group.get(0).dense();
            String base = dense ? Palette.DENSE : Palette.method(group.get(0).method());
            if (shadeBy != null && !dense) {
                java.util.TreeSet<String> sorted = new java.util.TreeSet<>(NATURAL);
                for (Series s : group) {
                    sorted.add(s.key().getOrDefault(shadeBy, ""));
                }
                List<String> levels = new ArrayList<>(sorted);
                Map<String, Integer> dashes = new HashMap<>();
                for (Series s : group) {
                    String level = s.key().getOrDefault(shadeBy, "");
                    int d = dashes.merge(level, 1, Integer::sum) - 1;
                    out.put(s, new Style(Palette.ramp(base, levels.indexOf(level), levels.size()),
                            FigureStyle.dash(d), FigureStyle.symbol(d)));
                }
            } else {
                for (int j = 0; j < group.size(); j++) {
                    out.put(group.get(j), new Style(dense ? base : Palette.variant(base, j),
                            dense ? FigureStyle.dash(1 + j) : FigureStyle.dash(j), FigureStyle.symbol(j)));
                }
            }
        }
        return out;
    }

    /** The rows that are not dense. */
    static List<Row> ensemble(List<Row> rows) {
        return rows.stream().filter(r -> !r.dense()).toList();
    }

    /** The dense rows. */
    static List<Row> dense(List<Row> rows) {
        return rows.stream().filter(Row::dense).toList();
    }

    /**
     * The dense model's perplexity {@code p} as a horizontal reference line across {@code x} (the ends of the x axis,
     * or every category of a category axis).
     */
    static Map<String, Object> denseLine(String name, double p, List<?> x, String colour, String dash, double width) {
        return JsonFigure.map("type", "scatter", "mode", "lines", "name", name, "x", x,
                "y", x.stream().map(v -> p).toList(), "line", FigureStyle.line(colour, dash, width),
                "hovertemplate", "dense (K = 1): perplexity %{y:.1f}<extra></extra>");
    }

    /** {@link #denseLine} of a dense series, which must hold one row. */
    static Map<String, Object> denseLine(Series s, List<?> x, String colour, String dash, double width) {
        requireOnePerX(s, r -> 1, "K = 1");
        return denseLine(label(s, true), s.rows().get(0).number(PERPLEXITY), x, colour, dash, width);
    }

    /** The ensemble rows (K > 1), which must not be empty and must have {@code column} (the x axis of a plot). */
    static List<Row> ensembleWith(List<Row> rows, String column) {
        List<Row> ens = ensemble(rows);
        if (ens.isEmpty()) {
            throw new IllegalArgumentException("no ensemble rows (K > 1) to plot");
        }
        requireColumn(ens, column);
        return ens;
    }

    /** The rows of a grid table that must not be empty and must have {@code column} (the x axis of a plot). */
    static List<Row> rowsWith(Table grid, String column) {
        List<Row> rows = rows(grid);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to plot in '" + grid.name() + "'");
        }
        requireColumn(rows, column);
        return rows;
    }

    static void requireColumn(List<Row> rows, String column) {
        for (Row r : rows) {
            if (!r.table().columnNames().contains(column)) {
                throw new IllegalArgumentException("'" + r.table().name() + "' has no '" + column + "' column");
            }
        }
    }

    static boolean sameSettings(Row a, Row b, Collection<String> columns) {
        for (String c : columns) {
            if (a.settings().containsKey(c) && b.settings().containsKey(c)
                    && !Objects.equals(a.setting(c), b.setting(c))) {
                return false;
            }
        }
        return true;
    }
}
