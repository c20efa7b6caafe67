package org.cbtm.present;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Locale;

import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Number formats for tables, figure labels and prose, defined once. Every format uses {@link Locale#ROOT} (a point
 * for decimals, a comma between thousands), whatever the machine's locale. {@link NumberFormat}s are not
 * thread-safe: every call returns a new one.
 *
 * <p>The display rule for a column of numbers ({@link #forValues}): about four significant digits for the largest
 * value, the same number of decimals on every row so that decimal points line up, and no more decimals than the
 * values need:
 * <pre>
 *   largest |value|     decimals     e.g.
 *   >= 1e10             scientific   3.40E12   (FLOPs)
 *   1000 .. 1e10        0, grouped   12,346    (token counts, large perplexities)
 *   100 .. 1000         1            123.5     (perplexities)
 *   10 .. 100           2            34.57
 *   0.001 .. 10         3            0.951     (ratios, shares)
 *   below 0.001         scientific   3.00E-4   (learning rates)
 * </pre>
 * Fewer decimals are used when every value is exact with fewer (temperatures 0.01, 0.1, 1 show as 0.01, 0.10, 1.00;
 * whole numbers as integers with thousands separators).
 */
public final class Formats {
    private Formats() {
    }

    private static DecimalFormatSymbols symbols() {
        return DecimalFormatSymbols.getInstance(Locale.ROOT);
    }

    /** A fixed number of decimals with thousands separators: {@code decimals(1)} writes 12,345.7. */
    public static NumberFormat decimals(int digits) {
        if (digits < 0 || digits > 12) {
            throw new IllegalArgumentException("0 to 12 decimals, got " + digits);
        }
        return new DecimalFormat(digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits), symbols());
    }

    /** Whole numbers with thousands separators: 1,234,567. */
    public static NumberFormat integer() {
        return decimals(0);
    }

    /** Scientific notation with three significant digits: 3.40E12. */
    public static NumberFormat scientific() {
        return new DecimalFormat("0.00E0", symbols());
    }

    /** The same formats as Tablesaw column formatters, for {@code column.setPrintFormatter(...)}. */
    public static NumberColumnFormatter columnFormatter(NumberFormat format) {
        return new NumberColumnFormatter(format);
    }

    /**
     * The display format of a column holding {@code values} (see the class comment); NaN and infinite values are
     * ignored when choosing it.
     */
    public static NumberFormat forValues(double[] values) {
        double max = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        if (max == 0) {
            return integer();
        }
        if (max >= 1e10 || max < 1e-3) {
            return scientific();
        }
        int digits = max >= 1000 ? 0 : max >= 100 ? 1 : max >= 10 ? 2 : 3;
        while (digits > 0 && exactWith(values, digits - 1)) {
            digits--;
        }
        return decimals(digits);
    }

    /** {@link #forValues} applied to one value (a label, a sentence). */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        return forValues(new double[] {v}).format(v);
    }

    /** A perplexity: one decimal, or none with thousands separators from 1,000 on (1,234; 123.4; 12.3). */
    public static String perplexity(double p) {
        if (!Double.isFinite(p)) {
            return Double.isNaN(p) ? "" : "∞";
        }
        return (Math.abs(p) >= 1000 ? decimals(0) : decimals(1)).format(p);
    }

    /** Short labels for axes: 500k, 1.2M, 3B, 0.03. */
    public static String shortNumber(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "B";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    /** The shortest plain text of a number that reads back as the same value: 0.1, 2, 1500. */
    public static String plain(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Whether every finite value rounds to the same text with {@code digits} decimals as with one more. */
    private static boolean exactWith(double[] values, int digits) {
        double scale = Math.pow(10, digits);
        double finer = scale * 10;
        for (double v : values) {
            if (Double.isFinite(v) && Math.round(v * scale) * 10 != Math.round(v * finer)) {
                return false;
            }
        }
        return true;
    }
}
