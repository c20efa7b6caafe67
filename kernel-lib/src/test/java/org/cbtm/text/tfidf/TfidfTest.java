package org.cbtm.text.tfidf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cbtm.math.DenseMatrix;
import org.cbtm.math.SymmetricEigen;
import org.junit.jupiter.api.Test;

class TfidfTest {

    @Test
    void tokenizerFollowsTheReference() {
        TfidfTokenizer t = TfidfTokenizer.reference();
        // lowercase, 2+ word chars, stop words and digit-initial tokens dropped, '_' is a word char
        assertEquals(List.of("quick", "brown", "foxes", "jumped", "snake_case", "x1"),
                t.tokenize("The QUICK brown foxes, they jumped over 12 and 3d a b snake_case x1 !"));
        // Python's \w has no combining marks: "e\u0301" splits the word; letters of other scripts are words
        assertEquals(List.of("cafe", "наука"), t.tokenize("Cafe\u0301 наука"));
        // superscript two is a digit for Python's isdigit, so the token is a number
        assertEquals(List.of(), t.tokenize("\u00b2nd"));
        assertEquals(List.of(), t.tokenize(""));
        assertTrue(StopWords.english().contains("the"));
        assertEquals(318, StopWords.english().size());
    }

    /**
     * The reference drops a token as a number when {@code token[0].isdigit()}: numeric symbols with a digit value but
     * Numeric_Type Numeric (U+3220, U+2189, U+10107) are not digits there, so their tokens are kept. Expected tokens
     * as /usr/bin/python3 (3.11) gives them.
     */
    @Test
    void tokenizerKeepsNumericSymbolsThatPythonDoesNotCallDigits() {
        TfidfTokenizer t = TfidfTokenizer.reference();
        assertEquals(List.of("\u3220x", "\u2189a", "\ud800\udd07\ud800\udd07"),
                t.tokenize("\u3220x \u2189a \ud800\udd07\ud800\udd07 \u00b2nd \u2460b"));
    }

    /** Capital sigma lowercases by CPython's final-sigma rule (expected tokens from /usr/bin/python3). */
    @Test
    void tokenizerLowercasesSigmaAsPython() {
        TfidfTokenizer t = TfidfTokenizer.reference();
        assertEquals(List.of("ας1β", "σας", "σας", "ασ"), t.tokenize("ΑΣ1Β ΣΑΣ-ΣΑΣ ΑΣ:Β"));
        assertEquals(List.of("οδυσσευς_α", "ας_β"), t.tokenize("ΟΔΥΣΣΕΥΣ_Α ΑΣ_Β"));
    }

    private static List<String> corpus() {
        return List.of("the cat sat on the mat", "the dog sat on the log", "cats and dogs",
                "a mat for a cat", "the and of", "12 345");
    }

