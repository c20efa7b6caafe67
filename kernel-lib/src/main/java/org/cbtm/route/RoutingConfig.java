package org.cbtm.route;

import java.util.Locale;

/**
 * How the C-BTM centroid router turns distances into mixture weights (methods 1.4).
 *
 * @param topK        keep the {@code topK} largest weights and renormalise them to 1; {@link #ALL} (or any value
 *                    of at least K) keeps every expert
 * @param temperature T in {@code softmax(-d/T)}; the paper's default is 0.1 (the reference's few-shot code uses 1)
 * @param distance    which power of the distance enters the softmax: the paper's squared distance or the
 *                    reference code's squared squared distance
 */
public record RoutingConfig(int topK, double temperature, DistanceForm distance) {

    /** Keep every expert. */
    public static final int ALL = Integer.MAX_VALUE;

    /** The default temperature of the paper. */
    public static final double DEFAULT_TEMPERATURE = 0.1;

    /** Which quantity the softmax is taken of; {@code d = ||embed(prefix) - c_k||^2}. */
    public enum DistanceForm {
        /** The paper: {@code w = softmax(-d / T)}. */
        PAPER,
        /** The reference code, which squares the squared distance once more: {@code w = softmax(-d^2 / T)}. */
        REFERENCE;

        /** The exponent's argument before the division by T. */
        double apply(double d) {
            return this == PAPER ? d : d * d;
        }
    }

    public RoutingConfig {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1 (RoutingConfig.ALL for every expert), got " + topK);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive finite number, got " + temperature);
        }
        if (distance == null) {
            throw new IllegalArgumentException("distance form must be given (PAPER or REFERENCE)");
        }
    }

    /** The paper's settings: every expert, T = 0.1, {@code softmax(-d/T)}. */
    public static RoutingConfig paper() {
        return new RoutingConfig(ALL, DEFAULT_TEMPERATURE, DistanceForm.PAPER);
    }

    /** The paper's weighting with top-k. */
    public static RoutingConfig topK(int k) {
        return paper().withTopK(k);
    }

    public RoutingConfig withTopK(int k) {
        return new RoutingConfig(k, temperature, distance);
    }

    public RoutingConfig withTemperature(double t) {
        return new RoutingConfig(topK, t, distance);
    }

    public RoutingConfig withDistance(DistanceForm form) {
        return new RoutingConfig(topK, temperature, form);
    }

    /** The number of experts kept out of {@code k}. */
    public int effectiveTopK(int k) {
        return Math.min(topK, k);
    }

    /** "top-2, T=0.1" or "all, T=0.1, d^2". */
    public String describe() {
        String t = String.format(Locale.ROOT, "T=%s", temperature);
        return (topK == ALL ? "all" : "top-" + topK) + ", " + t + (distance == DistanceForm.REFERENCE ? ", d^2" : "");
    }

    /**
     * Writes the weights for the distances {@code d[0..k)} into {@code out[off..off+k)}: softmax of
     * {@code -form(d)/T} over the top-k experts (largest weights, i.e. smallest distances; ties go to the lower
     * index), zero elsewhere. Taking the softmax over the kept experts only is the same as "softmax, keep the k
     * largest, renormalise". {@code keep} is scratch of length at least k.
     */
    void weightsFromDistances(double[] d, int k, double[] out, int off, boolean[] keep) {
        double inv = 1.0 / temperature;
        for (int j = 0; j < k; j++) {
            out[off + j] = -distance.apply(d[j]) * inv;
        }
        softmaxTopK(out, off, k, effectiveTopK(k), keep);
    }

    /**
     * In place: {@code out[off..off+k)} holds scores (log-weights up to a constant); replaces them with the softmax
     * over the {@code keep} largest scores (ties to the lower index) and zero elsewhere.
     */
    static void softmaxTopK(double[] s, int off, int k, int top, boolean[] keep) {
        if (top >= k) {
            java.util.Arrays.fill(keep, 0, k, true);
        } else {
            java.util.Arrays.fill(keep, 0, k, false);
            for (int r = 0; r < top; r++) {
                int best = -1;
                double bestS = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    if (!keep[j] && (best < 0 || s[off + j] > bestS)) {
                        best = j;
                        bestS = s[off + j];
                    }
                }
                keep[best] = true;
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            if (keep[j] && s[off + j] > max) {
                max = s[off + j];
            }
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double w = keep[j] ? Math.exp(s[off + j] - max) : 0;
            s[off + j] = w;
            sum += w;
        }
        double inv = 1 / sum;
        for (int j = 0; j < k; j++) {
            s[off + j] *= inv;
        }
    }
}
