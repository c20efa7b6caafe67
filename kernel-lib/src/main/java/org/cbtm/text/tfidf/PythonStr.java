package org.cbtm.text.tfidf;

import java.util.Locale;

/**
 * The two methods of CPython's {@code str} that the reference tokeniser calls, {@code isdigit} (its number test) and
 * {@code lower}, for one code point or string, with CPython's rules rather than Java's:
 * <ul>
 *   <li>{@code isdigit} is true for Numeric_Type Decimal or Digit: general category Nd, plus a fixed set of No
 *       characters (superscripts, circled digits, ...). Java has no Numeric_Type; {@link Character#getNumericValue}
 *       also gives 0..9 for No characters of Numeric_Type Numeric (U+2189 VULGAR FRACTION ZERO THIRDS, U+3220
 *       PARENTHESIZED IDEOGRAPH ONE, U+10107 AEGEAN NUMBER ONE, 223 in all), which Python does not count as digits.</li>
 *   <li>{@code lower} maps each code point by its full lowercase mapping (Java's {@link Locale#ROOT} mapping is the
 *       same) except capital sigma, which CPython maps to final sigma when it follows a cased character and is not
 *       followed by one, skipping case-ignorable characters either way (Unicode's Final_Sigma condition, applied
 *       to the whole string). Java decides by word boundaries instead: it lowercases {@code "ΑΣ1Β"} to "ασ1β" where
 *       Python gives "ας1β" (a digit is neither cased nor case-ignorable), and {@code "ΑΣ:Β"} to "ας:β" where Python
 *       gives "ασ:β" (the colon is case-ignorable, Word_Break MidLetter).</li>
 * </ul>
 * Character properties come from the JDK's Unicode tables; {@link TfidfTokenizer} states the versions.
 */
final class PythonStr {
    private static final char CAPITAL_SIGMA = '\u03A3';

    /**
     * The code points outside Nd with Numeric_Type Digit (Unicode 14.0, as {@code str.isdigit} of Python 3.11 sees
     * them), as inclusive ranges.
     */
    private static final int[] DIGIT_NOT_ND = {
        0x00B2, 0x00B3, 0x00B9, 0x00B9, 0x1369, 0x1371, 0x19DA, 0x19DA, 0x2070, 0x2070, 0x2074, 0x2079,
        0x2080, 0x2089, 0x2460, 0x2468, 0x2474, 0x247C, 0x2488, 0x2490, 0x24EA, 0x24EA, 0x24F5, 0x24FD,
        0x24FF, 0x24FF, 0x2776, 0x277E, 0x2780, 0x2788, 0x278A, 0x2792, 0x10A40, 0x10A43, 0x10E60, 0x10E68,
        0x11052, 0x1105A, 0x1F100, 0x1F10A,
    };

    private PythonStr() {
    }

    /** Python's {@code str.isdigit} for one code point. */
    static boolean isDigit(int cp) {
        if (cp < 128) {
            return cp >= '0' && cp <= '9';
        }
        if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
            return true;
        }
        for (int i = 0; i < DIGIT_NOT_ND.length && DIGIT_NOT_ND[i] <= cp; i += 2) {
            if (cp <= DIGIT_NOT_ND[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** Python's {@code str.lower}. */
    static String lower(String s) {
        int sigma = s.indexOf(CAPITAL_SIGMA);
        if (sigma < 0) {
            return s.toLowerCase(Locale.ROOT); // no context-dependent mapping without a capital sigma
        }
        // between the sigmas the ROOT mapping is context-free, so each piece may be lowercased on its own
        StringBuilder out = new StringBuilder(s.length());
        int from = 0;
        while (sigma >= 0) {
            out.append(s.substring(from, sigma).toLowerCase(Locale.ROOT));
            out.append(finalSigma(s, sigma) ? '\u03C2' : '\u03C3');
            from = sigma + 1;
            sigma = s.indexOf(CAPITAL_SIGMA, from);
        }
        return out.append(s.substring(from).toLowerCase(Locale.ROOT)).toString();
    }

    /**
     * CPython's {@code handle_capital_sigma}: the sigma at {@code i} is final when the nearest character before it
     * that is not case-ignorable exists and is cased, and the nearest one after it is absent or not cased.
     */
    private static boolean finalSigma(String s, int i) {
        int j = i;
        int before = -1;
        while (j > 0) {
            int c = s.codePointBefore(j);
            j -= Character.charCount(c);
            if (!isCaseIgnorable(c)) {
                before = c;
                break;
            }
        }
        if (before < 0 || !isCased(before)) {
            return false;
        }
        for (j = i + 1; j < s.length(); ) {
            int c = s.codePointAt(j);
            if (!isCaseIgnorable(c)) {
                return !isCased(c);
            }
            j += Character.charCount(c);
        }
        return true;
    }

    /** Unicode's Cased: Lowercase (Ll and Other_Lowercase), Uppercase (Lu and Other_Uppercase) or Lt. */
    static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /**
     * Unicode's Case_Ignorable: Mn, Me, Cf, Lm, Sk, and Word_Break MidLetter, MidNumLet or Single_Quote (Java has no
     * Word_Break property: those 17 are listed).
     */
    static boolean isCaseIgnorable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT, Character.MODIFIER_LETTER,
                 Character.MODIFIER_SYMBOL -> true;
            default -> switch (cp) {
                // MidLetter
                case 0x003A, 0x00B7, 0x0387, 0x055F, 0x05F4, 0x2027, 0xFE13, 0xFE55, 0xFF1A -> true;
                // MidNumLet, Single_Quote
                case 0x002E, 0x2018, 0x2019, 0x2024, 0xFE52, 0xFF07, 0xFF0E, 0x0027 -> true;
                default -> false;
            };
        };
    }
}
