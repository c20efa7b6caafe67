package org.cbtm.notebook;

/** The renderers of this kernel session, shared by the SPI provider and the helpers. */
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
}
