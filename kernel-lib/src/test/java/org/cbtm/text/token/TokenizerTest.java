package org.cbtm.text.token;

import org.cbtm.corpus.Document;
import org.cbtm.corpus.Samples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTest {

    static List<Document> samples;
    static Tokenizer tok;

    @BeforeAll
    static void train() {
        samples = Samples.all();
        tok = Tokenizer.train(samples.stream().map(Document::text).toList(), TokenizerConfig.DEFAULT);
    }

    private static void roundTrip(Tokenizer t, String s) {
        int[] ids = t.encode(s);
        assertEquals(s, t.decode(ids), () -> "round trip of " + s.substring(0, Math.min(60, s.length())));
        assertEquals(ids.length, t.count(s));
        assertTrue(Arrays.stream(ids).allMatch(i -> i > Tokenizer.EOD && i < t.vocabSize()));
    }

    @Test
    void losslessOnEverySample() {
        assertTrue(samples.size() > 40);
        for (Document d : samples) {
            roundTrip(tok, d.text());
        }
    }

    @Test
    void losslessOnAdversarialText() {
        List<String> cases = List.of("", " ", "\n\n\t\r\n", "😀👩‍👩‍👧‍👦🏳️‍🌈 flags 🇩🇪🇯🇵", "e\u0301 a\u0308\u0323 Z̤̈ḁ̷̬l̷g̶o",
                "日本語のテキスト、中文文本，한국어", "עברית العربية", "\u0000\u0001\u007f\u200b\u200d\uFEFF\uFFFD",
                "<|endoftext|> is plain text here", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \uD83D\uDE00 pairs", "tab\tand  double  spaces   ");
        for (String s : cases) {
            roundTrip(tok, s);
        }
        roundTrip(tok, "a".repeat(200_000));
        roundTrip(tok, " ".repeat(100_000) + "x");
        roundTrip(tok, "word ".repeat(50_000));
        Random r = new Random(42);
        for (int k = 0; k < 50; k++) {
            StringBuilder b = new StringBuilder();
            while (b.length() < 500) {
                int cp = r.nextInt(0x110000);
                if (cp < 0xD800 || cp > 0xDFFF) {
                    b.appendCodePoint(cp);
                }
            }
            roundTrip(tok, b.toString());
        }
        assertEquals("", tok.decode(new int[]{Tokenizer.EOD}), "the end-of-document token decodes to nothing");
        assertTrue(Arrays.stream(tok.encode("<|endoftext|>")).noneMatch(i -> i == Tokenizer.EOD));
    }

    @Test
    void loneSurrogatesBecomeTheReplacementCharacter() {
        String s = "a\uD800b\uDC00c\uD83D";
        assertEquals("a\uFFFDb\uFFFDc\uFFFD", Tokenizer.sanitize(s));
        assertEquals("a\uFFFDb\uFFFDc\uFFFD", tok.decode(tok.encode(s)));
        assertEquals("x\uFFFD😀", tok.decode(tok.encode("x\uDE00\uD83D\uDE00")));
        String valid = "ok 😀";
        assertTrue(valid == Tokenizer.sanitize(valid), "valid text is returned as is");
    }

    @Test
    void bytesFallBackForTokensOutsideTheVocabulary() {
        Tokenizer small = Tokenizer.train(List.of("hello hello hello world"), TokenizerConfig.DEFAULT);
        assertEquals(Tokenizer.FIRST_BASE_ID + 3, small.vocabSize(), "'hello', ' hello', ' world'");
        assertArrayEquals(new int[]{Tokenizer.FIRST_BASE_ID}, small.encode(" hello"), "the most frequent token comes first");
        int[] ids = small.encode("hello xylophone");
        assertTrue(ids[0] > Tokenizer.FIRST_BASE_ID);
        assertEquals(1 + " xylophone".length(), ids.length, "unknown words are spelled in bytes");
        assertEquals("<0x20>", small.tokenString(ids[1]));
        roundTrip(small, "hello xylophone ✓");
        Tokenizer capped = Tokenizer.train(samples.stream().map(Document::text).toList(), new TokenizerConfig(300, 1));
        assertEquals(300, capped.vocabSize());
        samples.forEach(d -> roundTrip(capped, d.text()));
        assertThrows(IllegalArgumentException.class, () -> new TokenizerConfig(100, 1));
        assertThrows(IllegalArgumentException.class, () -> small.decode(new int[]{small.vocabSize()}));
    }

    @Test
    void deterministicSavedWithAChecksum(@TempDir Path tmp) throws Exception {
        Tokenizer again = Tokenizer.train(samples.stream().map(Document::text).toList(), TokenizerConfig.DEFAULT);
        assertEquals(tok.sha256(), again.sha256());
        assertArrayEquals(tok.encode(samples.get(3).text()), again.encode(samples.get(3).text()));
        Path f = tok.save(tmp.resolve("tok.json"));
        Tokenizer loaded = Tokenizer.load(f);
        assertEquals(tok.sha256(), loaded.sha256());
        assertArrayEquals(tok.baseIds(), loaded.baseIds());
        String json = Files.readString(f);
        Files.writeString(f, json.replaceFirst("\"base_ids\":\\[(\\d+),(\\d+)", "\"base_ids\":[$2,$1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(f));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertNotEquals(tok.sha256(), Tokenizer.fullGpt2().sha256());
    }

    @Test
    void fullGpt2VocabularyMatchesJTokkitCounts() {
        Tokenizer full = Tokenizer.fullGpt2();
        var enc = com.knuddels.jtokkit.Encodings.newLazyEncodingRegistry()
                .getEncoding(com.knuddels.jtokkit.api.EncodingType.R50K_BASE);
        for (Document d : samples.subList(0, 10)) {
            assertEquals(enc.countTokensOrdinary(d.text()), full.count(d.text()));
        }
    }
}
