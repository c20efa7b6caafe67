package org.cbtm.notebook;

import org.cbtm.present.Html;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cbtm.base.ProjectPaths;

/**
 * The plotly.js bundle, served offline. {@code environment/jupyter} fetches plotly.js-dist-min 2.35.x from the
 * npm registry into {@code build/plotly/}; 3.x would drop Tablesaw's string titles, so the version is pinned.
 *
 * <p>plotly.js is a UMD bundle: on a page with RequireJS (the classic Notebook, nbconvert's HTML) it registers as an
 * AMD module and never sets {@code window.Plotly}. Wrapping it in a function whose {@code define}, {@code module}
 * and {@code exports} are undefined makes it take the global path.
 */
public final class PlotlyJs {

    private static volatile String cachedLoader;

    private PlotlyJs() {
    }

    /** The bundle's location: {@code $CBTM_PLOTLY_JS}, else {@code build/plotly/plotly.min.js}. */
    public static Path location() {
        String env = System.getenv("CBTM_PLOTLY_JS");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return ProjectPaths.build().resolve("plotly").resolve("plotly.min.js");
    }

    /** A {@code <script>} element that defines {@code window.Plotly} and draws any figures waiting for it. */
    public static String loaderScript() {
        String s = cachedLoader;
        if (s == null) {
            s = loaderScript(location());
            cachedLoader = s;
        }
        return s;
    }

    /**
     * A {@code <script>} element that loads the bundle by its path relative to {@code pageDir}: saved figure pages
     * link the one plotly.js of the project instead of carrying 4.5 MB each.
     */
    public static String linkScript(Path pageDir) {
        Path rel = pageDir.toAbsolutePath().normalize().relativize(location().toAbsolutePath().normalize());
        return "<script type=\"text/javascript\" src=\"" + Html.escape(rel.toString().replace('\\', '/'))
                + "\"></script>";
    }

    static String loaderScript(Path bundle) {
        String js;
        try {
            js = Files.readString(bundle, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("plotly.js is missing at " + bundle
                    + ": run environment/jupyter (or environment/test) once, which fetches it from the npm registry.", e);
        }
        return "<script type=\"text/javascript\">if (!window.Plotly) {(function(define, module, exports) {\n"
                + Html.inlineScript(js)
                + "\n}).call(window);}\n"
                + "(window.cbtmPlotlyQueue || []).forEach(function (draw) { draw(); }); window.cbtmPlotlyQueue = [];\n"
                + "</script>";
    }
}
