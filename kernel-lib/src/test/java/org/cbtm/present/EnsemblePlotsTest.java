package org.cbtm.present;

import static org.cbtm.present.ResultPlotsTest.colour;
import static org.cbtm.present.ResultPlotsTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class EnsemblePlotsTest {

    private static List<Double> numbers(Object list) {
        List<Double> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add(((Number) o).doubleValue());
        }
        return out;
    }

    @Test
    void topKLinesPerKWithEveryExpertAsAll() throws Exception {
        for (boolean text : new boolean[] {false, true}) {
            JsonFigure f = EnsemblePlots.perplexityByTopK(Grids.topK(text), "top-k");
            assertEquals(List.of("dense (K = 1)", "K = 4", "K = 8"), names(f));
            assertEquals(List.of("1", "2", "all"), f.traceMaps().get(1).get("x"));
            assertEquals(List.of("1", "2", "4", "all"), f.traceMaps().get(2).get("x"));
            assertEquals("[\"1\",\"2\",\"4\",\"all\"]",
                    ResultPlotsTest.layout(f).get("xaxis").get("categoryarray").toString());
            assertEquals(Palette.BALANCED, colour(f, "K = 8"));
            assertEquals(Palette.DENSE, colour(f, "dense (K = 1)"));
        }
        Table denseOnly = Grids.grid().dense(1000, 100, 1000).build();
        assertThrows(IllegalArgumentException.class, () -> EnsemblePlots.perplexityByTopK(denseOnly, "dense only"));
    }

    @Test
    void temperatureLinesSplitByTopKInsteadOfZigZagging() {
        // the known bug: rows of two top-k values at the same K were drawn as one line
        Table g = Grids.grid().dense(1000, 100, 1000)
                .row("balanced", 4, 1000, 0, 0.1, "paper", 90, 1000, 0)
                .row("balanced", 4, 1000, 2, 0.1, "paper", 95, 500, 0)
                .row("balanced", 4, 1000, 0, 1.0, "paper", 93, 1000, 0)
                .row("balanced", 4, 1000, 2, 1.0, "paper", 99, 500, 0).build();
        JsonFigure f = EnsemblePlots.perplexityByTemperature(g, "T");
        assertEquals(List.of("K = 4, all experts", "K = 4, top-2", "dense (K = 1)"), names(f));
        assertEquals(List.of(0.1, 1.0), numbers(f.traceMaps().get(0).get("x")));
        assertEquals(List.of(90.0, 93.0), numbers(f.traceMaps().get(0).get("y")));
        assertEquals(List.of(95.0, 99.0), numbers(f.traceMaps().get(1).get("y")));
        assertEquals("dash", ((Map<?, ?>) f.traceMaps().get(1).get("line")).get("dash"));

        // the distance forms: solid for the paper's, dashed for the reference code's
        Table forms = Grids.grid().row("balanced", 4, 1000, 0, 0.1, "paper", 90, 1000, 0)
                .row("balanced", 4, 1000, 0, 1.0, "paper", 93, 1000, 0)
                .row("balanced", 4, 1000, 0, 0.1, "reference", 91, 1000, 0).build();
        JsonFigure t = EnsemblePlots.perplexityByTemperature(forms, "T");
        assertEquals(List.of("K = 4, exp(-d/T)", "K = 4, exp(-d²/T)"), names(t));
        assertEquals("solid", ((Map<?, ?>) t.traceMaps().get(0).get("line")).get("dash"));
        assertTrue(t.layoutJson().contains("\"type\":\"log\""));

        Table repeated = Grids.grid().row("balanced", 4, 1000, 0, 0.1, "paper", 90, 1000, 0)
                .row("balanced", 4, 1000, 0, 0.1, "paper", 91, 1000, 0).build();
        assertThrows(IllegalArgumentException.class, () -> EnsemblePlots.perplexityByTemperature(repeated, "T"));
    }

    @Test
    void linesHaveOneTracePerGroup() {
        Table g = Grids.topK(false);
        JsonFigure l = EnsemblePlots.lines(g, "inference_params", "perplexity", "k", "x", "params", "ppl", true);
        assertEquals(List.of("1", "4", "8"), names(l));
        assertTrue(l.layoutJson().contains("\"type\":\"log\""));
        assertThrows(IllegalArgumentException.class,
                () -> EnsemblePlots.lines(g.emptyCopy(), "inference_params", "perplexity", "k", "x", "p", "y"));
    }
}