    @Test
    void tfidfMatchesTheFormula() {
        var fit = TfidfVectorizer.fitTransform(corpus(), TfidfVectorizer.Config.reference());
        TfidfVectorizer v = fit.vectorizer();
        assertArrayEquals(new String[] {"cat", "cats", "dog", "dogs", "log", "mat", "sat"}, v.vocabulary());
        int n = 6;
        // "cat" is in 2 documents
        assertEquals(Math.log((1.0 + n) / (1 + 2)) + 1, v.idf(v.index("cat")), 1e-12);
        CsrMatrix x = fit.matrix();
        // row 0: cat, sat, mat each once -> equal weights scaled to unit norm
        double wCat = v.idf(v.index("cat"));
        double wSat = v.idf(v.index("sat"));
        double wMat = v.idf(v.index("mat"));
        double norm = Math.sqrt(wCat * wCat + wSat * wSat + wMat * wMat);
        assertEquals(wCat / norm, x.get(0, v.index("cat")), 1e-12);
        // stop-word-only and number-only documents are zero rows
        assertEquals(0, x.rowPtr()[5] - x.rowPtr()[4]);
        assertEquals(0, x.rowPtr()[6] - x.rowPtr()[5]);
        CsrMatrix again = v.transform(corpus());
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < v.vocabularySize(); j++) {
                assertEquals(x.get(i, j), again.get(i, j), 1e-12);
            }
        }
    }

    @Test
    void pruningAndErrors() {
        var fit = TfidfVectorizer.fitTransform(corpus(), new TfidfVectorizer.Config(2, 1.0, 0));
        assertArrayEquals(new String[] {"cat", "mat", "sat"}, fit.vectorizer().vocabulary());
        var capped = TfidfVectorizer.fitTransform(corpus(), new TfidfVectorizer.Config(1, 1.0, 1));
        assertEquals(1, capped.vectorizer().vocabularySize());
        assertThrows(IllegalArgumentException.class,
                () -> TfidfVectorizer.fitTransform(List.of(), TfidfVectorizer.Config.reference()));
        var e = assertThrows(IllegalArgumentException.class,
                () -> TfidfVectorizer.fitTransform(List.of("the and", "42"), TfidfVectorizer.Config.reference()));
        assertTrue(e.getMessage().contains("stop words"));
    }

    private static List<String> randomCorpus(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int topic = r.nextInt(5);
            for (int w = 0; w < 30; w++) {
                int word = r.nextInt(3) == 0 ? r.nextInt(400) : topic * 40 + r.nextInt(40);
                sb.append("w").append(word).append(w % 7 == 0 ? ". The " : " ");
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void randomizedSvdMatchesTheExactTopSingularValues() {
        var fit = TfidfVectorizer.fitTransform(randomCorpus(300, 1), TfidfVectorizer.Config.reference());
        CsrMatrix x = fit.matrix();
        int d = x.cols();
        // exact: eigenvalues of X^T X
        double[] g = new double[d * d];
        for (int i = 0; i < x.rows(); i++) {
            for (int p = x.rowPtr()[i]; p < x.rowPtr()[i + 1]; p++) {
                for (int q = x.rowPtr()[i]; q < x.rowPtr()[i + 1]; q++) {
                    g[x.colIdx()[p] * d + x.colIdx()[q]] += x.vals()[p] * x.vals()[q];
                }
            }
        }
        SymmetricEigen e = SymmetricEigen.of(g, d);
        // a flat random spectrum is hard for a randomized method: generous oversampling makes the top 10 accurate
        var svd = RandomizedSvd.compute(x, 10, 30, 5, 42);
        for (int j = 0; j < 10; j++) {
            assertEquals(Math.sqrt(e.values[j]), svd.singularValues()[j], 1e-3 * Math.sqrt(e.values[0]), "sv " + j);
        }
        // components are orthonormal
        DenseMatrix v = svd.components();
        for (int a = 0; a < 10; a++) {
            for (int b = 0; b < 10; b++) {
                double s = 0;
                for (int i = 0; i < d; i++) {
                    s += v.get(i, a) * v.get(i, b);
                }
                assertEquals(a == b ? 1 : 0, s, 1e-9);
            }
        }
    }

    @Test
    void embedderIsDeterministicUnitNormAndZeroForEmptyDocuments() {
        List<String> docs = new ArrayList<>(randomCorpus(400, 2));
        docs.add("the and of 123");
        var cfg = TfidfSvdEmbedder.Config.reference(5).withDimensions(20);
        var a = TfidfSvdEmbedder.fitTransform(docs, cfg);
        var b = TfidfSvdEmbedder.fitTransform(docs, cfg);
        assertArrayEquals(a.embeddings().data(), b.embeddings().data());
        DenseMatrix t = a.embedder().transform(docs);
        for (int i = 0; i < docs.size(); i++) {
            double sq = 0;
            for (int j = 0; j < 20; j++) {
                sq += t.get(i, j) * t.get(i, j);
                assertEquals(a.embeddings().get(i, j), t.get(i, j), 1e-9);
            }
            assertEquals(i == docs.size() - 1 ? 0 : 1, sq, 1e-9);
        }
        assertArrayEquals(new double[20], a.embedder().embed("unknown words only zzz"));
        assertArrayEquals(new double[20], a.embedder().embed(""));
    }

    @Test
    void moreDimensionsThanRankGivesZeroComponents() {
        var fit = TfidfSvdEmbedder.fitTransform(List.of("alpha beta", "beta gamma", "gamma delta"),
                TfidfSvdEmbedder.Config.reference(1));
        assertEquals(100, fit.embedder().dimensions());
        double[] sv = fit.embedder().singularValues();
        assertTrue(sv[0] > 0);
        assertEquals(0, sv[99]);
        double sq = 0;
        for (double x : fit.embedder().embed("alpha delta")) {
            sq += x * x;
        }
        assertEquals(1, sq, 1e-9);
    }

    @Test
    void prefixEmbedderEqualsTransformOfEveryPrefix() {
        List<String> docs = randomCorpus(300, 3);
        TfidfSvdEmbedder e = TfidfSvdEmbedder.fit(docs, TfidfSvdEmbedder.Config.reference(9).withDimensions(30));
        String text = docs.get(7) + "\n  W12, w3?" + docs.get(8);
        PrefixEmbedder p = e.prefixEmbedder();
        SplittableRandom r = new SplittableRandom(4);
        int pos = 0;
        while (pos < text.length()) {
            int step = 1 + r.nextInt(6);
            int end = Math.min(text.length(), pos + step);
            p.append(text.substring(pos, end));
            pos = end;
            double[] want = e.embed(text.substring(0, pos));
            double[] got = p.embedding();
            for (int j = 0; j < want.length; j++) {
                assertEquals(want[j], got[j], 1e-6, "prefix length " + pos);
            }
        }
        p.reset();
        assertArrayEquals(new double[30], p.embedding());
        // term by term
        for (String term : e.vectorizer().tokenizer().tokenize(docs.get(5))) {
            p.addTerm(term);
        }
        double[] want = e.embed(docs.get(5));
        double[] got = p.embedding();
        for (int j = 0; j < want.length; j++) {
            assertEquals(want[j], got[j], 1e-6);
        }
    }
}
