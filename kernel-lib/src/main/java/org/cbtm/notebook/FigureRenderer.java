package org.cbtm.notebook;

import org.cbtm.present.Html;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;

/**
 * Renders a Plotly {@link Figure} for a notebook: a div plus a script that draws it once {@code window.Plotly}
 * exists. The bundle itself (4.5 MB) goes out once per kernel session, with the first figure, so a notebook with
 * twenty plots carries it once, not twenty times; {@link #reloadBundle()} sends it again (for a page that lost it).
 */
public final class FigureRenderer {

    private static final AtomicLong COUNTER = new AtomicLong();
    private final AtomicBoolean bundleSent = new AtomicBoolean(false);
    private final java.util.function.Supplier<String> loader;

    public FigureRenderer(java.util.function.Supplier<String> loader) {
        this.loader = loader;
    }

    public FigureRenderer() {
        this(PlotlyJs::loaderScript);
    }

    /** The next figure this renderer draws carries the bundle again. */
    public void reloadBundle() {
        bundleSent.set(false);
    }

    public MimeBundle render(Figure figure) {
        // Tablesaw declares a JavaScript variable named after the div: the id must be an identifier
        String divId = "cbtm_fig_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        String bundle = bundleSent.compareAndSet(false, true) ? loader.get() : "";
        return MimeBundle.of(describe(figure), bundle + fragment(figure, divId));
    }

    /** The div and the drawing script for one figure, without the bundle. */
    public static String fragment(Figure figure, String divId) {
        if (!divId.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("a figure's div id must be a JavaScript identifier, got " + divId);
        }
        String script = figure.asJavascript(divId).trim();
        // Tablesaw wraps its code in <script>...</script>: keep only the code, run it when Plotly is there
        script = script.replaceFirst("^<script[^>]*>", "").replaceFirst("</script>$", "");
        return "<div id=\"" + divId + "\"></div>\n"
                + "<script type=\"text/javascript\">(function () {\n"
                + "  function draw() {\n" + Html.inlineScript(script) + "\n  }\n"
                + "  if (window.Plotly) { draw(); } else { (window.cbtmPlotlyQueue = window.cbtmPlotlyQueue || []).push(draw); }\n"
                + "})();</script>";
    }

    /** The text/plain fallback: what the figure is, for front ends that cannot run scripts. */
    public static String describe(Figure figure) {
        Layout layout = figure.getLayout();
        String title = layout == null ? null : layout.getTitle();
        int traces = figure.getTraces() == null ? 0 : figure.getTraces().length;
        return "Plotly figure" + (title == null || title.isBlank() ? "" : " \"" + title + "\"")
                + " with " + traces + (traces == 1 ? " trace" : " traces")
                + " (interactive in Jupyter; Figures.save(fig, name) writes HTML and PNG to figures/)";
    }
}
