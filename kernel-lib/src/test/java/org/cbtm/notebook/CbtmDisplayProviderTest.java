package org.cbtm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class CbtmDisplayProviderTest {

    private static DisplayRenderer rendererFor(Object o) {
        for (DisplayRenderer r : new CbtmDisplayProvider().getDisplayRenderers()) {
            if (r.rendererClass().isAssignableFrom(o.getClass())) {
                return r;
            }
        }
        return null;
    }

    @Test
    void registeredThroughTheKernelsServiceLoader() {
        boolean found = ServiceLoader.load(DisplayProvider.class).stream()
                .anyMatch(p -> p.type() == CbtmDisplayProvider.class);
        assertTrue(found, "META-INF/services must list CbtmDisplayProvider");
    }

    @Test
    void tableRendersAsHtmlWithPlainFallback() {
        Table t = Table.create("t", IntColumn.create("x", 1, 2));
        DisplayRenderer r = rendererFor(t);
        assertNotNull(r);
        assertTrue(r.canRender(null), "the kernel asks with a null MIME type for a cell's value");
        DisplayData d = r.render(null, t);
        assertTrue(d.data().containsKey("text/plain"));
        assertTrue(d.data().containsKey("text/html"));
    }

    @Test
    void askingForTextGivesOnlyText() {
        Table t = Table.create("t", IntColumn.create("x", 1));
        DisplayData d = rendererFor(t).render("text", t);
        assertEquals(java.util.Set.of("text/plain"), d.data().keySet());
        assertFalse(rendererFor(t).canRender("image/png"));
    }

    @Test
    void stringsAreEscapedNotInterpretedAsHtml() {
        DisplayData d = rendererFor("a < b && <i>c</i>").render(null, "a < b && <i>c</i>");
        assertEquals("a < b && <i>c</i>", d.data().get("text/plain"));
        assertTrue(d.data().get("text/html").toString().contains("a &lt; b &amp;&amp; &lt;i&gt;"));
    }
}
