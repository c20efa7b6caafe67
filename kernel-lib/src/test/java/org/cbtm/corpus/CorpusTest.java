package org.cbtm.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusTest {

    @TempDir
    Path tmp;

    private Corpus write(List<Document> a, List<Document> b) {
        Jsonl.write(tmp.resolve("brown.jsonl.gz"), a);
        Jsonl.write(tmp.resolve("bible.jsonl"), b);
        return Corpus.open(tmp);
    }

    private static List<Document> docs(String source, int n) {
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SplitAssigner.DEFAULT.apply(Document.of(source + ":" + i, "text " + i, source, i % 2 == 0 ? "even" : "odd", null)));
        }
        return out;
    }

    @Test
    void filtersBySplitSourceAndLabel() {
        Corpus c = write(docs("brown", 200), docs("bible", 100));
        assertEquals(300, c.count());
        assertEquals(100, c.sources("bible").count());
        assertEquals(50, c.sources("bible").labels("odd").count());
        long train = c.split(Split.TRAIN).count();
        long valid = c.split(Split.VALID).count();
        long test = c.split(Split.TEST).count();
        assertEquals(300, train + valid + test);
        assertTrue(train > 240, "about 90% train: " + train);
        assertTrue(c.sources("bible").stream().allMatch(d -> d.source().equals("bible")));
        assertEquals(0, c.sources("bible").sources("brown").count(), "source filters intersect");
    }

    @Test
    void sampleIsSeededAndIndependentOfFileOrder() {
        List<Document> a = docs("brown", 300);
        Corpus c1 = write(a, List.of());
        List<String> s1 = c1.sample(20, 7).stream().map(Document::id).toList();
        assertEquals(s1, c1.sample(20, 7).stream().map(Document::id).toList());
        List<Document> shuffled = new ArrayList<>(a);
        Collections.shuffle(shuffled, new Random(3));
        Corpus c2 = write(shuffled, List.of());
        assertEquals(s1, c2.sample(20, 7).stream().map(Document::id).toList());
        assertEquals(s1, c2.sample(40, 7).stream().map(Document::id).toList().subList(0, 20), "larger samples extend");
        assertTrue(!s1.equals(c1.sample(20, 8).stream().map(Document::id).toList()), "another seed, another sample");
        assertEquals(300, c1.sample(1000, 1).size());
    }

    @Test
    void countsSkippedEmptyDocuments() throws Exception {
        Files.writeString(tmp.resolve("x.jsonl"), "{\"id\":\"1\",\"text\":\"\"}\n{\"id\":\"2\",\"text\":\"a\"}\n");
        Corpus c = Corpus.open(tmp.resolve("x.jsonl"));
        assertEquals(1, c.count());
        assertEquals(1, c.skippedEmpty());
    }

    @Test
    void missingCorpusTellsWhatToRun() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Corpora.load(tmp.resolve("nothing")));
        assertTrue(e.getMessage().contains("Run datasets/build"), e.getMessage());
    }

    @Test
    void mixtureValidatesAndCapsEachSource() {
        assertThrows(IllegalArgumentException.class, () -> new Mixture(List.of("nope"), 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new Mixture(List.of("brown"), 0, 1));
        Corpus c = write(docs("brown", 400), docs("bible", 50));
        List<Document> m = new Mixture(List.of("brown", "bible"), 30, 5).sample(c, Split.TRAIN);
        assertEquals(30, m.stream().filter(d -> d.source().equals("brown")).count());
        assertEquals(30, m.stream().filter(d -> d.source().equals("bible")).count());
        assertTrue(m.stream().allMatch(d -> d.split().equals("train")));
    }
}
