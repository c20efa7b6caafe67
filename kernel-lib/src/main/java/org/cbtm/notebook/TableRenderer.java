package org.cbtm.notebook;

import java.lang.reflect.Method;
import java.text.NumberFormat;

import org.cbtm.present.Formats;
import org.cbtm.present.Html;

import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Renders a Tablesaw {@link Table} as HTML with a {@code text/plain} fallback.
 *
 * <ul>
 *   <li>Numbers: a column with its own print formatter ({@code setPrintFormatter}) keeps it; every other numeric
 *   column is shown by the display rule of {@link Formats#forValues} over its shown values: about four significant
 *   digits, the same decimals on every row (perplexities 123.4, ratios 0.951), thousands separators (1,234,567),
 *   scientific notation for very large or small values (3.40E12). The table itself is not changed.</li>
 *   <li>Width: the table sits in a box that scrolls sideways when the table is wider than the page; the table keeps
 *   its natural layout (not the notebook's fixed one), so long unbroken texts such as sha256 hashes are shown whole
 *   (scroll to see them) instead of being cut off by the next column.</li>
 *   <li>Length: long tables show their first {@code maxRows} rows with a note saying how many are left out; a cell
 *   text longer than {@code maxCellChars} is cut with an ellipsis, and the HTML cell carries the whole text (up to
 *   {@link #MAX_TOOLTIP_CHARS}) as its tooltip. So a million-row table cannot freeze a notebook page.</li>
 *   <li>Every header, cell and caption is escaped.</li>
 * </ul>
 */
public record TableRenderer(int maxRows, int maxCellChars) {

    public static final TableRenderer DEFAULT = new TableRenderer(40, 240);
    /** The most characters of a cut cell that go into its tooltip. */
    public static final int MAX_TOOLTIP_CHARS = 4000;

    public TableRenderer {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        if (maxCellChars < 4) {
            throw new IllegalArgumentException("maxCellChars must be >= 4, got " + maxCellChars);
        }
    }

    public MimeBundle render(Table table) {
        String[][] full = cells(table);
        return MimeBundle.of(plain(table, full), html(table, full));
    }

    int shownRows(Table table) {
        return Math.min(table.rowCount(), maxRows);
    }

    String truncationNote(Table table) {
        int hidden = table.rowCount() - shownRows(table);
        return hidden <= 0 ? "" : String.format("… %,d more rows not shown (%,d rows in all).", hidden, table.rowCount());
    }

    /** The full text of every shown cell, {@code [column][row]}, numbers formatted for display. */
    String[][] cells(Table table) {
        int rows = shownRows(table);
        String[][] out = new String[table.columnCount()][rows];
        for (int j = 0; j < table.columnCount(); j++) {
            Column<?> c = table.column(j);
            NumberFormat format = displayFormat(c, rows);
            for (int r = 0; r < rows; r++) {
                out[j][r] = text(c, r, format);
            }
        }
        return out;
    }

    private String cut(String s) {
        return s.length() > maxCellChars ? s.substring(0, maxCellChars - 1) + "…" : s;
    }

    private static String text(Column<?> c, int row, NumberFormat format) {
        if (c.isMissing(row)) {
            return "";
        }
        if (format != null) {
            double v = ((NumericColumn<?>) c).getDouble(row);
            if (Double.isInfinite(v)) {
                return v > 0 ? "∞" : "-∞";
            }
            return format.format(v);
        }
        return c.getString(row);
    }

    /**
     * The format this renderer uses for a column: null (the column's own {@code getString}) for non-numeric columns
     * and for numeric columns with a print formatter of their own; otherwise {@link Formats#forValues} over the
     * first {@code rows} values.
     */
    static NumberFormat displayFormat(Column<?> c, int rows) {
        if (!(c instanceof NumericColumn<?> n) || hasOwnFormatter(c)) {
            return null;
        }
        double[] values = new double[Math.min(rows, n.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = n.isMissing(i) ? Double.NaN : n.getDouble(i);
        }
        return Formats.forValues(values);
    }

    private static final Method PRINT_FORMATTER = printFormatterMethod();

    private static Method printFormatterMethod() {
        try {
            Method m = NumberColumn.class.getDeclaredMethod("getPrintFormatter");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether a numeric column had a print formatter set ({@code setPrintFormatter}) rather than Tablesaw's default
     * one (Tablesaw does not say; its formatter getter is protected).
     */
    static boolean hasOwnFormatter(Column<?> c) {
        if (!(c instanceof NumberColumn<?, ?>) || PRINT_FORMATTER == null) {
            return false;
        }
        try {
            NumberColumnFormatter f = (NumberColumnFormatter) PRINT_FORMATTER.invoke(c);
            NumberFormat format = f == null ? null : f.getFormat();
            return format != null && !format.equals(NumberColumnFormatter.floatingPointDefault().getFormat())
                    && !format.equals(NumberColumnFormatter.ints().getFormat());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // cannot tell: keep what the column shows
        }
    }

    String html(Table table) {
        return html(table, cells(table));
    }

    private String html(Table table, String[][] full) {
        int rows = shownRows(table);
        StringBuilder b = new StringBuilder(256 + 64 * rows * Math.max(1, table.columnCount()));
        b.append("<div class=\"cbtm-table\" style=\"max-width:100%;overflow-x:auto\">");
        // auto layout and no centring: Jupyter's own table style (fixed layout) would hide what overflows a cell
        b.append("<table style=\"border-collapse:collapse;font-size:90%;table-layout:auto;width:auto;max-width:none;"
                + "margin:0\">");
        String name = table.name();
        if (name != null && !name.isBlank()) {
            b.append("<caption style=\"text-align:left;font-weight:bold;padding:2px 0\">")
                    .append(Html.escape(name)).append("</caption>");
        }
        b.append("<thead><tr>");
        for (Column<?> c : table.columns()) {
            boolean numeric = isNumeric(c);
            b.append("<th style=\"text-align:").append(numeric ? "right" : "left")
                    .append(";border-bottom:1px solid #999;padding:2px 8px;white-space:nowrap\" title=\"")
                    .append(Html.escape(c.type().name())).append("\">").append(Html.escape(c.name())).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (int r = 0; r < rows; r++) {
            b.append("<tr>");
            for (int j = 0; j < table.columnCount(); j++) {
                boolean numeric = isNumeric(table.column(j));
                String s = full[j][r];
                String shown = cut(s);
                b.append("<td style=\"text-align:").append(numeric ? "right" : "left")
                        .append(numeric ? ";padding:2px 8px;white-space:nowrap;vertical-align:top\""
                                : ";padding:2px 8px;white-space:pre-wrap;overflow-wrap:break-word;vertical-align:top\"");
                if (!shown.equals(s)) {
                    String tip = s.length() > MAX_TOOLTIP_CHARS ? s.substring(0, MAX_TOOLTIP_CHARS) + "…" : s;
                    b.append(" title=\"").append(Html.escape(tip)).append('"');
                }
                b.append('>').append(Html.escape(shown)).append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table>");
        String note = truncationNote(table);
        if (!note.isEmpty()) {
            b.append("<div style=\"font-style:italic;color:#666;padding-top:4px\">")
                    .append(Html.escape(note)).append("</div>");
        }
        b.append("</div>");
        return b.toString();
    }

    String plain(Table table) {
        return plain(table, cells(table));
    }

    private String plain(Table table, String[][] full) {
        int cols = table.columnCount();
        int rows = shownRows(table);
        String[][] cells = new String[rows + 1][cols];
        int[] width = new int[cols];
        for (int j = 0; j < cols; j++) {
            Column<?> c = table.column(j);
            cells[0][j] = oneLine(c.name());
            width[j] = cells[0][j].length();
            for (int r = 0; r < rows; r++) {
                cells[r + 1][j] = oneLine(cut(full[j][r]));
                width[j] = Math.max(width[j], cells[r + 1][j].length());
            }
        }
        StringBuilder b = new StringBuilder();
        if (table.name() != null && !table.name().isBlank()) {
            b.append(oneLine(table.name())).append('\n');
        }
        for (int r = 0; r <= rows; r++) {
            for (int j = 0; j < cols; j++) {
                if (j > 0) {
                    b.append("  ");
                }
                String s = cells[r][j];
                boolean right = r > 0 && isNumeric(table.column(j));
                String pad = " ".repeat(width[j] - s.length());
                b.append(right ? pad + s : s + pad);
            }
            b.append('\n');
            if (r == 0) {
                for (int j = 0; j < cols; j++) {
                    b.append(j > 0 ? "  " : "").append("-".repeat(width[j]));
                }
                b.append('\n');
            }
        }
        String note = truncationNote(table);
        if (!note.isEmpty()) {
            b.append(note).append('\n');
        }
        return b.toString();
    }

    /** Plain text keeps one row per line: line breaks and tabs in a cell become visible escapes. */
    private static String oneLine(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    private static boolean isNumeric(Column<?> c) {
        return c instanceof NumericColumn<?>;
    }
}
