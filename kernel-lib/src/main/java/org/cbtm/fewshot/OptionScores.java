package org.cbtm.fewshot;

import java.util.Objects;

/**
 * The scores of a task's options after one prompt.
 *
 * @param logProbs the natural-log probability of each option (summed over its tokens), in label order
 * @param weights  for an ensemble, the experts' weights for this prompt (after any top-k); null for a single model
 */
public record OptionScores(double[] logProbs, double[] weights) {

    public OptionScores {
        Objects.requireNonNull(logProbs, "logProbs");
    }

    /** Scores of a single model. */
    public static OptionScores of(double[] logProbs) {
        return new OptionScores(logProbs, null);
    }

    /** The best option (the first of equal ones). */
    public int best() {
        return argmax(logProbs);
    }

    /** The expert with the largest weight (the first of equal ones), or -1 for a single model. */
    public int topExpert() {
        return weights == null ? -1 : argmax(weights);
    }

    /** The largest weight, or NaN for a single model. */
    public double topWeight() {
        return weights == null ? Double.NaN : weights[argmax(weights)];
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
