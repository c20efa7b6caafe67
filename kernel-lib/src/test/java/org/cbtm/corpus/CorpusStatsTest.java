package org.cbtm.corpus;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CorpusStatsTest {

    @Test
    void tablesCountDocumentsPassagesAndTokens() {
        List<Document> docs = List.of(
                new Document("a#p0", "one two", "brown", "news", "a", "train", null),
                new Document("a#p1", "three", "brown", "news", "a", "train", null),
                new Document("b", "four five six", "brown", "humor", "b", "test", null),
                new Document("c", "x", "bible", "Genesis", "c", "train", null));
        CorpusStats s = CorpusStats.of(docs.stream(), t -> t.split(" ").length);
        Table src = s.bySource();
        assertEquals(List.of("bible", "brown"), src.stringColumn("source").asList());
        assertEquals(List.of(1L, 2L), src.longColumn("documents").asList());
        assertEquals(List.of(1L, 3L), src.longColumn("passages").asList());
        assertEquals(List.of(1L, 6L), src.longColumn("tokens").asList());
        assertEquals(List.of(1, 2), src.intColumn("labels").asList());
        Table bl = s.bySourceAndLabel();
        assertEquals(3, bl.rowCount());
        assertEquals(1.5, bl.where(bl.stringColumn("label").isEqualTo("news")).doubleColumn("tokens_per_passage").get(0));
        assertEquals(3, s.bySourceAndSplit().rowCount());
        assertEquals(4, s.passages().rowCount());
    }
}
