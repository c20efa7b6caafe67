package org.cbtm.present;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PaletteTest {

    @Test
    void everyMethodHasOneFixedColourMatchedByPrefix() {
        assertEquals(Palette.DENSE, Palette.method("dense"));
        assertEquals(Palette.DENSE, Palette.method("dense (K = 1)"));
        assertEquals(Palette.BALANCED, Palette.method("balanced"));
        assertEquals(Palette.BALANCED, Palette.method("balanced top-1"));
        assertEquals(Palette.BALANCED, Palette.method("balanced K=4 vs dense %"));
        assertEquals(Palette.UNBALANCED, Palette.method("unbalanced"));
        assertEquals(Palette.RANDOM, Palette.method("random"));
        assertEquals(Palette.RANDOM, Palette.method("Random K=8"));
        assertEquals(Palette.ORACLE, Palette.method("oracle (balanced)"));
        assertEquals(Palette.MOE, Palette.method("MoE"));
        assertEquals(Palette.MOE, Palette.method("moe (sparse upcycled)"));
        assertEquals(Palette.BTM, Palette.method("BTM"));
        assertEquals(Palette.BTM, Palette.method("metadata"));
        assertEquals(Palette.SMALLTALK, Palette.method("SmallTalk"));
        Set<String> distinct = new HashSet<>(List.of(Palette.DENSE, Palette.BALANCED, Palette.UNBALANCED, Palette.RANDOM,
                Palette.ORACLE, Palette.MOE, Palette.BTM, Palette.SMALLTALK));
        assertEquals(8, distinct.size(), "eight methods, eight colours");
        for (String c : Palette.CATEGORICAL) {
            assertTrue(!distinct.contains(c), "the categorical sequence does not reuse a method colour: " + c);
        }
    }

    @Test
    void otherNamesGetAStableCategoricalColour() {
        assertNull(Palette.knownMethod("k-means"));
        String c = Palette.method("k-means");
        assertEquals(c, Palette.method("k-means"));
        assertEquals(c, Palette.method(" K-Means "));
        assertTrue(Palette.CATEGORICAL.contains(c));
        assertNotNull(Palette.method(null));
        assertTrue(Palette.methodRank("dense") < Palette.methodRank("balanced"));
        assertTrue(Palette.methodRank("balanced") < Palette.methodRank("unbalanced"));
        assertTrue(Palette.methodRank("random") < Palette.methodRank("oracle (balanced)"));
        assertTrue(Palette.methodRank("smalltalk") < Palette.methodRank("k-means"));
    }

    @Test
    void shadesEndAtTheMethodsColour() {
        assertEquals(Palette.BALANCED, Palette.ramp(Palette.BALANCED, 2, 3));
        assertNotEquals(Palette.BALANCED, Palette.ramp(Palette.BALANCED, 0, 3));
        assertEquals(Palette.BALANCED, Palette.ramp(Palette.BALANCED, 0, 1));
        assertEquals(Palette.BALANCED, Palette.variant(Palette.BALANCED, 0));
        assertEquals("#ffffff", Palette.mix("#000000", "#ffffff", 1));
        assertEquals("#808080", Palette.mix("#000000", "#ffffff", 0.5));
        assertEquals(Palette.categorical(0), Palette.categorical(10));
        assertEquals(Palette.CATEGORICAL_LARGE.get(11), Palette.categorical(11, 16));
    }

    /** The colour of the trace named {@code name}, or null. */
    private static String colourOf(JsonFigure f, String name) {
        for (Map<String, Object> t : f.traceMaps()) {
            if (String.valueOf(t.get("name")).equals(name)) {
                Object marker = t.get("marker");
                if (marker instanceof Map<?, ?> m && m.get("color") instanceof String s) {
                    return s;
                }
                return String.valueOf(((Map<?, ?>) t.get("line")).get("color"));
            }
        }
        return null;
    }

    @Test
    void theSameMethodHasTheSameColourInEveryFigure() {
        Map<String, JsonFigure> all = AllFigures.build();
        // traces named after a method, in figures of every notebook
        String[][] expected = {
                {"ClusterPlots.sizeBoxes", "balanced", Palette.BALANCED},
                {"ClusterPlots.sizeBoxes", "unbalanced", Palette.UNBALANCED},
                {"ClusterPlots.sizeBoxes", "random", Palette.RANDOM},
                {"ClusterPlots.linesByK", "balanced", Palette.BALANCED},
                {"ClusterPlots.linesByK", "random", Palette.RANDOM},
                {"ResultPlots.perplexityVsK", "random, all experts", Palette.RANDOM},
                {"ResultPlots.perplexityVsK", "balanced, all experts", Palette.BALANCED},
                {"ResultPlots.perplexityVsK", "dense (K = 1)", Palette.DENSE},
                {"ResultPlots.sourceChanges", "random K=4 vs dense %", Palette.RANDOM},
                {"ResultPlots.sourceChanges", "balanced K=4 vs dense %", Palette.BALANCED},
                {"ResultPlots.sourceChanges", "oracle K=4 vs dense %", Palette.ORACLE},
                {"ResultPlots.perplexityVsTokens", "dense (K = 1)", Palette.DENSE},
                {"BalancingPlots.perplexityOverSeeds", "balanced (mean over seeds)", Palette.BALANCED},
                {"BalancingPlots.perplexityOverSeeds", "unbalanced (mean over seeds)", Palette.UNBALANCED},
                {"BalancingPlots.perplexityOverSeeds", "dense (K = 1)", Palette.DENSE},
                {"BalancingPlots.clusterRatios", "balanced", Palette.BALANCED},
                {"BalancingPlots.clusterRatios", "unbalanced", Palette.UNBALANCED},
                {"EnsemblePlots.perplexityByTopK", "dense (K = 1)", Palette.DENSE},
        };
        for (String[] e : expected) {
            assertEquals(e[2], colourOf(all.get(e[0]), e[1]), e[0] + " / " + e[1]);
        }
    }
}
