package org.cbtm.text.tfidf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The tf-idf tokeniser of the C-BTM reference clusterer (scikit-learn's {@code TfidfVectorizer} defaults plus
 * the reference's number normaliser), methods.md 1.1 step 1:
 * <ol>
 *   <li>lowercase the whole text as Python's {@code str.lower} does ({@link PythonStr#lower}: Java's
 *       {@link java.util.Locale#ROOT} mapping, dotted capital I included, with CPython's final-sigma rule in place
 *       of Java's word-boundary one);</li>
 *   <li>word tokens = maximal runs of 2+ word characters, as Python's {@code (?u)\b\w\w+\b}: a word character is
 *       a letter (Lu, Ll, Lt, Lm, Lo), a number (Nd, Nl, No) or {@code _} (combining marks are not word
 *       characters in Python, unlike Java's {@code \w});</li>
 *   <li>a token whose first character is a digit (Python {@code str.isdigit}: Numeric_Type Decimal or Digit, i.e.
 *       Nd and a fixed list of No characters such as superscripts and circled digits, not every No character with a
 *       digit value; {@link PythonStr#isDigit}) becomes the placeholder {@link #NUMBER_PLACEHOLDER}, itself a stop
 *       word, so numbers are dropped;</li>
 *   <li>stop words (scikit-learn's English list by default) are dropped.</li>
 * </ol>
 * Thread-safe and allocation-free on the hot path (apart from the lowercased copy of the text).
 *
 * <p>Unicode versions: the parity is with Python 3.11 (Debian's {@code /usr/bin/python3}, whose
 * {@code unicodedata.unidata_version} is 14.0.0) on JDK 25 (Unicode 16.0), and PythonStrTest checks it for every
 * code point against CPython's answers. The two differ only where Unicode changed after 14.0: 9470 code points
 * assigned in 15.0 to 16.0, which Python 3.11 treats as unassigned (here 9392 of them are word characters, 100 are
 * digits (Nd), 206 are cased or case-ignorable for the sigma rule, 27 have a lowercase mapping), and U+1171E AHOM
 * CONSONANT SIGN MEDIAL RA, a non-spacing, case-ignorable mark in 14.0 and a spacing one since (Python's sigma
 * rule skips it, ours stops at it). A reference run on another Python has that Python's Unicode version.
 */
public final class TfidfTokenizer {
    /** The reference's number placeholder (a stop word). */
    public static final String NUMBER_PLACEHOLDER = "#NUMBER";

    private static final boolean[] ASCII_WORD = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            ASCII_WORD[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            ASCII_WORD[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            ASCII_WORD[c] = true;
        }
        ASCII_WORD['_'] = true;
    }

    private static final TfidfTokenizer REFERENCE = new TfidfTokenizer(StopWords.english());

    /** Receives one kept token: the chars {@code lower[from, to)} with {@code hash} = {@link TermTable#hash}. */
    @FunctionalInterface
    interface TokenSink {
        void token(String lower, int from, int to, int hash);
    }

    private final TermTable stop;
    private final Set<String> stopWords;

    /** A tokeniser with the given stop words (lowercase). */
    public TfidfTokenizer(Set<String> stopWords) {
        this.stopWords = Set.copyOf(stopWords);
        this.stop = new TermTable(stopWords.size());
        for (String w : stopWords) {
            stop.findOrAdd(w);
        }
    }

    /** The reference tokeniser: scikit-learn's English stop words and the number placeholder. */
    public static TfidfTokenizer reference() {
        return REFERENCE;
    }

    public Set<String> stopWords() {
        return stopWords;
    }

    /** The kept terms of {@code text}, in order (stop words and numbers removed). */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        scan(text, (lower, from, to, h) -> out.add(lower.substring(from, to)));
        return out;
    }

    /** Python's {@code \w} for one code point. */
    public static boolean isWordChar(int cp) {
        if (cp < 128) {
            return ASCII_WORD[cp];
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
                 Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    /** Python's {@code str.isdigit} for one code point ({@link PythonStr#isDigit}). */
    static boolean isDigit(int cp) {
        return PythonStr.isDigit(cp);
    }

    /** Lowercases as the reference does: Python's {@code str.lower} ({@link PythonStr#lower}). */
    static String lower(String text) {
        return PythonStr.lower(text);
    }

    /** Calls {@code sink} for every kept token of {@code text}. */
    void scan(String text, TokenSink sink) {
        String s = lower(text);
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            int cp = c;
            int w = 1;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(i + 1));
                w = 2;
            }
            if (!isWordChar(cp)) {
                i += w;
                continue;
            }
            int start = i;
            int first = cp;
            int count = 0;
            int h = 0;
            while (true) {
                h = 31 * h + s.charAt(i);
                if (w == 2) {
                    h = 31 * h + s.charAt(i + 1);
                }
                i += w;
                count++;
                if (i >= n) {
                    break;
                }
                c = s.charAt(i);
                if (c < 128) {
                    if (!ASCII_WORD[c]) {
                        break;
                    }
                    cp = c;
                    w = 1;
                } else {
                    cp = c;
                    w = 1;
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        cp = Character.toCodePoint(c, s.charAt(i + 1));
                        w = 2;
                    }
                    if (!isWordChar(cp)) {
                        break;
                    }
                }
            }
            if (count >= 2 && !isDigit(first) && stop.find(s, start, i, h) < 0) {
                sink.token(s, start, i, h);
            }
        }
    }
}
