package org.cbtm.notebook;

import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

import org.cbtm.present.Html;

/** The renderers of this kernel session, shared by the kernel (a cell's value) and the helpers ({@code show}). */
public final class Displays {

    private static volatile TableRenderer tables = TableRenderer.DEFAULT;
    private static final FigureRenderer FIGURES = new FigureRenderer();

    private Displays() {
    }

    public static TableRenderer tables() {
        return tables;
    }

    /** Changes how many rows and characters per cell a table shows, for the rest of the session. */
    public static void setTableLimits(int maxRows, int maxCellChars) {
        tables = new TableRenderer(maxRows, maxCellChars);
    }

    public static FigureRenderer figures() {
        return FIGURES;
    }

    /**
     * What a value looks like in a notebook: tables and figures richly, a {@link MimeBundle} as it is, a string as
     * escaped preformatted text (so that "a &lt; b" does not vanish as a tag), anything else as its
     * {@code toString}. Every bundle carries {@code text/plain}, so consoles and nbconvert's text export see it too.
     */
    public static MimeBundle bundle(Object value) {
        if (value instanceof MimeBundle b) {
            return b;
        }
        if (value instanceof Table t) {
            return tables().render(t);
        }
        if (value instanceof Figure f) {
            return figures().render(f);
        }
        if (value instanceof CharSequence s) {
            return MimeBundle.of(s.toString(), "<pre style=\"white-space:pre-wrap\">" + Html.escape(s.toString()) + "</pre>");
        }
        return MimeBundle.plain(String.valueOf(value));
    }
}
