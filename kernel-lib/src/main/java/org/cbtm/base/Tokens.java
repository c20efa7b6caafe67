package org.cbtm.base;

/** Token counts for people: 590k, 7.9M. */
public final class Tokens {
    private Tokens() {
    }

    public static String human(long n) {
        if (n >= 1_000_000_000L) {
            return trim(n / 1e9) + "B";
        }
        if (n >= 1_000_000L) {
            return trim(n / 1e6) + "M";
        }
        if (n >= 1_000L) {
            return trim(n / 1e3) + "k";
        }
        return Long.toString(n);
    }

    private static String trim(double v) {
        String s = v >= 100 ? String.format(java.util.Locale.ROOT, "%.0f", v)
                : String.format(java.util.Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
