package org.cbtm.notebook;

import org.cbtm.present.Html;

import java.util.List;
import java.util.function.Function;

import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;

import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

/**
 * Plugs the library's renderers into the kernel through its display SPI (listed in
 * {@code META-INF/services}): a cell whose value is a {@link Table}, a {@link Figure} or a {@link MimeBundle}
 * renders richly without any call.
 */
public final class CbtmDisplayProvider implements DisplayProvider {

    @Override
    public List<DisplayRenderer> getDisplayRenderers() {
        return List.of(
                new BundleRenderer<>(Table.class, t -> Displays.tables().render(t)),
                new BundleRenderer<>(Figure.class, f -> Displays.figures().render(f)),
                new BundleRenderer<>(MimeBundle.class, b -> b),
                // the kernel's default shows a String as unescaped HTML: "a < b" would vanish
                new BundleRenderer<>(String.class, s -> MimeBundle.of(s, "<pre style=\"white-space:pre-wrap\">" + Html.escape(s) + "</pre>")));
    }

    @Override
    public List<DisplayTransformer> getDisplayTransformers() {
        return List.of();
    }

    /** Adapts a function to a MIME bundle to the kernel's renderer interface. */
    record BundleRenderer<T>(Class<T> type, Function<T, MimeBundle> toBundle) implements DisplayRenderer {

        @Override
        public Class<?> rendererClass() {
            return type;
        }

        @Override
        public boolean canRender(String mime) {
            // the kernel passes null for a plain display(...) or a cell's value
            return mime == null || toLong(mime) != null;
        }

        @Override
        public DisplayData render(String mime, Object o) {
            MimeBundle bundle = toBundle.apply(type.cast(o));
            String wanted = mime == null ? null : toLong(mime);
            DisplayData dd = DisplayData.withType("text/plain", bundle.plain());
            bundle.data().forEach((m, v) -> {
                if (!m.equals(MimeBundle.TEXT) && (wanted == null || wanted.equals(m))) {
                    dd.putData(m, v);
                }
            });
            return dd;
        }

        private static String toLong(String mime) {
            return switch (mime) {
                case "text", "text/plain" -> MimeBundle.TEXT;
                case "html", "text/html" -> MimeBundle.HTML;
                default -> null;
            };
        }
    }
}
