package org.cbtm.corpus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitsAndPassagesTest {

    @Test
    void splitIsDeterministicOrderFreeAndNearTheFractions() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ids.add("doc-" + i);
        }
        SplitAssigner a = new SplitAssigner(0.1, 0.2, "s");
        Map<String, Split> first = new java.util.HashMap<>();
        ids.forEach(id -> first.put(id, a.assign(id)));
        List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(1));
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (String id : shuffled) {
            Split s = new SplitAssigner(0.1, 0.2, "s").assign(id);
            assertEquals(first.get(id), s);
            counts.merge(s, 1, Integer::sum);
        }
        assertEquals(0.1, counts.get(Split.VALID) / 20_000.0, 0.01);
        assertEquals(0.2, counts.get(Split.TEST) / 20_000.0, 0.01);
        long moved = ids.stream().filter(id -> new SplitAssigner(0.1, 0.2, "other").assign(id) != first.get(id)).count();
        assertTrue(moved > 4000, "another salt draws another split: " + moved);
        assertThrows(IllegalArgumentException.class, () -> new SplitAssigner(0.5, 0.5, ""));
    }

    @Test
    void passagesKeepTheDocumentIdSplitAndText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            b.append("Sentence number ").append(i).append(" is here. ");
            if (i % 20 == 19) {
                b.append("\n\n");
            }
        }
        Document doc = SplitAssigner.DEFAULT.apply(Document.of("x:1", b.toString().strip(), "brown", "news", null));
        PassageSplitter p = new PassageSplitter(500, 100);
        List<Document> parts = p.split(doc);
        assertTrue(parts.size() > 5);
        for (int k = 0; k < parts.size(); k++) {
            Document d = parts.get(k);
            assertEquals("x:1#p" + k, d.id());
            assertEquals("x:1", d.docId());
            assertEquals(doc.split(), d.split());
            assertEquals("news", d.label());
            assertTrue(d.text().length() <= 600, d.text().length() + " chars");
            assertEquals((long) k, ((Number) d.meta().get("passage")).longValue());
        }
        String joined = String.join("", parts.stream().map(Document::text).toList()).replaceAll("\\s", "");
        assertEquals(doc.text().replaceAll("\\s", ""), joined, "no text lost or added");
        assertEquals(1, p.split(Document.of("short", "tiny text", "s", "", null)).size());
    }

    @Test
    void passageCutNeverSplitsASurrogatePair() {
        String emoji = "😀".repeat(400); // 800 UTF-16 units, no spaces
        for (String piece : new PassageSplitter(101, 0).cut(emoji)) {
            assertTrue(!Character.isLowSurrogate(piece.charAt(0)) && !Character.isHighSurrogate(piece.charAt(piece.length() - 1)));
        }
        assertNotEquals(1, new PassageSplitter(101, 0).cut(emoji).size());
    }
}
