package org.cbtm.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonlTest {

    @TempDir
    Path tmp;

    private static List<Document> read(Path f, AtomicLong skipped) {
        try (Stream<Document> s = Jsonl.read(f, skipped::addAndGet)) {
            return s.toList();
        }
    }

    @Test
    void roundTripsDocumentsWithMetadataPlainAndGzip() throws Exception {
        List<Document> docs = List.of(
                new Document("a#p0", "Hello \"world\"\n\ttab é 😀", "brown", "news", "a", "train",
                        Map.of("chapter", 3L)),
                Document.of("b", "second", "bible", "Genesis", Map.of("testament", "old", "ok", true, "x", 1.5)));
        for (String name : List.of("c.jsonl", "c.jsonl.gz")) {
            Path f = tmp.resolve(name);
            assertEquals(2, Jsonl.write(f, docs));
            assertEquals(docs, read(f, new AtomicLong()));
        }
        assertTrue(Files.readString(tmp.resolve("c.jsonl").toAbsolutePath(), java.nio.charset.StandardCharsets.UTF_8)
                .startsWith("{\"id\":\"a#p0\",\"text\":"), "field order id, text, ... is kept");
    }

    @Test
    void malformedLineNamesFileAndLine() throws Exception {
        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(f, "{\"id\":\"1\",\"text\":\"fine\"}\n\n{\"id\":\"2\",\"text\":\"broken\"\n");
        CorpusFormatException e = assertThrows(CorpusFormatException.class, () -> read(f, new AtomicLong()));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith(f + ":3: malformed JSON"), e.getMessage());
    }

    @Test
    void missingTextIsAClearError() throws Exception {
        Path f = tmp.resolve("notext.jsonl");
        Files.writeString(f, "{\"id\":\"1\",\"text\":\"fine\"}\n{\"id\":\"doc-7\",\"body\":\"x\"}\n");
        CorpusFormatException e = assertThrows(CorpusFormatException.class, () -> read(f, new AtomicLong()));
        assertEquals(f + ":2: missing \"text\" (or it is not a string) in document doc-7: give every line a \"text\" string, or delete the line", e.getMessage());
        Files.writeString(f, "[1,2]\n");
        assertTrue(assertThrows(CorpusFormatException.class, () -> read(f, new AtomicLong()))
                .getMessage().contains(":1: expected a JSON object"));
    }

    @Test
    void emptyDocumentsAreSkippedAndCounted() throws Exception {
        Path f = tmp.resolve("empty.jsonl");
        Files.writeString(f, "{\"id\":\"1\",\"text\":\"\"}\n{\"id\":\"2\",\"text\":\"kept\"}\n{\"id\":\"3\",\"text\":\" \\n \"}\n");
        AtomicLong skipped = new AtomicLong();
        List<Document> docs = read(f, skipped);
        assertEquals(List.of("2"), docs.stream().map(Document::id).toList());
        assertEquals(2, skipped.get());
    }
}
