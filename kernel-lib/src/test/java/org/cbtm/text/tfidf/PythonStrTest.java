package org.cbtm.text.tfidf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Python's {@code str.isdigit}, {@code str.lower} and {@code re}'s {@code \w} against what CPython answered for
 * every code point (python-unicode.txt, written by python_unicode.py beside it with /usr/bin/python3: 3.11,
 * Unicode 14.0.0). On the code points assigned in that Unicode version ours must agree everywhere; on the others
 * only characters that the JDK's newer Unicode assigns may differ.
 */
class PythonStrTest {

    private static final String SIGMA = "\u03a3";
    /**
     * U+1171E AHOM CONSONANT SIGN MEDIAL RA, the one assigned character whose answer changed after Unicode 14.0: a
     * non-spacing mark (so case-ignorable) there, a spacing mark (Mc) in the JDK's version.
     */
    private static final int AHOM_MEDIAL_RA = 0x1171E;

    /** The fixture: per property, the code points where CPython says yes; and the values. */
    private record Fixture(Map<String, BitSet> sets, Map<String, String> values) {
        BitSet set(String name) {
            BitSet b = sets.get(name);
            if (b == null) {
                fail("python-unicode.txt has no " + name);
            }
            return b;
        }
    }

    private static Fixture fixture() throws IOException {
        Map<String, BitSet> sets = new HashMap<>();
        Map<String, String> values = new HashMap<>();
        try (InputStream in = PythonStrTest.class.getResourceAsStream("python-unicode.txt")) {
            if (in == null) {
                fail("python-unicode.txt is missing from the test resources");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                if (f[0].equals("python") || f[0].equals("unidata") || f[0].equals("lower-crc32")) {
                    values.put(f[0], f[1]);
                    continue;
                }
                BitSet b = sets.computeIfAbsent(f[0], k -> new BitSet(Character.MAX_CODE_POINT + 1));
                for (int i = 1; i < f.length; i++) {
                    int dots = f[i].indexOf("..");
                    int lo = Integer.parseInt(dots < 0 ? f[i] : f[i].substring(0, dots), 16);
                    int hi = dots < 0 ? lo : Integer.parseInt(f[i].substring(dots + 2), 16);
                    b.set(lo, hi + 1);
                }
            }
        }
        return new Fixture(sets, values);
    }

    /** 'S' (skipped: case-ignorable), 'C' (cased) or 'O' by how lower() treats c after "A" + capital sigma. */
    private static char sigmaClass(int cp) {
        String c = new String(Character.toChars(cp));
        char withLetter = PythonStr.lower("A" + SIGMA + c + "B").charAt(1);
        char atEnd = PythonStr.lower("A" + SIGMA + c).charAt(1);
        if (withLetter == '\u03c3' && atEnd == '\u03c2') {
            return 'S';
        }
        return atEnd == '\u03c3' ? 'C' : 'O';
    }

    @Test
    void agreesWithCPythonOnEveryCodePoint() throws IOException {
        Fixture fx = fixture();
        assertEquals("14.0.0", fx.values().get("unidata"));
        BitSet assigned = fx.set("assigned");
        BitSet word = fx.set("word");
        BitSet digit = fx.set("digit");
        BitSet skipped = fx.set("sigma-skipped");
        BitSet cased = fx.set("sigma-cased");
        List<String> wrong = new ArrayList<>();
        int newer = 0; // differences on code points that Python's Unicode version leaves unassigned
        CRC32 crc = new CRC32();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            char py = skipped.get(cp) ? 'S' : cased.get(cp) ? 'C' : 'O';
            char ours = sigmaClass(cp);
            boolean differs = TfidfTokenizer.isWordChar(cp) != word.get(cp) || PythonStr.isDigit(cp) != digit.get(cp)
                    || ours != py;
            if (assigned.get(cp)) {
                if (cp == AHOM_MEDIAL_RA) {
                    assertTrue(py == 'S' && ours == 'O', "U+1171E: Mn (case-ignorable) in 14.0, Mc since 15.0");
                    differs = false;
                }
                if (differs && wrong.size() < 20) {
                    wrong.add(String.format("U+%04X word %s/%s digit %s/%s sigma context %s/%s (ours/Python)", cp,
                            TfidfTokenizer.isWordChar(cp), word.get(cp), PythonStr.isDigit(cp), digit.get(cp), ours,
                            py));
                }
                if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                    crc.update((PythonStr.lower(new String(Character.toChars(cp))) + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            } else if (differs) {
                assertTrue(Character.getType(cp) != Character.UNASSIGNED,
                        String.format("U+%04X is unassigned in both versions, yet ours differs", cp));
                newer++;
            }
        }
        assertTrue(wrong.isEmpty(), "differences from CPython: " + wrong);
        assertEquals(fx.values().get("lower-crc32"), String.format("%08X", crc.getValue()),
                "str.lower of single code points");
        // the characters of Unicode 15.0 to 16.0 that the JDK knows and Python 3.11 does not (stated in the Javadoc)
        assertEquals(9470, newer, "code points new since Unicode 14.0 on which ours differs");
    }

    @Test
    void isDigitIsNumericTypeDigitOrDecimalNotAnyDigitValue() {
        // No characters with a digit value but Numeric_Type Numeric: not str.isdigit()
        for (int cp : new int[] {0x3220, 0x2189, 0x10107}) {
            assertTrue(!PythonStr.isDigit(cp) && TfidfTokenizer.isWordChar(cp), Integer.toHexString(cp));
        }
        // Numeric_Type Digit outside Nd: superscript two, circled one, Ethiopic digit one
        for (int cp : new int[] {0xB2, 0x2460, 0x1369}) {
            assertTrue(PythonStr.isDigit(cp), Integer.toHexString(cp));
        }
    }

    /** What /usr/bin/python3 (3.11) prints for {@code s.lower()}. */
    @Test
    void capitalSigmaFollowsCPythonsFinalSigmaRule() {
        assertEquals("ας1β", PythonStr.lower("ΑΣ1Β")); // a digit is neither cased nor case-ignorable
        assertEquals("σας-σας", PythonStr.lower("ΣΑΣ-ΣΑΣ"));
        assertEquals("ασ:β", PythonStr.lower("ΑΣ:Β")); // the colon is case-ignorable (Word_Break MidLetter)
        assertEquals("ας_β", PythonStr.lower("ΑΣ_Β"));
        assertEquals("ας-β", PythonStr.lower("ΑΣ-Β"));
        assertEquals("σ", PythonStr.lower("Σ"));
        assertEquals("ας", PythonStr.lower("ΑΣ"));
        assertEquals("α'ς", PythonStr.lower("Α'Σ")); // skips the apostrophe before, too
        assertEquals("ασ\u0301β", PythonStr.lower("ΑΣ\u0301Β")); // a combining mark is skipped
        assertEquals("i\u0307σς x", PythonStr.lower("\u0130ΣΣ X")); // dotted capital I: two chars, then context
        assertEquals("plain ascii", PythonStr.lower("Plain ASCII"));
    }
}
