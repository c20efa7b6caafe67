package org.cbtm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

class TableRendererTest {

    private static Table small() {
        return Table.create("scores <b>",
                StringColumn.create("name", "a<script>alert(1)</script>", "x & y", "tab\there"),
                DoubleColumn.create("ppl", 12.5, 3.25, 100.0));
    }

    @Test
    void bundleHasPlainAndHtml() {
        MimeBundle b = TableRenderer.DEFAULT.render(small());
        assertEquals(java.util.Set.of(MimeBundle.TEXT, MimeBundle.HTML), b.data().keySet());
        assertTrue(b.html().startsWith("<div class=\"cbtm-table\""));
        assertTrue(b.html().contains("<th"));
    }

    @Test
    void htmlEscapesCellsHeadersAndCaption() {
        String html = TableRenderer.DEFAULT.render(small()).html();
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<b>"), html);
        assertTrue(html.contains("a&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("x &amp; y"));
        assertTrue(html.contains("scores &lt;b&gt;"));
    }

    @Test
    void plainTextIsAlignedOneRowPerLine() {
        String plain = TableRenderer.DEFAULT.render(small()).plain();
        String[] lines = plain.split("\n");
        assertEquals("scores <b>", lines[0]);
        assertEquals(2 + 3 + 1, lines.length, plain); // caption, header, rule, 3 rows
        assertTrue(lines[5].contains("tab\\there"), "a tab inside a cell is shown as an escape");
        // numbers right-aligned: every data line has the same length
        assertEquals(lines[3].length(), lines[4].length());
    }

    @Test
    void longTablesAreTruncatedWithANote() {
        Table t = Table.create("big", IntColumn.create("i", IntStream.range(0, 1000).toArray()));
        TableRenderer r = new TableRenderer(10, 50);
        MimeBundle b = r.render(t);
        assertEquals(10, b.html().split("<tr>").length - 2, "10 data rows plus the header row");
        assertTrue(b.html().contains("990 more rows not shown (1,000 rows in all)"), b.html());
        assertTrue(b.plain().contains("990 more rows not shown"));
        assertFalse(b.plain().contains("\n10 "), "row 10 is not shown");
    }

    @Test
    void shortTablesHaveNoNote() {
        assertFalse(TableRenderer.DEFAULT.render(small()).html().contains("more rows"));
    }

    @Test
    void longCellsAreCutAndKeepTheirTextAsATooltip() {
        Table t = Table.create("t", StringColumn.create("text", "x".repeat(500)));
        MimeBundle b = new TableRenderer(5, 20).render(t);
        assertTrue(b.html().contains(">" + "x".repeat(19) + "…</td>"), b.html());
        assertTrue(b.html().contains("title=\"" + "x".repeat(500) + "\""), "the whole text is the cell's tooltip");
        assertTrue(b.plain().contains("x".repeat(19) + "…"));
        assertFalse(b.plain().contains("x".repeat(20)));
    }

    @Test
    void missingValuesRenderEmpty() {
        DoubleColumn c = DoubleColumn.create("v", 1.0);
        c.appendMissing();
        String plain = TableRenderer.DEFAULT.render(Table.create("m", c)).plain();
        assertFalse(plain.contains("NaN"), plain);
    }

    @Test
    void invalidLimitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TableRenderer(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new TableRenderer(10, 2));
    }

    @Test
    void bundleWithoutPlainTextIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new MimeBundle(java.util.Map.of(MimeBundle.HTML, "<p>")));
    }

    @Test
    void numbersAreRoundedToMeaningfulDigitsWithThousandsSeparators() {
        Table t = Table.create("numbers",
                DoubleColumn.create("perplexity", 123.456789012345, 98.7654321),
                DoubleColumn.create("ratio", 1 / 3.0, 0.95),
                DoubleColumn.create("small ppl", 34.5678901234, 12.0),
                DoubleColumn.create("temperature", 0.01, 1.0),
                DoubleColumn.create("flops", 3.4e12, 1.25e11),
                LongColumn.create("tokens", 1234567L, 500L),
                DoubleColumn.create("budget", 50_000_000.0, 1234.0));
        String plain = TableRenderer.DEFAULT.render(t).plain();
        String html = TableRenderer.DEFAULT.render(t).html();
        for (String s : List.of("123.5", "98.8", "0.333", "0.950", "34.57", "12.00", "0.01", "1.00", "3.40E12",
                "1.25E11", "1,234,567", "500", "50,000,000", "1,234")) {
            assertTrue(plain.contains(s), s + " in\n" + plain);
            assertTrue(html.contains(">" + s + "</td>"), s);
        }
        assertFalse(plain.contains("0.3333333"), plain);
        assertFalse(plain.contains("123.456789"), plain);
        assertEquals(123.456789012345, t.doubleColumn("perplexity").get(0), "the table itself is not changed");
    }

    @Test
    void aColumnWithItsOwnPrintFormatterKeepsIt() {
        DoubleColumn own = DoubleColumn.create("own", 0.123456, 2.5);
        own.setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.00000",
                DecimalFormatSymbols.getInstance(Locale.ROOT))));
        IntColumn ints = IntColumn.create("ids", new int[] {1234567});
        ints.setPrintFormatter(new NumberColumnFormatter(new DecimalFormat("0.0",
                DecimalFormatSymbols.getInstance(Locale.ROOT))));
        String plain = TableRenderer.DEFAULT.render(Table.create("t", own)).plain();
        assertTrue(plain.contains("0.12346") && plain.contains("2.50000"), plain);
        assertTrue(TableRenderer.hasOwnFormatter(own));
        assertFalse(TableRenderer.hasOwnFormatter(DoubleColumn.create("plain", 1.0)));
        assertFalse(TableRenderer.hasOwnFormatter(IntColumn.create("plain", new int[] {1})));
        assertFalse(TableRenderer.hasOwnFormatter(LongColumn.create("plain", 1L)));
        assertTrue(TableRenderer.DEFAULT.render(Table.create("t", ints)).plain().contains("1234567.0"),
                "a format set on an integer column is kept");
    }

    @Test
    void wideTablesScrollAndLongUnbrokenTextsAreShownWhole() {
        String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        Table t = Table.create("artifacts", StringColumn.create("sha256", sha));
        for (int i = 0; i < 30; i++) {
            t.addColumns(DoubleColumn.create("column with a long name " + i, 1.0 * i));
        }
        String html = TableRenderer.DEFAULT.render(t).html();
        assertTrue(html.startsWith("<div class=\"cbtm-table\" style=\"max-width:100%;overflow-x:auto\">"), html);
        assertTrue(html.contains("table-layout:auto"), "not the notebook's fixed layout, which hides what overflows");
        assertTrue(html.contains(">" + sha + "</td>"), "the whole hash is in the cell");
        assertTrue(html.contains("white-space:nowrap"), "numbers and headers do not wrap");
    }
}
