package org.cbtm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

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
    void longCellsAreCut() {
        Table t = Table.create("t", StringColumn.create("text", "x".repeat(500)));
        String html = new TableRenderer(5, 20).render(t).html();
        assertTrue(html.contains("x".repeat(19) + "…"));
        assertFalse(html.contains("x".repeat(20)));
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
}
