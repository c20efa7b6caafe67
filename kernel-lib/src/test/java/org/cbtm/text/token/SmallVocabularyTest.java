package org.cbtm.text.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.CharsPerToken;
import org.cbtm.corpus.CorpusManifest;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Samples;
import org.cbtm.corpus.Split;

/** The truncated r50k_base BPE (issue 13's small vocabulary): lossless, a valid BPE, saved with its ranks. */
class SmallVocabularyTest {

    private static final Pattern PIECES = Pattern.compile(
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final List<String> HARD = List.of("", " ", "\n\n\t\r\n", "😀👩‍👩‍👧‍👦 flags 🇩🇪", "e\u0301 Z̤̈ḁ̷̬l̷g̶o",
            "日本語のテキスト、中文文本，한국어", "עברית العربية", "\u0000\u0001\u007f\u200b\uFEFF\uFFFD",
            "<|endoftext|> is plain text here", "tab\tand  double  spaces   ", "a".repeat(5000));

    @Test
    void losslessAtEverySize() {
        for (int ranks : new int[] {256, 1024, 8192}) {
            Tokenizer t = Tokenizer.truncated(ranks);
            assertEquals(ranks + 1, t.vocabSize());
            for (Document d : Samples.all()) {
                int[] ids = t.encode(d.text());
                assertEquals(d.text(), t.decode(ids));
                assertEquals(ids.length, t.count(d.text()));
                assertTrue(Arrays.stream(ids).allMatch(i -> i > 0 && i < t.vocabSize()));
            }
            for (String s : HARD) {
                assertEquals(s, t.decode(t.encode(s)), "ranks " + ranks);
            }
        }
    }

    @Test
    void twoHundredFiftySixRanksAreTheUtf8Bytes() {
        Tokenizer bytes = Tokenizer.truncated(256);
        String s = "Naïve café, 日本 😀";
        assertEquals(s.getBytes(StandardCharsets.UTF_8).length, bytes.encode(s).length);
    }

    /**
     * BPE applies merges in rank order, and a token's rank is above the ranks of its parts: where the full BPE cuts a
     * piece into tokens that are all below R, the first R ranks make exactly the same cut. Elsewhere the truncated
     * BPE needs more, shorter tokens.
     */
    @Test
    void agreesWithTheFullBpeWhereverItsTokensAreKept() {
        int ranks = 4096;
        Tokenizer small = Tokenizer.truncated(ranks);
        Tokenizer full = Tokenizer.fullGpt2();
        int same = 0;
        int longer = 0;
        for (Document d : Samples.all()) {
            Matcher m = PIECES.matcher(d.text());
            while (m.find()) {
                String piece = m.group();
                int[] f = full.encode(piece);
                int[] s = small.encode(piece);
                // the full tokenizer's id is FIRST_BASE_ID + rank; compare the cuts as the bytes of each token
                if (Arrays.stream(f).allMatch(id -> id < Tokenizer.FIRST_BASE_ID + ranks)) {
                    assertEquals(tokens(full, f), tokens(small, s), () -> "piece '" + piece + "'");
                    same++;
                } else {
                    assertTrue(s.length >= f.length, () -> "piece '" + piece + "'");
                    longer++;
                }
            }
        }
        assertTrue(same > 1000 && longer > 100, same + " pieces agree, " + longer + " need more tokens");
    }

    private static List<String> tokens(Tokenizer t, int[] ids) {
        return Arrays.stream(ids).mapToObj(id -> Arrays.toString(t.tokenBytes(id))).toList();
    }

    @Test
    void trainedSmallVocabularyKeepsOnlyUsedRanksAndSavesThem(@TempDir Path dir) {
        List<String> texts = Samples.all().stream().map(Document::text).toList();
        Tokenizer t = Tokenizer.train(texts, TokenizerConfig.smallVocabulary(2048));
        assertEquals(2048, t.baseRanks());
        assertTrue(t.vocabSize() <= 2049 && t.vocabSize() > 1000, "vocabulary " + t.vocabSize());
        assertTrue(Arrays.stream(t.baseIds()).allMatch(r -> r < 2048));
        Tokenizer back = Tokenizer.load(t.save(dir.resolve("small.json")));
        assertEquals(t.sha256(), back.sha256());
        assertEquals(2048, back.baseRanks());
        for (String s : texts) {
            assertArrayEquals(t.encode(s), back.encode(s));
        }
        assertNotEquals(Tokenizer.truncated(2048).sha256(), Tokenizer.truncated(2047).sha256());
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.truncated(255));
        assertThrows(IllegalArgumentException.class, () -> TokenizerConfig.smallVocabulary(Tokenizer.R50K_RANKS + 1));
    }

    /** Corpus manifests and artifact keys hold the full tokenizer's sha256: truncation must not have changed it. */
    @Test
    void theFullVocabularyHashesAsBefore() {
        assertEquals("37cbde2e5d52da182fdd2f2b89c3b268a9475653b65495329be57c28533194a9", Tokenizer.fullGpt2().sha256());
        assertEquals(Tokenizer.R50K_RANKS, Tokenizer.fullGpt2().baseRanks());
    }

    /**
     * Every source's test split round-trips exactly under the 8k and the standard profile's 4k small vocabularies
     * (skipped without the corpus).
     */
    @Test
    void everyTestSplitRoundTripsOnTheRealCorpus() {
        assumeTrue(CorpusManifest.exists(Corpora.dir()), "the corpus is not built at " + Corpora.dir()
                + " (run datasets/build): skipping the real-text test");
        List<Document> test = Corpora.load().split(Split.TEST).toList();
        Tokenizer small = Tokenizer.truncated(8192);
        Tokenizer standard = Tokenizer.truncated(4096); // the standard profile's (Presets.STANDARD_VOCAB_RANKS)
        for (Document d : test) {
            assertEquals(d.text(), small.decode(small.encode(d.text())), d.id());
            assertEquals(d.text(), standard.decode(standard.encode(d.text())), d.id());
        }
        Map<String, Tokenizer> toks = new LinkedHashMap<>();
        toks.put("corpus", Corpora.tokenizer());
        toks.put("r50k first 8192", small);
        List<CharsPerToken.Row> rows = CharsPerToken.measure(test, toks);
        rows.forEach(r -> System.out.printf("%-14s %-16s V %6d  %.2f chars/token%n", r.source(), r.tokenizer(),
                r.vocabSize(), r.charsPerToken()));
        assertEquals(Corpora.SOURCE_LIST.size() * 2, rows.size());
        for (int i = 0; i < rows.size(); i += 2) {
            assertTrue(rows.get(i + 1).charsPerToken() <= rows.get(i).charsPerToken() + 1e-9, rows.get(i).source());
            assertTrue(rows.get(i + 1).charsPerToken() > 1.5, rows.get(i).source());
        }
    }
}
