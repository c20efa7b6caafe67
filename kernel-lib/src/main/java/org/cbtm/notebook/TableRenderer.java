package org.cbtm.notebook;

import org.cbtm.present.Html;

import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Renders a Tablesaw {@link Table} as HTML with a {@code text/plain} fallback. Every cell is escaped; long
 * tables show their first {@code maxRows} rows with a note saying how many are left out, and long cell texts are
 * cut with an ellipsis, so that a million-row table cannot freeze a notebook page.
 */
public record TableRenderer(int maxRows, int maxCellChars) {

    public static final TableRenderer DEFAULT = new TableRenderer(40, 240);

    public TableRenderer {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        if (maxCellChars < 4) {
            throw new IllegalArgumentException("maxCellChars must be >= 4, got " + maxCellChars);
        }
    }

    public MimeBundle render(Table table) {
        return MimeBundle.of(plain(table), html(table));
    }

    int shownRows(Table table) {
        return Math.min(table.rowCount(), maxRows);
    }

    String truncationNote(Table table) {
        int hidden = table.rowCount() - shownRows(table);
        return hidden <= 0 ? "" : String.format("… %,d more rows not shown (%,d rows in all).", hidden, table.rowCount());
    }

    String cell(Column<?> column, int row) {
        String s = column.isMissing(row) ? "" : column.getString(row);
        if (s.length() > maxCellChars) {
            s = s.substring(0, maxCellChars - 1) + "…";
        }
        return s;
    }

    String html(Table table) {
        StringBuilder b = new StringBuilder(256 + 64 * shownRows(table) * Math.max(1, table.columnCount()));
        b.append("<div class=\"cbtm-table\" style=\"max-width:100%;overflow-x:auto\">");
        b.append("<table style=\"border-collapse:collapse;font-size:90%\">");
        String name = table.name();
        if (name != null && !name.isBlank()) {
            b.append("<caption style=\"text-align:left;font-weight:bold;padding:2px 0\">")
                    .append(Html.escape(name)).append("</caption>");
        }
        b.append("<thead><tr>");
        for (Column<?> c : table.columns()) {
            boolean numeric = isNumeric(c);
            b.append("<th style=\"text-align:").append(numeric ? "right" : "left")
                    .append(";border-bottom:1px solid #999;padding:2px 8px\" title=\"")
                    .append(Html.escape(c.type().name())).append("\">").append(Html.escape(c.name())).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (int r = 0; r < shownRows(table); r++) {
            b.append("<tr>");
            for (Column<?> c : table.columns()) {
                b.append("<td style=\"text-align:").append(isNumeric(c) ? "right" : "left")
                        .append(";padding:2px 8px;white-space:pre-wrap;vertical-align:top\">")
                        .append(Html.escape(cell(c, r))).append("</td>");
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
        int cols = table.columnCount();
        int rows = shownRows(table);
        String[][] cells = new String[rows + 1][cols];
        int[] width = new int[cols];
        for (int j = 0; j < cols; j++) {
            Column<?> c = table.column(j);
            cells[0][j] = oneLine(c.name());
            width[j] = cells[0][j].length();
            for (int r = 0; r < rows; r++) {
                cells[r + 1][j] = oneLine(cell(c, r));
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
        return c instanceof tech.tablesaw.api.NumericColumn<?>;
    }
}
