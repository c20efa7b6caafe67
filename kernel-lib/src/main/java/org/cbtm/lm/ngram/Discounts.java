package org.cbtm.lm.ngram;

/**
 * The three absolute discounts of one order of modified Kneser-Ney (Chen &amp; Goodman 1998, eq. 26): {@code d1}
 * is subtracted from n-grams seen once, {@code d2} from those seen twice, {@code d3} from those seen three times
 * or more (counts are the adjusted counts of that order: raw counts at the highest order, continuation counts
 * below).
 *
 * @param d1        discount of count 1, in (0, 1]
 * @param d2        discount of count 2, in (0, 2]
 * @param d3        discount of counts 3+, in (0, 3]
 * @param estimated true when estimated from the count-of-counts, false when {@link #FALLBACK} was used
 */
public record Discounts(double d1, double d2, double d3, boolean estimated) {

    /**
     * Used when the count-of-counts cannot give valid discounts (tiny data: some count 1..4 never occurs, or an
     * estimate falls outside its range); the values of KenLM's {@code --discount_fallback}.
     */
    public static final Discounts FALLBACK = new Discounts(0.5, 1.0, 1.5, false);

    public Discounts {
        if (!(d1 > 0 && d1 <= 1 && d2 > 0 && d2 <= 2 && d3 > 0 && d3 <= 3)) {
            throw new IllegalArgumentException("discounts must satisfy 0 < d1 <= 1, 0 < d2 <= 2, 0 < d3 <= 3; got "
                    + d1 + ", " + d2 + ", " + d3);
        }
    }

    /**
     * Chen &amp; Goodman's estimates from {@code n[i]} = number of n-grams with adjusted count i (i = 1..4):
     * {@code Y = n1 / (n1 + 2 n2)}, {@code D1 = 1 - 2Y n2/n1}, {@code D2 = 2 - 3Y n3/n2}, {@code D3+ = 3 - 4Y n4/n3};
     * {@link #FALLBACK} when one of n1..n4 is zero or an estimate leaves its range.
     */
    public static Discounts estimate(long n1, long n2, long n3, long n4) {
        if (n1 <= 0 || n2 <= 0 || n3 <= 0 || n4 <= 0) {
            return FALLBACK;
        }
        double y = n1 / (n1 + 2.0 * n2);
        double d1 = 1 - 2 * y * n2 / n1;
        double d2 = 2 - 3 * y * n3 / n2;
        double d3 = 3 - 4 * y * n4 / n3;
        if (!(d1 > 0 && d1 <= 1 && d2 > 0 && d2 <= 2 && d3 > 0 && d3 <= 3)) {
            return FALLBACK;
        }
        return new Discounts(d1, d2, d3, true);
    }

    /** The discount of an n-gram with adjusted count {@code count} (0 for an unseen one). */
    public double of(long count) {
        return count <= 0 ? 0 : count == 1 ? d1 : count == 2 ? d2 : d3;
    }
}
