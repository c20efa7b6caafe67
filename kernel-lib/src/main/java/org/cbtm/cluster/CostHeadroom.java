package org.cbtm.cluster;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * A power-of-two scaling that keeps the sums of {@link AuctionAssignment} finite for costs near the double range.
 * The solver forms cost plus price plus eps: with finite costs near {@code +-Double.MAX_VALUE} their range (and so
 * eps = range / 50) overflows to infinity, and an infinite eps puts every cluster, and the padding lanes of the SIMD
 * kernels, in every band. Multiplying the costs by {@code 2^-shift} is the same assignment problem (a positive factor
 * scales every total alike), and here it is exact: the scaled costs are checked to scale back to the inputs bit for
 * bit (only a cost below {@code 2^(shift - 1022)} in magnitude can fail, and then the range is refused as too large),
 * and sums and comparisons of normal doubles commute with a power of two, so the solver takes the steps it would take
 * with an unbounded exponent.
 * Every cost matrix that leaves ample room, i.e. every ordinary one, gets {@link #NONE} and an unchanged path.
 */
final class CostHeadroom {
    /** No scaling. */
    static final CostHeadroom NONE = new CostHeadroom(0, 0, 0);

    /** The bound below is formed at this fraction of its size, so that it cannot overflow itself. */
    private static final double Q = 0x1p-8;
    /**
     * Largest cost magnitude plus start price plus twice (range + eps) allowed unscaled (times {@link #Q}): 2^-16 of
     * the double range, so that prices rising well past one range (a chain of raises) stay far from overflow.
     */
    private static final double LIMIT_Q = 0x1p-16 * Double.MAX_VALUE * Q;

    final int shift;
    private final double costMin; // for the messages
    private final double costMax;

    private CostHeadroom(int shift, double costMin, double costMax) {
        this.shift = shift;
        this.costMin = costMin;
        this.costMax = costMax;
    }

    /**
     * The scaling for costs in {@code [min, max]} (finite), start prices {@code prices} and a first-phase eps of
     * {@code epsFraction} of the range: {@link #NONE} when the solver's sums stay far from overflow.
     */
    static CostHeadroom of(double min, double max, double[] prices, double epsFraction) {
        return of(min, max, Math.max(Math.abs(min), Math.abs(max)), prices, epsFraction);
    }

    /**
     * As {@link #of(double, double, double[], double)} for costs whose range (what eps is a fraction of) is
     * {@code [min, max]} but whose magnitude may be larger, up to {@code magnitude} (the reduced costs of
     * {@link Distances#reduced}: the distances less the row norms).
     */
    static CostHeadroom of(double min, double max, double magnitude, double[] prices, double epsFraction) {
        double m = Math.max(magnitude, Math.max(Math.abs(min), Math.abs(max))) * Q;
        double r = max * Q - min * Q; // cannot overflow, unlike max - min
        double p = 0;
        for (double x : prices) {
            p = Math.max(p, Math.abs(x) * Q);
        }
        double need = m + p + 2 * (r + epsFraction * (r > 0 ? r : Q));
        if (need <= LIMIT_Q) {
            return NONE;
        }
        if (!(need < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("the cost range is too large: costs span [" + min + ", " + max
                    + "] (range " + range(min, max) + "), and with eps = " + epsFraction + " of that range the "
                    + "solver's sums overflow a double; use a smaller eps fraction or smaller costs");
        }
        // need < 2^(e + 1), so need * 2^-shift < 2^eLimit <= LIMIT_Q
        return new CostHeadroom(Math.getExponent(need) - Math.getExponent(LIMIT_Q) + 1, min, max);
    }

    /** {@code x} in solver units. */
    double down(double x) {
        return shift == 0 ? x : Math.scalb(x, -shift);
    }

    /** {@code x} back in cost units (exact for scaled costs). */
    double up(double x) {
        return shift == 0 ? x : Math.scalb(x, shift);
    }

    /** The range that eps is a fraction of, in solver units: 1 unit of cost for a constant matrix. */
    double scale(double min, double max) {
        double range = max - min;
        return range > 0 ? range : down(1.0);
    }

    /**
     * The first {@code length} costs in solver units: {@code cost} itself without scaling, else a scaled copy (in
     * place when {@code inPlace}). Throws when a cost does not scale exactly.
     */
    double[] scaled(double[] cost, int length, boolean inPlace) {
        if (shift == 0) {
            return cost;
        }
        double[] out = inPlace ? cost : new double[length];
        for (int i = 0; i < length; i++) {
            double c = cost[i];
            double d = Math.scalb(c, -shift);
            if (Math.scalb(d, shift) != c) {
                throw new IllegalArgumentException("the cost range is too large: costs span [" + costMin + ", "
                        + costMax + "] (range " + range(costMin, costMax) + "), which needs the costs scaled by 2^-"
                        + shift + ", and that does not keep the tiny cost " + c + " exact; shift or scale the costs "
                        + "so that they span less than about 1e300");
            }
            out[i] = d;
        }
        return out;
    }

    /** Start prices to solver units, in place (they need not be exact: any start prices are valid). */
    void scalePrices(double[] prices) {
        for (int j = 0; j < prices.length; j++) {
            prices[j] = down(prices[j]);
        }
    }

    /**
     * The final prices {@code p} (solver units) in cost units. Prices certify the assignment up to a common constant:
     * when scaling them back overflows, they are centred first (costs spanning more than the double range need prices
     * of both signs). Throws when even that leaves a price outside the double range (costs spanning nearly twice
     * {@code Double.MAX_VALUE}).
     */
    double[] prices(double[] p) {
        if (shift == 0) {
            return p;
        }
        double[] out = up(p, 0);
        if (out == null) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double x : p) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            out = up(p, lo / 2 + hi / 2);
        }
        if (out == null) {
            throw new IllegalArgumentException("the cost range is too large: costs span [" + costMin + ", " + costMax
                    + "] (range " + range(costMin, costMax) + "), and the cluster prices that certify the assignment "
                    + "do not fit in a double; shift or scale the costs so that they span less than Double.MAX_VALUE");
        }
        return out;
    }

    /** Scales the final eps (solver units) back; throws when it overflows (an eps fraction near 1 of such a range). */
    double eps(double eps, double epsFraction) {
        double out = up(eps);
        if (!Double.isFinite(out)) {
            throw new IllegalArgumentException("the cost range is too large: costs span [" + costMin + ", " + costMax
                    + "] (range " + range(costMin, costMax) + "), and eps = " + epsFraction + " of that range "
                    + "overflows a double; use a smaller eps fraction or smaller costs");
        }
        return out;
    }

    /** {@code max - min} to 4 digits, also where the difference overflows a double. */
    static String range(double min, double max) {
        return new BigDecimal(max).subtract(new BigDecimal(min)).round(new MathContext(4)).toString();
    }

    private double[] up(double[] p, double centre) {
        double[] out = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            out[j] = Math.scalb(p[j] - centre, shift);
            if (!Double.isFinite(out[j])) {
                return null;
            }
        }
        return out;
    }
}
