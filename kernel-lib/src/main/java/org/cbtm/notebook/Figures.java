package org.cbtm.notebook;

import org.cbtm.present.Html;

import java.nio.file.Path;
import java.util.regex.Pattern;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.ProjectPaths;

import tech.tablesaw.plotly.components.Figure;

/**
 * Saves figures as a self-contained HTML page (interactive, plotly.js inlined) and a PNG rendered by headless
 * Chromium (what a README and GitHub can show), under {@link ProjectPaths#figures()}.
 */
public final class Figures {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    public static final int DEFAULT_WIDTH = 900;
    public static final int DEFAULT_HEIGHT = 560;

    private Figures() {
    }

    /** Writes {@code figures/<name>.html} and {@code figures/<name>.png}. */
    public static void save(Figure figure, String name) {
        save(figure, name, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    public static void save(Figure figure, String name, int width, int height) {
        Path html = writeHtml(figure, name, ProjectPaths.figures(), width, height);
        Path png = html.resolveSibling(name + ".png");
        Chromium.screenshot(html, png, width, height);
        Notebook.markdown("Saved `" + shortPath(html) + "` and `" + shortPath(png) + "`.");
    }

    /**
     * Writes only the HTML page into {@code dir}; returns its path. The page links the project's plotly.js
     * ({@link PlotlyJs#linkScript}, fetched by {@code environment/jupyter}) rather than inlining it.
     */
    public static Path writeHtml(Figure figure, String name, Path dir, int width, int height) {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("a figure is at least 100 x 100 pixels, got " + width + " x " + height);
        }
        if (name == null || !NAME.matcher(name).matches() || name.endsWith(".html") || name.endsWith(".png")) {
            throw new IllegalArgumentException("A figure name is letters, digits, '_', '-' or '.', without an extension: got '"
                    + name + "'");
        }
        Path html = dir.resolve(name + ".html");
        AtomicFiles.writeString(html, page(figure, name, width, height, PlotlyJs.linkScript(dir)));
        return html;
    }

    /** The page draws the figure at exactly the window's size, so the PNG shows all of it and nothing else. */
    static String page(Figure figure, String name, int width, int height, String loader) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n<title>" + Html.escape(name)
                + "</title>\n<style>body{margin:0;background:#fff} body.static .modebar{display:none !important}</style>\n"
                + loader + "\n</head>\n<body>\n"
                + FigureRenderer.fragment(figure, "figure") + "\n"
                + "<script>Plotly.relayout('figure', {width: " + width + ", height: " + height + ", autosize: false});\n"
                + "if (location.hash === '#static') { document.body.classList.add('static'); }</script>\n"
                + "</body>\n</html>\n";
    }

    private static String shortPath(Path p) {
        try {
            return ProjectPaths.root().relativize(p.toAbsolutePath()).toString();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return p.toString();
        }
    }
}
