package org.cbtm.present;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cbtm.eval.ExpertClusterMatrix;
import org.cbtm.eval.PerplexityResult;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

class ExpertPlotsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A loss-curve table shaped like CbtmExperts.lossCurves(). */
    private static Table curves(Object[][] rows) {
        Table t = Table.create("loss curves", StringColumn.create("run"), LongColumn.create("step"),
                LongColumn.create("tokens"), LongColumn.create("tokens_incl_seed"), DoubleColumn.create("train_loss"),
                DoubleColumn.create("valid_loss"), DoubleColumn.create("lr"), DoubleColumn.create("tokens_per_s"));
        for (Object[] r : rows) {
            t.stringColumn(0).append((String) r[0]);
            t.longColumn(1).append((Long) r[1]);
            t.longColumn(2).append((Long) r[2]);
            t.longColumn(3).append((Long) r[3]);
            t.doubleColumn(4).append((Double) r[4]);
            t.doubleColumn(5).append((Double) r[5]);
            t.doubleColumn(6).append(1e-3);
            t.doubleColumn(7).append(1000.0);
        }
        return t;
    }

    private static List<Double> numbers(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asDouble()));
        return out;
    }

    @Test
    void expertAndDenseCurvesContinueTheSeed() throws Exception {
        Table experts = curves(new Object[][] {
                {"seed", 1L, 100L, 100L, 9.0, 8.0},
                {"seed", 2L, 200L, 200L, 7.0, 6.0},
                {"expert 0", 1L, 50L, 250L, 5.5, Double.NaN}, // no held-out loss at this row: skipped
                {"expert 0", 2L, 100L, 300L, 5.0, 5.8},
                {"expert 1", 1L, 100L, 300L, 5.2, 6.1}});
        Table dense = curves(new Object[][] {
                {"seed", 1L, 100L, 100L, 9.0, 8.0},
                {"seed", 2L, 200L, 200L, 7.0, 6.0},
                {"expert 0", 1L, 200L, 400L, 4.0, 5.5}});
        Table all = ExpertPlots.withDense(experts, dense);
        assertEquals(6, all.rowCount(), "the dense run's seed rows are not repeated");
        assertEquals(ExpertPlots.DENSE, all.stringColumn("run").get(5));
        assertEquals(400L, all.longColumn("tokens_incl_seed").get(5));

        Figure f = ExpertPlots.lossCurves(all, "valid_loss", "held-out loss", "nats per token");
        JsonNode data = JSON.readTree(((JsonFigure) f).dataJson());
        JsonNode layout = JSON.readTree(((JsonFigure) f).layoutJson());
        assertEquals(4, data.size());
        assertEquals("seed", data.get(0).get("name").asText());
        assertEquals(List.of(100.0, 200.0), numbers(data.get(0).get("x")));
        // every branched run starts at the seed's last point
        assertEquals(List.of(200.0, 300.0), numbers(data.get(1).get("x")));
        assertEquals(List.of(6.0, 5.8), numbers(data.get(1).get("y")));
        assertEquals(List.of(6.0, 6.1), numbers(data.get(2).get("y")));
        assertEquals(ExpertPlots.DENSE, data.get(3).get("name").asText());
        assertEquals("dash", data.get(3).get("line").get("dash").asText());
        assertEquals(200.0, layout.get("shapes").get(0).get("x0").asDouble(), "the seed's end is marked");
        assertEquals("held-out loss", f.getLayout().getTitle());
        assertEquals(Palette.SEED, data.get(0).get("line").get("color").asText());
        assertEquals(Palette.DENSE, data.get(3).get("line").get("color").asText());

        Figure train = ExpertPlots.lossCurves(experts, "train_loss", "training loss", "nats");
        JsonNode tdata = JSON.readTree(((JsonFigure) train).dataJson());
        assertEquals(List.of(7.0, 5.5, 5.0), numbers(tdata.get(1).get("y")));
    }

    @Test
    void refusesATableWithoutLosses() {
        Table empty = curves(new Object[][] {{"seed", 1L, 100L, 100L, 9.0, Double.NaN}});
        assertThrows(IllegalArgumentException.class, () -> ExpertPlots.lossCurves(empty, "valid_loss", "t", "y"));
    }

    @Test
    void heatmapColoursEachColumnRelativeToItsBest() throws Exception {
        double[][] ppl = {{10, 400}, {20, 200}};
        Figure f = ExpertPlots.matrixHeatmap(ppl, new String[] {"a", "b"}, new String[] {"x", "y"}, "t");
        JsonNode trace = JSON.readTree(((JsonFigure) f).dataJson()).get(0);
        assertEquals(0.0, trace.get("z").get(0).get(0).asDouble(), 1e-12);
        assertEquals(1.0, trace.get("z").get(1).get(0).asDouble(), 1e-12);
        assertEquals(1.0, trace.get("z").get(0).get(1).asDouble(), 1e-12);
        assertEquals(0.0, trace.get("z").get(1).get(1).asDouble(), 1e-12);
        assertEquals("400.0", trace.get("text").get(0).get(1).asText());
        assertEquals("1,234", JSON.readTree(((JsonFigure) ExpertPlots.matrixHeatmap(new double[][] {{1234}},
                new String[] {"a"}, new String[] {"x"}, "t")).dataJson()).get(0).get("text").get(0).get(0).asText());
        assertThrows(IllegalArgumentException.class,
                () -> ExpertPlots.matrixHeatmap(ppl, new String[] {"a"}, new String[] {"x", "y"}, "t"));
        // a script-closing label cannot end the figure's script early
        Figure evil = ExpertPlots.matrixHeatmap(ppl, new String[] {"</script>", "b"}, new String[] {"x", "y"}, "t");
        assertTrue(!evil.asJavascript("d").contains("</script>\"") && evil.asJavascript("d").endsWith("</script>"));
    }

    @Test
    void heatmapOfAnExpertClusterMatrix() throws Exception {
        // two experts, two clusters: expert 0 is better on cluster 0 (3 documents), expert 1 on cluster 1 (1 document)
        List<PerplexityResult.DocumentScore> e0 = List.of(new PerplexityResult.DocumentScore("a", "s", 0, 10, 10.0),
                new PerplexityResult.DocumentScore("b", "s", 0, 10, 10.0),
                new PerplexityResult.DocumentScore("c", "s", 0, 10, 10.0),
                new PerplexityResult.DocumentScore("d", "s", 1, 10, 30.0));
        List<PerplexityResult.DocumentScore> e1 = List.of(new PerplexityResult.DocumentScore("a", "s", 0, 10, 20.0),
                new PerplexityResult.DocumentScore("b", "s", 0, 10, 20.0),
                new PerplexityResult.DocumentScore("c", "s", 0, 10, 20.0),
                new PerplexityResult.DocumentScore("d", "s", 1, 10, 15.0));
        ExpertClusterMatrix m = ExpertClusterMatrix.of(List.of(new PerplexityResult("e0", 1, 64, e0, 0, "cpu"),
                new PerplexityResult("e1", 1, 64, e1, 0, "cpu")));
        JsonFigure f = ExpertPlots.matrixHeatmap(m, "KN-2 experts");
        JsonNode trace = JSON.readTree(f.dataJson()).get(0);
        JsonNode layout = JSON.readTree(f.layoutJson());
        assertEquals("heatmap", trace.get("type").asText());
        assertEquals("expert 0", trace.get("y").get(0).asText());
        assertEquals("cluster 0 (3 docs)", trace.get("x").get(0).asText());
        assertEquals("cluster 1 (1 docs)", trace.get("x").get(1).asText());
        for (int c = 0; c < 2; c++) {
            // the diagonal is the best of its column: zero above the best
            assertEquals(0.0, trace.get("z").get(c).get(c).asDouble(), 1e-12);
            assertEquals(m.perplexity(0, c), trace.get("customdata").get(0).get(c).asDouble(), 1e-9);
        }
        assertEquals(String.format(java.util.Locale.ROOT, "%.1f", m.perplexity(1, 0)),
                trace.get("text").get(1).get(0).asText());
        assertEquals(2, layout.get("shapes").size(), "one outline per diagonal cell");
        assertEquals("KN-2 experts", layout.get("title").get("text").asText());
        assertEquals("test documents of cluster", layout.get("xaxis").get("title").get("text").asText());
        assertTrue(layout.get("yaxis").get("automargin").asBoolean());
    }
}
