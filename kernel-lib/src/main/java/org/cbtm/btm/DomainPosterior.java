package org.cbtm.btm;

import java.util.Arrays;

import org.cbtm.route.RoutingWeights;

/**
 * The arithmetic of BTM's domain posterior (methods 2), on the experts' per-position log-probabilities
 * ({@code lp[j][i] = log p_j(x_{i+1} | x_<=i)}, as {@code LanguageModel.sequenceLogProbs} returns them): the weights
 * that predict token {@code r+1} (row r) are {@code softmax_j(log prior_j + L_j(r))} over the top-k, where
 * {@code L_j(r) = sum_{i<r} lp[j][i]} (the prefix form) or {@code lp[j][r-1]} (the previous-token form), and
 * {@code L_j(0) = 0}. Row r never reads {@code lp[.][r]} or later: the score of the token being predicted is not
 * evidence about its own domain.
 */
public final class DomainPosterior {

    private DomainPosterior() {
    }

    /** The {@code positions x K} weights of one sequence. */
    public static RoutingWeights weights(double[] logPrior, float[][] lp, int positions, PosteriorForm form, int topK) {
        int k = check(logPrior, lp, positions, topK);
        double[] out = new double[positions * k];
        double[] cumulative = new double[k];
        double[] scores = new double[k];
        boolean[] keep = new boolean[k];
        for (int r = 0; r < positions; r++) {
            for (int j = 0; j < k; j++) {
                double evidence = form == PosteriorForm.PREFIX ? cumulative[j] : (r == 0 ? 0 : lp[j][r - 1]);
                scores[j] = logPrior[j] + evidence;
            }
            softmaxTopK(scores, topK, keep);
            System.arraycopy(scores, 0, out, r * k, k);
            // only now, after row r is fixed, token r+1's score joins the prefix of the next row
            for (int j = 0; j < k; j++) {
                cumulative[j] += lp[j][r];
            }
        }
        return new RoutingWeights(positions, k, out);
    }

    /**
     * The posterior after a whole context of {@code positions + 1} tokens (the weights of the token that follows
     * it): row {@code positions} of {@link #weights} if the sequence were one token longer.
     */
    public static double[] after(double[] logPrior, float[][] lp, int positions, PosteriorForm form, int topK) {
        int k = check(logPrior, lp, positions, topK);
        double[] scores = new double[k];
        for (int j = 0; j < k; j++) {
            double evidence = 0;
            if (form == PosteriorForm.PREFIX) {
                for (int i = 0; i < positions; i++) {
                    evidence += lp[j][i];
                }
            } else if (positions > 0) {
                evidence = lp[j][positions - 1];
            }
            scores[j] = logPrior[j] + evidence;
        }
        softmaxTopK(scores, topK, new boolean[k]);
        return scores;
    }

    /** Log of a probability vector (zeros become -infinity); the vector must be a distribution. */
    public static double[] logOf(double[] prior) {
        double sum = 0;
        for (double p : prior) {
            if (!(p >= 0) || Double.isInfinite(p)) {
                throw new IllegalArgumentException("a prior needs finite non-negative values, got " + Arrays.toString(prior));
            }
            sum += p;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("a prior must sum to 1, got " + sum + " for " + Arrays.toString(prior));
        }
        double[] out = new double[prior.length];
        for (int j = 0; j < prior.length; j++) {
            out[j] = Math.log(prior[j]);
        }
        return out;
    }

    /** The uniform distribution over {@code k} domains. */
    public static double[] uniform(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("a posterior needs at least one domain, got " + k);
        }
        double[] p = new double[k];
        Arrays.fill(p, 1.0 / k);
        return p;
    }

    /**
     * In place: scores (log-weights up to a constant) become the softmax over the {@code top} largest (ties to the
     * lower index), zero elsewhere. Scores that are all -infinity among the kept give the kept equal weights.
     */
    static void softmaxTopK(double[] s, int top, boolean[] keep) {
        int k = s.length;
        if (top >= k) {
            Arrays.fill(keep, true);
        } else {
            Arrays.fill(keep, false);
            for (int r = 0; r < top; r++) {
                int best = -1;
                for (int j = 0; j < k; j++) {
                    if (!keep[j] && (best < 0 || s[j] > s[best])) {
                        best = j;
                    }
                }
                keep[best] = true;
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        int kept = 0;
        for (int j = 0; j < k; j++) {
            if (keep[j]) {
                kept++;
                max = Math.max(max, s[j]);
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            for (int j = 0; j < k; j++) {
                s[j] = keep[j] ? 1.0 / kept : 0;
            }
            return;
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double w = keep[j] ? Math.exp(s[j] - max) : 0;
            s[j] = w;
            sum += w;
        }
        for (int j = 0; j < k; j++) {
            s[j] /= sum;
        }
    }

    private static int check(double[] logPrior, float[][] lp, int positions, int topK) {
        int k = logPrior.length;
        if (k < 1 || lp.length != k) {
            throw new IllegalArgumentException("the posterior needs one prior value and one score row per expert: "
                    + k + " prior values, " + lp.length + " experts' scores");
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
        }
        for (int j = 0; j < k; j++) {
            if (lp[j] == null || lp[j].length < positions) {
                throw new IllegalArgumentException("expert " + j + " has " + (lp[j] == null ? 0 : lp[j].length)
                        + " scores for " + positions + " positions");
            }
        }
        return k;
    }
}
