package org.cbtm.route;

import java.util.Arrays;

/**
 * The mixture weights of one sequence: {@code positions() x numExperts()}, row {@code t-1} being the weights used
 * to predict token {@code t} (so a sequence of n tokens has n-1 rows). Every row sums to 1; unselected experts
 * have weight exactly 0. Immutable once built by a router.
 */
public final class RoutingWeights {
    private final int positions;
    private final int k;
    private final double[] w; // row-major positions x k

    /** Wraps {@code weights} (row-major, {@code positions x k}; not copied). */
    public RoutingWeights(int positions, int k, double[] weights) {
        if (positions < 0 || k < 1 || weights.length != (long) positions * k) {
            throw new IllegalArgumentException("weights of length " + weights.length + " do not form " + positions
                    + " rows of " + k);
        }
        this.positions = positions;
        this.k = k;
        this.w = weights;
    }

    /** The same weight vector at every position (per-document routers). */
    public static RoutingWeights constant(int positions, double[] row) {
        double[] w = new double[positions * row.length];
        for (int t = 0; t < positions; t++) {
            System.arraycopy(row, 0, w, t * row.length, row.length);
        }
        return new RoutingWeights(positions, row.length, w);
    }

    public int positions() {
        return positions;
    }

    public int numExperts() {
        return k;
    }

    /** The weight of expert {@code expert} for predicting token {@code row + 1}. */
    public double get(int row, int expert) {
        return w[row * k + expert];
    }

    /** Row {@code row} (a copy). */
    public double[] row(int row) {
        return Arrays.copyOfRange(w, row * k, row * k + k);
    }

    /** The flat row-major array (not a copy: do not modify). */
    public double[] data() {
        return w;
    }

    /** Whether some position gives expert {@code expert} a non-zero weight: only those experts need to run. */
    public boolean[] selected() {
        boolean[] s = new boolean[k];
        for (int t = 0; t < positions; t++) {
            for (int j = 0; j < k; j++) {
                if (w[t * k + j] > 0) {
                    s[j] = true;
                }
            }
        }
        return s;
    }

    /** Number of experts with non-zero weight at position {@code row}. */
    public int activeAt(int row) {
        int n = 0;
        for (int j = 0; j < k; j++) {
            if (w[row * k + j] > 0) {
                n++;
            }
        }
        return n;
    }

    /** Mean over positions of the largest weight (1 = always one expert; 1/K = uniform). */
    public double meanMaxWeight() {
        if (positions == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int t = 0; t < positions; t++) {
            double m = 0;
            for (int j = 0; j < k; j++) {
                m = Math.max(m, w[t * k + j]);
            }
            s += m;
        }
        return s / positions;
    }

    /** Mean over positions of the weights' entropy in nats (0 = one expert; ln K = uniform). */
    public double meanEntropy() {
        if (positions == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : w) {
            if (x > 0) {
                s -= x * Math.log(x);
            }
        }
        return s / positions;
    }
}
