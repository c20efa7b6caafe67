package org.cbtm.present;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** The grid figures of {@link ResultPlots} on hand-built grid result tables. */
class ResultPlotsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> names(JsonFigure f) {
        return f.traceMaps().stream().map(m -> String.valueOf(m.get("name"))).toList();
    }

    static String colour(JsonFigure f, String name) {
        for (Map<String, Object> t : f.traceMaps()) {
            if (name.equals(t.get("name"))) {
                Object line = t.get("line");
                Object marker = t.get("marker");
                return String.valueOf(line instanceof Map<?, ?> l ? l.get("color") : ((Map<?, ?>) marker).get("color"));
            }
        }
        throw new AssertionError("no trace " + name + " in " + names(f));
    }

    static JsonNode layout(JsonFigure f) throws Exception {
        return JSON.readTree(f.layoutJson());
    }

    private static List<Double> numbers(Object list) {
        List<Double> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add(((Number) o).doubleValue());
        }
        return out;
    }

    private static Table oracle() {
        return Table.create("oracle routing", StringColumn.create("clustering", "oracle (balanced)", "oracle (balanced)"),
                IntColumn.create("k", 2, 4), LongColumn.create("budget", 1000, 1000), DoubleColumn.create("perplexity", 80, 75));
    }

    @Test
    void perplexityVsKDrawsOneLinePerMethodAndTopK() throws Exception {
        JsonFigure f = ResultPlots.perplexityVsK(Grids.randomClusters(false), oracle(), "t");
        assertEquals(List.of("dense (K = 1)", "balanced, all experts", "balanced, top-1", "random, all experts",
                "oracle (balanced)"), names(f));
        // dense: a horizontal line across the K of the others
        assertEquals(List.of(2, 4), f.traceMaps().get(0).get("x"));
        assertEquals(List.of(100.0, 100.0), f.traceMaps().get(0).get("y"));
        assertEquals(List.of(2.0, 4.0), numbers(f.traceMaps().get(1).get("x")));
        assertEquals(List.of(95.0, 90.0), numbers(f.traceMaps().get(1).get("y")));
        assertEquals(List.of(103.0, 98.0), numbers(f.traceMaps().get(2).get("y")));
        // method colours; the second series of a method is a lighter, dashed variant
        assertEquals(Palette.DENSE, colour(f, "dense (K = 1)"));
        assertEquals(Palette.BALANCED, colour(f, "balanced, all experts"));
        assertEquals(Palette.variant(Palette.BALANCED, 1), colour(f, "balanced, top-1"));
        assertEquals("dash", ((Map<?, ?>) f.traceMaps().get(2).get("line")).get("dash"));
        assertEquals(Palette.RANDOM, colour(f, "random, all experts"));
        assertEquals(Palette.ORACLE, colour(f, "oracle (balanced)"));
        JsonNode x = layout(f).get("xaxis");
        assertEquals("log", x.get("type").asText());
        assertEquals("[2.0,4.0]", x.get("tickvals").toString());
        assertEquals("[\"2\",\"4\"]", x.get("ticktext").toString());
        assertTrue(x.get("title").get("text").asText().contains("K"));
        assertEquals("test perplexity", layout(f).get("yaxis").get("title").get("text").asText());
    }

    @Test
    void anIntOrAStringTopKColumnGivesTheSameFigures() {
        assertEquals(ResultPlots.perplexityVsK(Grids.randomClusters(false), "t").dataJson(),
                ResultPlots.perplexityVsK(Grids.randomClusters(true), "t").dataJson());
        assertEquals(ResultPlots.perplexityVsInferenceParams(Grids.topK(false), "t").dataJson(),
                ResultPlots.perplexityVsInferenceParams(Grids.topK(true), "t").dataJson());
    }

    @Test
    void everyExpertKeptReadsAllInLegendsNeverTopK() {
        // top-k = 2 at K = 2 keeps every expert: it belongs to the "all" line of K = 4
        Table g = Grids.grid().row("balanced", 2, 1000, 2, 95, 1000).row("balanced", 4, 1000, 4, 90, 1000)
                .row("balanced", 4, 1000, 2, 93, 500).build();
        JsonFigure f = ResultPlots.perplexityVsK(g, "t");
        assertEquals(List.of("all experts", "top-2"), names(f));
        assertEquals(List.of(2.0, 4.0), numbers(f.traceMaps().get(0).get("x")));
        assertFalse(f.dataJson().contains("top-4"), f.dataJson());
        JsonFigure params = ResultPlots.perplexityVsInferenceParams(Grids.topK(false), "t");
        String k4 = String.valueOf(params.traceMaps().get(0).get("text"));
        assertEquals("[top-1, top-2, all]", k4);
    }

    @Test
    void aSettingThatFollowsFromTheOthersIsNotNamed() {
        // the router is "random" exactly for the random split: it splits no line, so the legend does not name it
        Table g = Grids.randomClusters(true);
        StringColumn router = StringColumn.create("router");
        for (int i = 0; i < g.rowCount(); i++) {
            router.append(g.stringColumn("clustering").get(i).equals("random") ? "random" : "centroid");
        }
        g.addColumns(router);
        assertEquals(names(ResultPlots.perplexityVsK(Grids.randomClusters(true), "t")),
                names(ResultPlots.perplexityVsK(g, "t")));
        // a router that does split a method's rows is named
        Table two = Grids.grid().row("balanced", 2, 1000, 0, 95, 1000).row("balanced", 2, 1000, 0, 99, 1000).build();
        two.addColumns(StringColumn.create("router", "centroid", "uniform"));
        assertEquals(List.of("centroid router", "uniform router"), names(ResultPlots.perplexityVsK(two, "t")));
    }

    @Test
    void perplexityVsKRefusesRepeatsAndSplitsBySeed() {
        Table repeated = Grids.grid().row("balanced", 2, 1000, 0, 95, 1000).row("balanced", 2, 1000, 0, 97, 1000).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultPlots.perplexityVsK(repeated, "t"));
        assertTrue(e.getMessage().contains("rows 0 and 1") && e.getMessage().contains("same settings"), e.getMessage());

        Table seeds = Grids.grid().withSeed()
                .row("balanced", 2, 1000, 0, 0.1, "paper", 95, 1000, 0).row("balanced", 2, 1000, 0, 0.1, "paper", 97, 1000, 1)
                .row("balanced", 4, 1000, 0, 0.1, "paper", 90, 1000, 0).row("balanced", 4, 1000, 0, 0.1, "paper", 92, 1000, 1)
                .build();
        assertEquals(List.of("seed 0", "seed 1"), names(ResultPlots.perplexityVsK(seeds, "t")));
        assertThrows(IllegalArgumentException.class,
                () -> ResultPlots.perplexityVsK(Grids.grid().dense(1000, 100, 1000).build(), "dense only"));
        assertThrows(IllegalArgumentException.class, () -> ResultPlots.perplexityVsK(
                Table.create("x", StringColumn.create("clustering", "a")), "not a grid"));
    }

    @Test
    void perplexityVsTokensDrawsOneLinePerKShadedByK() throws Exception {
        JsonFigure f = ResultPlots.perplexityVsTokens(Grids.scaling(), "t");
        assertEquals(List.of("dense (K = 1)", "K = 2", "K = 4"), names(f));
        assertEquals(List.of(1000.0, 2000.0, 4000.0), numbers(f.traceMaps().get(1).get("x")));
        assertEquals(List.of(102.0, 92.0, 82.0), numbers(f.traceMaps().get(1).get("y")));
        assertEquals(Palette.DENSE, colour(f, "dense (K = 1)"));
        assertEquals(Palette.BALANCED, colour(f, "K = 4"), "the largest K in the method's own colour");
        assertEquals(Palette.ramp(Palette.BALANCED, 0, 2), colour(f, "K = 2"));
        assertNotEquals(Palette.BALANCED, colour(f, "K = 2"));
        JsonNode x = layout(f).get("xaxis");
        assertEquals("log", x.get("type").asText());
        assertEquals("[\"1k\",\"2k\",\"4k\"]", x.get("ticktext").toString());

        // a second top-k at K = 4 is a line of its own, not a zig-zag through the K = 4 line
        Table mixed = Grids.grid().row("balanced", 4, 1000, 0, 90, 1000).row("balanced", 4, 2000, 0, 80, 1000)
                .row("balanced", 4, 1000, 1, 99, 250).row("balanced", 4, 2000, 1, 89, 250).build();
        assertEquals(List.of("K = 4, all experts", "K = 4, top-1"), names(ResultPlots.perplexityVsTokens(mixed, "t")));
    }

    @Test
    void changeVsDenseComparesAtTheSameBudget() {
        JsonFigure f = ResultPlots.changeVsDense(Grids.scaling(), "t");
        assertEquals(List.of("dense (K = 1)", "K = 2", "K = 4"), names(f));
        assertEquals(List.of(0.0, 0.0, 0.0), numbers(f.traceMaps().get(0).get("y")));
        assertEquals(5.0, numbers(f.traceMaps().get(2).get("y")).get(0), 1e-9);
        assertEquals(100 * (85 / 80.0 - 1), numbers(f.traceMaps().get(2).get("y")).get(2), 1e-9);
        Table noDense = Grids.grid().row("balanced", 2, 1000, 0, 95, 1000).build();
        assertThrows(IllegalArgumentException.class, () -> ResultPlots.changeVsDense(noDense, "t"));
    }

    @Test
    void perplexityVsInferenceParamsLabelsEveryPoint() throws Exception {
        JsonFigure f = ResultPlots.perplexityVsInferenceParams(Grids.topK(false), "t", "n-gram entries per token");
        assertEquals(List.of("K = 4", "K = 8", "dense (K = 1)"), names(f));
        Map<String, Object> k8 = f.traceMaps().get(1);
        assertEquals(List.of(160.0, 290.0, 540.0, 1040.0), numbers(k8.get("x")));
        assertEquals(List.of("top-1", "top-2", "top-4", "all"), k8.get("text"));
        assertTrue(String.valueOf(k8.get("mode")).contains("text"));
        assertEquals("star", ((Map<?, ?>) f.traceMaps().get(2).get("marker")).get("symbol"));
        assertEquals(Palette.BALANCED, colour(f, "K = 8"));
        JsonNode x = layout(f).get("xaxis");
        assertEquals("log", x.get("type").asText());
        assertEquals("n-gram entries per token", x.get("title").get("text").asText());

        // two temperatures: a line per T, not one line through both
        Table temps = Grids.grid().row("balanced", 4, 1000, 1, 0.1, "paper", 110, 300, 0)
                .row("balanced", 4, 1000, 0, 0.1, "paper", 92, 1050, 0)
                .row("balanced", 4, 1000, 1, 1.0, "paper", 115, 300, 0)
                .row("balanced", 4, 1000, 0, 1.0, "paper", 95, 1050, 0).build();
        assertEquals(List.of("T = 0.1", "T = 1"), names(ResultPlots.perplexityVsInferenceParams(temps, "t")));
        Table repeated = Grids.grid().row("balanced", 4, 1000, 1, 110, 300).row("balanced", 4, 1000, 1, 111, 300).build();
        assertThrows(IllegalArgumentException.class, () -> ResultPlots.perplexityVsInferenceParams(repeated, "t"));
    }

    @Test
    void expertClusterHeatmapAndSourceChanges() throws Exception {
        Table matrix = Table.create("m", IntColumn.create("expert", 0, 1, 0, 1), IntColumn.create("cluster", 0, 0, 1, 1),
                DoubleColumn.create("perplexity", 10, 20, 40, 30), DoubleColumn.create("ratio_to_best", 1, 2, 4.0 / 3, 1));
        JsonFigure heat = ResultPlots.expertClusterHeatmap(matrix, "t");
        assertTrue(heat.dataJson().contains("\"text\":[[\"10\",\"40\"],[\"20\",\"30\"]]"), heat.dataJson());

        Table sources = Table.create("by source", StringColumn.create("source", "fiction: general", "science_fiction"),
                DoubleColumn.create("balanced K=4 vs dense %", -3, 2), DoubleColumn.create("random K=4 vs dense %", 1, 4));
        JsonFigure bars = ResultPlots.sourceChanges(sources, List.of("balanced K=4 vs dense %", "random K=4 vs dense %"),
                "t");
        assertEquals(Palette.BALANCED, colour(bars, "balanced K=4 vs dense %"));
        assertEquals(Palette.RANDOM, colour(bars, "random K=4 vs dense %"));
        JsonNode y = layout(bars).get("yaxis");
        assertTrue(y.get("automargin").asBoolean(), "long source names widen the margin instead of being cut");
        assertEquals("group", layout(bars).get("barmode").asText());
    }
}
