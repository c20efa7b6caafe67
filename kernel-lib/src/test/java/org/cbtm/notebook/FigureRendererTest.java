package org.cbtm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.api.VerticalBarPlot;
import tech.tablesaw.plotly.components.Figure;

class FigureRendererTest {

    private static Figure figure() {
        Table t = Table.create("t", StringColumn.create("k", "a", "b"), IntColumn.create("v", 1, 2));
        return VerticalBarPlot.create("Counts </script> here", t, "k", "v");
    }

    @Test
    void bundleIsSentWithTheFirstFigureOnly() {
        AtomicInteger loads = new AtomicInteger();
        FigureRenderer r = new FigureRenderer(() -> {
            loads.incrementAndGet();
            return "<script>/*BUNDLE*/</script>";
        });
        MimeBundle first = r.render(figure());
        MimeBundle second = r.render(figure());
        assertTrue(first.html().startsWith("<script>/*BUNDLE*/</script>"));
        assertFalse(second.html().contains("BUNDLE"));
        assertEquals(1, loads.get());
        r.reloadBundle();
        assertTrue(r.render(figure()).html().contains("BUNDLE"));
    }

    @Test
    void eachFigureGetsItsOwnDivAndWaitsForPlotly() {
        FigureRenderer r = new FigureRenderer(() -> "");
        String a = r.render(figure()).html();
        String b = r.render(figure()).html();
        String idA = a.replaceAll("(?s).*<div id=\"([^\"]+)\".*", "$1");
        String idB = b.replaceAll("(?s).*<div id=\"([^\"]+)\".*", "$1");
        assertFalse(idA.equals(idB));
        assertTrue(idA.matches("[A-Za-z_][A-Za-z0-9_]*"), "Tablesaw uses the id as a JS variable: " + idA);
        assertTrue(a.contains("if (window.Plotly) { draw(); }"));
        assertTrue(a.contains("cbtmPlotlyQueue"));
    }

    @Test
    void titleCannotCloseTheScriptEarly() {
        String html = new FigureRenderer(() -> "").render(figure()).html();
        int scripts = html.split("</script>", -1).length - 1;
        assertEquals(1, scripts, "only the wrapper's own closing tag: " + html);
    }

    @Test
    void plainFallbackDescribesTheFigure() {
        String plain = new FigureRenderer(() -> "").render(figure()).plain();
        assertTrue(plain.contains("Counts </script> here"));
        assertTrue(plain.contains("1 trace"));
    }

    @Test
    void divIdMustBeAnIdentifier() {
        assertThrows(IllegalArgumentException.class, () -> FigureRenderer.fragment(figure(), "my-fig"));
    }

    @Test
    void loaderWrapsTheBundleForRequireJsPages(@TempDir Path dir) throws Exception {
        Path js = dir.resolve("plotly.min.js");
        Files.writeString(js, "window.Plotly={}; var s='</script>';");
        String loader = PlotlyJs.loaderScript(js);
        assertTrue(loader.contains("(function(define, module, exports) {"));
        assertTrue(loader.contains("}).call(window);"));
        assertTrue(loader.contains("<\\/script>"), "a closing tag inside the bundle is escaped");
        assertEquals(1, loader.split("</script>", -1).length - 1);
    }

    @Test
    void missingBundleSaysWhatToRun(@TempDir Path dir) {
        var e = assertThrows(java.io.UncheckedIOException.class, () -> PlotlyJs.loaderScript(dir.resolve("nope.js")));
        assertTrue(e.getMessage().contains("environment/jupyter"), e.getMessage());
    }

    @Test
    void savedPageIsSelfContained(@TempDir Path dir) throws Exception {
        Path js = dir.resolve("plotly.min.js");
        Files.writeString(js, "/*PLOTLY-BUNDLE*/");
        String page = Figures.page(figure(), "fig", 900, 560, PlotlyJs.loaderScript(js));
        assertTrue(page.contains("/*PLOTLY-BUNDLE*/"), "the bundle is inlined");
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertFalse(page.contains("cdn.plot.ly"), "no CDN");
        assertFalse(page.contains("<script src="), "nothing loaded from outside");
        assertTrue(page.contains("width: 900, height: 560"));
    }

    /** A saved page links plotly.js by its path relative to the page's folder, and does not carry it. */
    @Test
    void savedPagesLinkThePlotlyBundle(@TempDir Path dir) throws Exception {
        Path html = Figures.writeHtml(figure(), "fig", dir.resolve("figures"), 900, 560);
        String page = java.nio.file.Files.readString(html);
        String rel = dir.resolve("figures").toAbsolutePath().relativize(PlotlyJs.location().toAbsolutePath().normalize())
                .toString();
        assertTrue(page.contains("<script type=\"text/javascript\" src=\"" + rel + "\"></script>"), page);
        assertTrue(page.length() < 100_000, "the bundle is not inlined: " + page.length() + " characters");
    }

    @Test
    void badFigureNamesAreRejected(@TempDir Path dir) {
        for (String bad : new String[] {"", "../x", "a/b", "fig.png", " x"}) {
            assertThrows(IllegalArgumentException.class, () -> Figures.writeHtml(figure(), bad, dir, 900, 560), bad);
        }
    }
}
