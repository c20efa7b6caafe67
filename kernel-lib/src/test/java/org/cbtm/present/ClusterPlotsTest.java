package org.cbtm.present;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.cbtm.cluster.ClusterAnalytics;
import org.cbtm.cluster.ClusterTables;
import org.cbtm.cluster.DocumentMap;
import org.cbtm.corpus.Document;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

class ClusterPlotsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode data(Figure f) throws Exception {
        return JSON.readTree(((JsonFigure) f).dataJson());
    }

    private static JsonNode layout(Figure f) throws Exception {
        return JSON.readTree(((JsonFigure) f).layoutJson());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void heatmapDropsEmptyLabelsAndClustersAndNormalisesRows() throws Exception {
        // cluster 2 is empty; label "none" has no document
        int[] a = {0, 0, 0, 1, 1, 3};
        List<String> labels = List.of("x", "x", "y", "y", "y", "x");
        Table overlap = ClusterAnalytics.overlap(a, labels, 4);
        overlap.addColumns(tech.tablesaw.api.IntColumn.create("none", new int[4]));
        Figure f = ClusterPlots.overlapHeatmap(overlap, ClusterPlots.Normalise.ROWS, "title");
        JsonNode trace = data(f).get(0);
        assertEquals("heatmap", trace.get("type").asText());
        assertEquals(List.of("x", "y"), texts(trace.get("x")));
        assertEquals(List.of("cluster 0 (3)", "cluster 1 (2)", "cluster 3 (1)"), texts(trace.get("y")));
        JsonNode z = trace.get("z");
        assertEquals(2 / 3.0, z.get(0).get(0).asDouble(), 1e-12);
        assertEquals(1 / 3.0, z.get(0).get(1).asDouble(), 1e-12);
        assertEquals(1.0, z.get(1).get(1).asDouble(), 1e-12);
        assertEquals("67%", trace.get("text").get(0).get(0).asText());
        assertEquals("", trace.get("text").get(1).get(0).asText(), "a zero cell shows no text");
        assertEquals("reversed", layout(f).get("yaxis").get("autorange").asText());
        assertEquals("title", layout(f).get("title").get("text").asText());
        // the Tablesaw side of the figure (what the renderer's plain-text fallback reads) has the title and the trace
        assertEquals("title", f.getLayout().getTitle());
        assertEquals(1, f.getTraces().length);
    }

    @Test
    void heatmapColumnsAndCountsAndLabelCap() throws Exception {
        int[] a = {0, 1, 1, 1, 0, 0};
        List<String> labels = List.of("p", "p", "q", "q", "q", "r");
        Table overlap = ClusterAnalytics.overlap(a, labels, 2);
        JsonNode cols = data(ClusterPlots.overlapHeatmap(overlap, ClusterPlots.Normalise.COLUMNS, "t")).get(0);
        assertEquals(0.5, cols.get("z").get(0).get(0).asDouble(), 1e-12); // p: one in each cluster
        assertEquals(1.0, cols.get("z").get(0).get(2).asDouble(), 1e-12); // r: all in cluster 0
        JsonNode counts = data(ClusterPlots.overlapHeatmap(overlap, ClusterPlots.Normalise.NONE, "t")).get(0);
        assertEquals(2.0, counts.get("z").get(1).get(1).asDouble(), 1e-12);
        assertEquals("2", counts.get("text").get(1).get(1).asText());
        JsonNode capped = data(ClusterPlots.overlapHeatmap(overlap, ClusterPlots.Normalise.ROWS, "t", 1)).get(0);
        assertEquals(List.of("q"), texts(capped.get("x")), "the label with the most documents is kept");
        assertThrows(IllegalArgumentException.class,
                () -> ClusterPlots.overlapHeatmap(overlap.selectColumns("p", "q"), ClusterPlots.Normalise.ROWS, "t"));
    }

    @Test
    void heatmapWithManyLabelsShowsNoCellText() throws Exception {
        int n = ClusterPlots.MAX_LABELLED_COLUMNS + 1;
        int[] a = new int[n];
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.add("label" + i);
        }
        JsonNode t = data(ClusterPlots.overlapHeatmap(ClusterAnalytics.overlap(a, labels, 1),
                ClusterPlots.Normalise.ROWS, "t")).get(0);
        assertEquals(n, t.get("x").size());
        assertFalse(t.has("text"));
    }

    @Test
    void figureScriptIsSafeAndDrawsIntoItsDiv() {
        int[] a = {0, 1};
        List<String> labels = List.of("</script><b>", "ok");
        Figure f = ClusterPlots.overlapHeatmap(ClusterAnalytics.overlap(a, labels, 2), ClusterPlots.Normalise.ROWS, "t");
        String js = f.asJavascript("div1");
        assertTrue(js.contains("Plotly.newPlot(target_div1, data, layout)"));
        assertTrue(js.contains("document.getElementById('div1')"));
        String body = js.substring("<script>".length(), js.length() - "</script>".length());
        assertFalse(body.contains("<"), "no raw '<' inside the script");
        assertTrue(f.asJavascript("abc").contains("target_abc"));
    }

    @Test
    void documentMapHasOneTracePerGroupInNaturalOrder() throws Exception {
        DocumentMap dm = new DocumentMap(new int[] {0, 1, 2, 3, 4}, new double[] {1, 2, 3, 4, 5},
                new double[] {5, 4, 3, 2, 1}, new double[] {0.5, 0.25});
        String[] groups = {"10", "2", "2", "10", "9"};
        String[] hover = {"a", "b", "c", "d", "e"};
        Figure f = ClusterPlots.documentMap(dm, groups, hover, "map", "cluster");
        JsonNode d = data(f);
        assertEquals(3, d.size());
        assertEquals(List.of("2", "9", "10"), List.of(d.get(0).get("name").asText(), d.get(1).get("name").asText(),
                d.get(2).get("name").asText()));
        assertEquals(List.of("2.0", "3.0"), texts(d.get(0).get("x")));
        assertEquals(List.of("b", "c"), texts(d.get(0).get("text")));
        assertEquals("markers", d.get(0).get("mode").asText());
        assertTrue(layout(f).get("xaxis").get("title").get("text").asText().contains("50%"));
        assertThrows(IllegalArgumentException.class,
                () -> ClusterPlots.documentMap(dm, new String[] {"1"}, null, "map", "cluster"));
        assertEquals(Palette.categorical(0, 3), d.get(0).get("marker").get("color").asText());
    }

    @Test
    void hoverTextsAreEscapedAndCut() {
        Document d = new Document("id", "a <b>bold</b>\n\n claim that goes on", "brown", "news", "id", "train", null);
        String h = ClusterPlots.hoverTexts(List.of(d), 10).get(0);
        assertTrue(h.startsWith("brown / news<br>"));
        assertTrue(h.contains("&lt;b&gt;"));
        assertTrue(h.endsWith("…"));
    }

    private static Table someSizes() {
        return ClusterTables.stack(List.of(
                ClusterTables.sizes("balanced", "mix", 2, 1, new int[] {0, 0, 1, 1}),
                ClusterTables.sizes("unbalanced", "mix", 2, 1, new int[] {0, 0, 0, 1}),
                ClusterTables.sizes("unbalanced", "mix", 2, 2, new int[] {0, 1, 1, 1}),
                ClusterTables.sizes("balanced", "mix", 4, 1, new int[] {0, 1, 2, 3}),
                ClusterTables.sizes("unbalanced", "mix", 4, 1, new int[] {0, 0, 2, 3}),
                ClusterTables.sizes("balanced", "fit", 2, 1, new int[] {0, 1})));
    }

    @Test
    void sizeBoxesGroupOneBoxPerMethodAndK() throws Exception {
        Figure f = ClusterPlots.sizeBoxes(someSizes(), "mix", "sizes");
        JsonNode d = data(f);
        assertEquals(2, d.size());
        assertEquals("box", d.get(0).get("type").asText());
        assertEquals("balanced", d.get(0).get("name").asText());
        assertEquals(List.of("K = 2", "K = 2", "K = 4", "K = 4", "K = 4", "K = 4"), texts(d.get(0).get("x")));
        assertEquals(8, d.get(1).get("y").size(), "unbalanced: 2 + 2 clusters at K = 2 (two seeds), 4 at K = 4");
        assertEquals("group", layout(f).get("boxmode").asText());
        assertEquals(Palette.UNBALANCED, d.get(1).get("marker").get("color").asText());
        assertEquals(Palette.BALANCED, d.get(0).get("marker").get("color").asText());
        assertThrows(IllegalArgumentException.class, () -> ClusterPlots.sizeBoxes(someSizes(), "none", "t"));
    }

    @Test
    void sortedSizesAverageRankByRankOverSeeds() throws Exception {
        JsonNode d = data(ClusterPlots.sortedSizes(someSizes(), 2, "sorted"));
        // balanced/mix, balanced/fit, unbalanced/mix
        assertEquals(3, d.size());
        JsonNode unbalanced = d.get(2);
        assertEquals("unbalanced, mix", unbalanced.get("name").asText());
        // seed 1: 3, 1 -> rel 1.5, 0.5; seed 2: 1, 3 -> sorted 1.5, 0.5
        assertEquals(1.5, unbalanced.get("y").get(0).asDouble(), 1e-12);
        assertEquals(0.5, unbalanced.get("y").get(1).asDouble(), 1e-12);
        assertEquals("dash", d.get(1).get("line").get("dash").asText(), "the second set is dashed");
        assertThrows(IllegalArgumentException.class, () -> ClusterPlots.sortedSizes(someSizes(), 8, "t"));
    }

    @Test
    void linesByKHaveOneTracePerMetricAndGroup() throws Exception {
        Table t = ClusterTables.stack(List.of(
                ClusterTables.agreement("k-means", 2, new int[] {0, 0, 1, 1}, List.of("a", "a", "b", "b"), "s"),
                ClusterTables.agreement("k-means", 4, new int[] {0, 1, 2, 3}, List.of("a", "a", "b", "b"), "s"),
                ClusterTables.agreement("random", 2, new int[] {0, 1, 0, 1}, List.of("a", "a", "b", "b"), "s"),
                ClusterTables.agreement("random", 4, new int[] {0, 1, 2, 3}, List.of("a", "a", "b", "b"), "s")));
        Figure f = ClusterPlots.linesByK(t, "partition", List.of("NMI", "purity"), "agreement", "score");
        JsonNode d = data(f);
        assertEquals(4, d.size());
        assertEquals("NMI · k-means", d.get(0).get("name").asText());
        assertEquals(List.of("2", "4"), texts(d.get(0).get("x")));
        assertEquals(1.0, d.get(0).get("y").get(0).asDouble(), 1e-12);
        assertEquals("dash", d.get(1).get("line").get("dash").asText());
        assertEquals("log", layout(f).get("xaxis").get("type").asText());
        JsonNode single = data(ClusterPlots.linesByK(t, "partition", List.of("NMI"), "t", "NMI"));
        assertEquals("k-means", single.get(0).get("name").asText());
    }
}
