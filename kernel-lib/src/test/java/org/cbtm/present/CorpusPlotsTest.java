package org.cbtm.present;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cbtm.corpus.CorpusStats;
import org.junit.jupiter.api.Test;

class CorpusPlotsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void barsBoxesAndHistogramsOfTheSources() throws Exception {
        CorpusStats s = AllFigures.corpusStats();
        JsonFigure boxes = CorpusPlots.lengthBoxes(s);
        assertTrue(boxes.dataJson().contains("brown"));
        assertTrue(boxes.layoutJson().contains("\"type\":\"log\""));
        JsonFigure hist = CorpusPlots.lengthHistogram(s);
        assertTrue(hist.dataJson().contains("histogram"));
        JsonNode labels = JSON.readTree(CorpusPlots.labels(s, "brown", 10).dataJson()).get(0);
        assertEquals("fiction: general", labels.get("y").get(0).asText(), "the largest label first");
        assertEquals(List.of(2.0, 1.0), List.of(labels.get("x").get(0).asDouble(), labels.get("x").get(1).asDouble()));
        assertThrows(IllegalArgumentException.class, () -> CorpusPlots.labels(s, "none", 10));
        // a source has one colour in every figure
        String brown = CorpusPlots.sourceColours(s).get("brown");
        JsonNode bars = JSON.readTree(CorpusPlots.passagesBySource(s).dataJson()).get(0);
        assertEquals(brown, bars.get("marker").get("color").get(bars.get("y").get(0).asText().equals("brown") ? 0 : 1)
                .asText());
        assertEquals(brown, labels.get("marker").get("color").get(0).asText());
        JsonNode h = JSON.readTree(hist.dataJson());
        for (JsonNode t : h) {
            if (t.get("name").asText().equals("brown")) {
                assertEquals(brown, t.get("marker").get("color").asText());
            }
        }
    }
}
