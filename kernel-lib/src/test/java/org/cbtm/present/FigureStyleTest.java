package org.cbtm.present;

import static org.cbtm.present.JsonFigure.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import tech.tablesaw.plotly.components.Figure;

class FigureStyleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyFigureBuilderIsCoveredByTheSharedFixtures() {
        Set<String> builders = new TreeSet<>();
        for (Class<?> c : AllFigures.PLOT_CLASSES) {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                        && Figure.class.isAssignableFrom(m.getReturnType())) {
                    builders.add(c.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertEquals(builders, new TreeSet<>(AllFigures.build().keySet()),
                "a new figure builder needs a fixture in AllFigures, so the style tests see it");
    }

    @Test
    void everyFigureHasTitledAxesRoomForLabelsAndTheStyle() throws Exception {
        for (var e : AllFigures.build().entrySet()) {
            JsonNode layout = JSON.readTree(e.getValue().layoutJson());
            for (String axis : List.of("xaxis", "yaxis")) {
                JsonNode a = layout.get(axis);
                assertTrue(a != null && !a.get("title").get("text").asText().isBlank(), e.getKey() + ": " + axis
                        + " has a title");
                assertTrue(a.get("automargin").asBoolean(), e.getKey() + ": " + axis + " grows its margin for long labels");
            }
            assertEquals(FigureStyle.FONT_FAMILY, layout.get("font").get("family").asText(), e.getKey());
            assertEquals("#ffffff", layout.get("plot_bgcolor").asText(), e.getKey());
            assertFalse(layout.get("title").get("text").asText().isBlank(), e.getKey() + " has a title");
            assertTrue(layout.get("width").asInt() >= 600 && layout.get("height").asInt() >= 340, e.getKey());
        }
    }

    @Test
    void axisTitlesAreRequired() {
        assertThrows(IllegalArgumentException.class, () -> FigureStyle.axis(""));
        assertThrows(IllegalArgumentException.class, () -> FigureStyle.axis(null));
        Map<String, Object> untitled = map("type", "log");
        assertThrows(IllegalArgumentException.class,
                () -> FigureStyle.layout("t", untitled, FigureStyle.axis("y")));
        Map<String, Object> layout = FigureStyle.layout("t", FigureStyle.axis("x"), FigureStyle.axis("y"));
        layout.put("yaxis2", map("overlaying", "y"));
        List<Map<String, Object>> traces = List.of(map("type", "scatter", "x", List.of(1), "y", List.of(1)));
        assertThrows(IllegalArgumentException.class, () -> FigureStyle.figure(layout, traces),
                "a second y axis needs a title too");
        assertThrows(IllegalArgumentException.class, () -> FigureStyle.figure(
                FigureStyle.layout("t", FigureStyle.axis("x"), FigureStyle.axis("y")), List.of()));
    }

    @Test
    void longTitlesWrapAndGetRoom() throws Exception {
        String title = "Unbalanced against balanced, per K and seed: perplexity change against the difference in tokens "
                + "trained";
        String wrapped = FigureStyle.wrap(title, FigureStyle.TITLE_CHARS);
        assertTrue(wrapped.contains("<br>"), wrapped);
        assertEquals(title, wrapped.replace("<br>", " "));
        for (String line : wrapped.split("<br>")) {
            assertTrue(line.length() <= FigureStyle.TITLE_CHARS, line);
        }
        JsonNode one = JSON.readTree(JsonFigure.json(FigureStyle.layout("short", FigureStyle.axis("x"), FigureStyle.axis("y"))));
        JsonNode two = JSON.readTree(JsonFigure.json(FigureStyle.layout(title, FigureStyle.axis("x"), FigureStyle.axis("y"))));
        assertTrue(two.get("margin").get("t").asInt() > one.get("margin").get("t").asInt());
    }

    @Test
    void barsAndHistogramsUseTheirWholeAxis() throws Exception {
        Map<String, JsonFigure> all = AllFigures.build();
        JsonNode hist = JSON.readTree(all.get("CorpusPlots.lengthHistogram").layoutJson());
        assertEquals("overlay", hist.get("barmode").asText(), "several histograms overlay instead of sharing a bin");
        JsonNode traces = JSON.readTree(all.get("CorpusPlots.lengthHistogram").dataJson());
        assertEquals(2, traces.size());
        assertEquals(traces.get(0).get("xbins"), traces.get(1).get("xbins"), "every source uses the same bins");
        assertTrue(hist.get("xaxis").has("range"), "the axis ends at the 99th percentile, not at the longest passage");
        JsonNode labels = JSON.readTree(all.get("CorpusPlots.labels").layoutJson());
        assertTrue(labels.get("yaxis").get("automargin").asBoolean(), "'fiction: general' is not clipped");
        assertTrue(all.get("CorpusPlots.labels").dataJson().contains("fiction: general"));
    }

    @Test
    void niceTicksAndLogAxes() {
        assertEquals(List.of(200.0, 500.0, 1000.0, 2000.0), List.copyOf(FigureStyle.niceTicks(new double[] {300, 1200})));
        assertEquals(List.of(0.1, 0.2, 0.5), List.copyOf(FigureStyle.niceTicks(new double[] {0.1, 0.3})));
        Map<String, Object> a = FigureStyle.logAxis("tokens", List.of(1000, 2_000_000));
        assertEquals("log", a.get("type"));
        assertEquals(List.of("1k", "2M"), a.get("ticktext"));
        assertEquals("solid", FigureStyle.dash(0));
        assertEquals("dash", FigureStyle.dash(1));
    }
}
