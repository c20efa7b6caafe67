package org.cbtm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.Checksums;
import org.cbtm.base.ProjectPaths;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.CorpusFormatException;
import org.cbtm.corpus.CorpusManifest;
import org.cbtm.corpus.Jsonl;
import org.cbtm.corpus.TokenShard;
import org.cbtm.experiment.ArtifactStore;
import org.cbtm.experiment.CbtmConfig;
import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.text.token.TokenizerConfig;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.ExpertKind;
import org.cbtm.train.NgramExperts;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TrainJob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input a user can give, each through the public API a user calls: the message must name the file (and line,
 * for a file format problem) or the parameter and its value, and say what to do. The messages seen are written to
 * {@code build/test-reports/bad-input.md} (issue 18), generated from the real exceptions at test time.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class BadInputTest {

    private static final ExpertKind KN2 = new NgramExperts(new NgramConfig(2));
    /** Words that tell the user what to do. */
    private static final Pattern ACTION = Pattern.compile(
            "\\b(run|build|rebuild|raise|lower|use|delete|fix|convert|restore|put|free|branch|train|check|must be|"
                    + "nothing to do)\\b", Pattern.CASE_INSENSITIVE);
    private static final Map<String, String[]> ROWS = new LinkedHashMap<>();

    @TempDir
    Path dir;

    /**
     * Records a row and asserts the message is clear: not a bare exception, names {@code place} (the file, line or
     * parameter and value, each piece as it must appear) and says what to do.
     */
    private static String check(String input, String message, String placeKind, String... place) {
        assertTrue(message != null && !message.isBlank(), input + ": no message");
        assertFalse(message.startsWith("java.") && message.indexOf(' ') < 0, input + ": bare exception " + message);
        for (String p : place) {
            assertTrue(message.contains(p), input + ": the message does not name " + p + ": " + message);
        }
        boolean action = ACTION.matcher(message).find();
        assertTrue(action, input + ": the message does not say what to do: " + message);
        ROWS.put(input, new String[]{message, placeKind, action ? "yes" : "no"});
        return message;
    }

    private static String messageOf(Throwable t) {
        return t.getMessage();
    }

    @Test
    void a1_truncatedJsonlLine() throws IOException {
        Path f = dir.resolve("docs.jsonl");
        Files.writeString(f, "{\"id\": \"a\", \"text\": \"fine\"}\n{\"id\": \"b\", \"text\": \"cut of");
        var e = assertThrows(CorpusFormatException.class, () -> Corpus.open(f).toList());
        assertEquals(2, e.line());
        check("truncated JSONL line", e.getMessage(), "file and line", f + ":2");
    }

    @Test
    void a2_nonUtf8JsonlLine() throws IOException {
        Path f = dir.resolve("latin1.jsonl");
        byte[] good = "{\"id\": \"a\", \"text\": \"fine\"}\n{\"id\": \"b\", \"text\": \"ok\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"id\": \"c\", \"text\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write(good);
            out.write(bad);
        }
        var e = assertThrows(CorpusFormatException.class, () -> Corpus.open(f).toList());
        assertEquals(3, e.line());
        check("non-UTF-8 JSONL line (Latin-1 \u00e9)", e.getMessage(), "file and line", f + ":3", "0xE9", "UTF-8");
    }

    @Test
    void a3_lineWithoutText() throws IOException {
        Path f = dir.resolve("notext.jsonl");
        Files.writeString(f, "{\"id\": \"a\", \"text\": \"fine\"}\n{\"id\": \"b\", \"body\": \"where is text\"}\n");
        var e = assertThrows(CorpusFormatException.class, () -> Corpus.open(f).toList());
        assertEquals(2, e.line());
        check("JSONL line without `text`", e.getMessage(), "file and line", f + ":2", "\"text\"");
    }

    @Test
    void a4_emptyCorpusFolder() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty-corpus"));
        var e = assertThrows(IllegalArgumentException.class, () -> Corpus.open(empty));
        check("empty corpus (folder without .jsonl files)", e.getMessage(), "folder", empty.toString());
    }

    @Test
    void a5_missingCorpusFolder() {
        Path missing = dir.resolve("no-such-corpus");
        var e = assertThrows(IllegalArgumentException.class, () -> Corpus.open(missing));
        check("missing corpus folder (Corpus.open)", e.getMessage(), "folder", missing.toString());
        var e2 = assertThrows(IllegalStateException.class, () -> Corpora.load(missing));
        check("missing corpus folder (Corpora.load)", e2.getMessage(), "file",
                missing.resolve(CorpusManifest.FILE_NAME).toString());
    }

    @Test
    void a6_tokenizerChecksumDoesNotMatchTheManifest() throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Path docs = corpus.resolve("brown.jsonl");
        Files.writeString(docs, "{\"id\": \"a\", \"text\": \"the cat sat on the mat\"}\n");
        Tokenizer tok = Tokenizer.train(List.of("the cat sat on the mat", "a dog ran"), TokenizerConfig.DEFAULT);
        Path tokFile = corpus.resolve("tokenizer.json");
        tok.save(tokFile);
        byte[] original = Files.readAllBytes(tokFile);
        var manifest = new CorpusManifest(CorpusManifest.FORMAT, null, Map.of(),
                Map.of("brown", new CorpusManifest.SourceEntry("brown.jsonl", Checksums.sha256(docs), Files.size(docs),
                        "brown", Map.of("train", 1L), Map.of("train", 1L), 22, 6, 0, Map.of())),
                new CorpusManifest.FileEntry("tokenizer.json", Checksums.sha256(tokFile), original.length));
        manifest.write(corpus);
        assertEquals(tok.sha256(), Corpora.tokenizer(corpus).sha256(), "the intact tokenizer loads");
        // the same size, other content: only the checksum can tell
        byte[] changed = original.clone();
        int i = new String(changed, StandardCharsets.ISO_8859_1).lastIndexOf('1');
        changed[i] = '2';
        Files.write(tokFile, changed);
        var e = assertThrows(IllegalStateException.class, () -> Corpora.tokenizer(corpus));
        check("tokenizer whose checksum does not match the manifest", e.getMessage(), "file", tokFile.toString(),
                "manifest");
    }

    @Test
    void b1_kBelowOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> CbtmConfig.balanced(0, KN2, 100_000));
        check("config: K < 1 (K = 0)", e.getMessage(), "parameter and value", "K", "got 0");
    }

    @Test
    void b2_budgetBelowK() {
        var e = assertThrows(IllegalArgumentException.class, () -> CbtmConfig.balanced(8, KN2, 4));
        check("config: budget < K (4 tokens, K = 8)", e.getMessage(), "parameter and value", "budget", "4 tokens",
                "K = 8");
    }

    @Test
    void b3_headsNotDividingWidth() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(512, 2, 100, 3, 64, 0.0));
        check("config: heads not dividing width (3 heads, width 100)", e.getMessage(), "parameter and value",
                "heads (3)", "width (100)");
    }

    @Test
    void b4_contextZero() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(512, 2, 64, 4, 0, 0.0));
        check("config: context length 0", e.getMessage(), "parameter and value", "contextLength", "got 0");
    }

    @Test
    void b5_negativeTemperature() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CbtmConfig.balanced(4, KN2, 100_000).withTemperature(-0.5));
        check("config: negative temperature (-0.5)", e.getMessage(), "parameter and value", "temperature", "-0.5");
    }

    @Test
    void b6_topKAboveK() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CbtmConfig.balanced(4, KN2, 100_000).withTopK(8));
        check("config: top-k > K (top-8 of 4 experts)", e.getMessage(), "parameter and value", "top-k 8", "K = 4");
        assertEquals(4, CbtmConfig.balanced(4, KN2, 100_000).withTopK(4).routing().topK(), "top-k = K is fine");
    }

    @Test
    void b7_budgetTooSmallToMeanAnything() {
        var e = assertThrows(IllegalArgumentException.class, () -> CbtmConfig.balanced(2, KN2, 2));
        check("training budget of 1 token per expert (refused)", e.getMessage(), "parameter and value",
                "budget", "2 tokens", "1 tokens");
        // small but meaningful budgets are accepted with a warning shown with the results
        CbtmConfig small = CbtmConfig.balanced(2, KN2, 4_000);
        String warning = small.budgetWarning().orElseThrow();
        check("training budget of 2,000 tokens per n-gram expert (accepted, warned)", warning, "parameter and value",
                "kn2", "2k tokens");
    }

    @Test
    void c1_checkpointFromAnotherModelConfig() throws IOException {
        GptConfig small = new GptConfig(64, 1, 16, 2, 16, 0.0);
        GptConfig other = new GptConfig(64, 2, 32, 2, 16, 0.0);
        Path ckpt = dir.resolve("seed").resolve("final.ckpt");
        Checkpoint.derived(zeros(small), null, 0, "a test seed").write(ckpt);
        Path shard = dir.resolve("train.bin");
        TokenShard s = TokenShard.ofDocuments(List.of(new int[200]), 64);
        try (OutputStream out = Files.newOutputStream(shard)) {
            s.writeTo(out);
        }
        TrainJob job = new TrainJob(other, TrainConfig.reference(2_048, 2, 16, 1e-3), shard, null, ckpt,
                dir.resolve("expert"));
        var e = assertThrows(IllegalArgumentException.class, job::run);
        check("checkpoint from another model config (branching)", e.getMessage(), "file", ckpt.toString());
    }

    private static GptWeights zeros(GptConfig c) {
        Map<String, float[]> t = new LinkedHashMap<>();
        Gpt.parameterShapes(c).forEach((name, shape) -> t.put(name, new float[(int) shape.size()]));
        return new GptWeights(c, t);
    }

    @Test
    void c2_artifactCacheFromAnOlderLibraryVersion() throws IOException {
        ArtifactStore store = new ArtifactStore(dir.resolve("cache"));
        Map<String, String> inputs = Map.of("data", "abc");
        String key = ArtifactStore.key("demo", List.of(1, 2), inputs);
        Path old = store.folder("demo", key);
        Files.createDirectories(old);
        AtomicFiles.writeString(old.resolve(ArtifactStore.SIDECAR), "{\"format\": \"cbtm-artifact/0\", \"key\": \""
                + key + "\", \"libraryVersion\": \"0.1.0\"}");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        ArtifactStore.Artifact a;
        try {
            a = store.getOrCompute("demo", List.of(1, 2), inputs, d -> {
                Files.writeString(d.resolve("x.txt"), "new");
                return Map.of();
            });
        } finally {
            System.setErr(err);
        }
        assertFalse(a.reused(), "an artifact of an older format is recomputed, not reused");
        String notice = captured.toString(StandardCharsets.UTF_8).strip();
        check("artifact cache written by an older library version (format cbtm-artifact/0)", notice, "folder",
                old.toString(), "0.1.0", "cbtm-artifact/0");
    }

    @AfterAll
    static void writeTable() {
        StringBuilder md = new StringBuilder("# Bad input: what the user sees\n\nGenerated by `BadInputTest` (kernel-lib) from "
                + "the messages the library gives; the full-disk row comes from `environment/tests/test_full_disk.py` "
                + "(`bad-input-full-disk.md`).\n\n| bad input | what the user sees | names file/line/parameter? | says what to do? |\n"
                + "|---|---|---|---|\n");
        ROWS.forEach((input, r) -> md.append("| ").append(input).append(" | ").append(cell(r[0])).append(" | yes (")
                .append(r[1]).append(") | ").append(r[2]).append(" |\n"));
        AtomicFiles.writeString(ProjectPaths.build().resolve("test-reports").resolve("bad-input.md"), md.toString());
    }

    private static String cell(String message) {
        String m = message.replace("|", "\\|").replace("\n", " ");
        return m.length() > 400 ? m.substring(0, 397) + "..." : m;
    }
}
