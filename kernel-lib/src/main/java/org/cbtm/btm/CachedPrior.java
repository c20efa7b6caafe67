package org.cbtm.btm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.cbtm.eval.EvalSequence;
import org.cbtm.lm.LanguageModel;

/**
 * BTM's cached prior of one target domain (methods 2): run the updating domain posterior over a seeded sample of
 * held-out sequences of that domain (about 100), take each sequence's last-position posterior (after all its tokens,
 * computed under the current prior), average it over each batch, and smooth the batch averages with an exponential
 * moving average, {@code prior <- alpha * batchMean + (1 - alpha) * prior}, starting from the uniform prior. The
 * result is then frozen for the test run. Deterministic for a seed (the sample and its order come from it).
 *
 * @param prior     the prior over the K domains (sums to 1)
 * @param sequences held-out sequences used
 * @param batches   batches averaged
 * @param alpha     the weight of the newest batch in the moving average
 * @param form      the posterior form used
 * @param seed      the seed of the sample
 */
public record CachedPrior(double[] prior, int sequences, int batches, double alpha, PosteriorForm form, long seed) {

    /** The reference's smoothing weight. */
    public static final double REFERENCE_ALPHA = 0.3;
    /** The reference's number of held-out sequences. */
    public static final int REFERENCE_SEQUENCES = 100;

    public CachedPrior {
        prior = prior.clone();
        DomainPosterior.logOf(prior); // validates: finite, non-negative, sums to 1
        if (sequences < 1 || batches < 1) {
            throw new IllegalArgumentException("a cached prior comes from at least one sequence in one batch");
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("the moving-average weight must be in (0, 1], got " + alpha);
        }
    }

    @Override
    public double[] prior() {
        return prior.clone();
    }

    /** The domain with the largest prior (the "nearest" ELM of a new domain). */
    public int argmax() {
        int best = 0;
        for (int j = 1; j < prior.length; j++) {
            if (prior[j] > prior[best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * Estimates the prior of the domain whose held-out sequences are {@code heldOut}, under {@code experts} (one
     * per domain).
     *
     * @param maxSequences the sample size (the reference uses {@link #REFERENCE_SEQUENCES}); fewer when fewer exist
     * @param batchSize    sequences per batch
     * @param alpha        the moving-average weight of each new batch ({@link #REFERENCE_ALPHA})
     */
    public static CachedPrior estimate(List<? extends LanguageModel> experts, List<EvalSequence> heldOut,
                                       PosteriorForm form, int maxSequences, int batchSize, double alpha, long seed) {
        if (experts.isEmpty()) {
            throw new IllegalArgumentException("a cached prior needs at least one expert");
        }
        if (maxSequences < 1 || batchSize < 1) {
            throw new IllegalArgumentException("maxSequences and batchSize must be at least 1, got " + maxSequences
                    + " and " + batchSize);
        }
        List<EvalSequence> usable = new ArrayList<>();
        for (EvalSequence s : heldOut) {
            if (s.positions() > 0) {
                usable.add(s);
            }
        }
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("a cached prior needs held-out sequences of at least two tokens, got "
                    + heldOut.size() + " sequences without one");
        }
        Collections.shuffle(usable, new Random(seed));
        List<EvalSequence> sample = usable.subList(0, Math.min(maxSequences, usable.size()));
        int k = experts.size();
        double[] prior = DomainPosterior.uniform(k);
        int batches = 0;
        for (int from = 0; from < sample.size(); from += batchSize) {
            List<EvalSequence> batch = sample.subList(from, Math.min(sample.size(), from + batchSize));
            List<int[]> tokens = batch.stream().map(EvalSequence::tokens).toList();
            float[][][] lp = new float[k][][];
            for (int j = 0; j < k; j++) {
                lp[j] = experts.get(j).sequenceLogProbs(tokens).toArray(float[][]::new);
            }
            double[] logPrior = DomainPosterior.logOf(prior);
            double[] mean = new double[k];
            for (int i = 0; i < batch.size(); i++) {
                float[][] one = new float[k][];
                for (int j = 0; j < k; j++) {
                    one[j] = lp[j][i];
                }
                double[] post = DomainPosterior.after(logPrior, one, batch.get(i).positions(), form, k);
                for (int j = 0; j < k; j++) {
                    mean[j] += post[j] / batch.size();
                }
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                prior[j] = alpha * mean[j] + (1 - alpha) * prior[j];
                sum += prior[j];
            }
            for (int j = 0; j < k; j++) {
                prior[j] /= sum; // against rounding drift
            }
            batches++;
        }
        return new CachedPrior(prior, sample.size(), batches, alpha, form, seed);
    }

    /** The reference's settings: 100 sequences, alpha 0.3, the paper's prefix form. */
    public static CachedPrior reference(List<? extends LanguageModel> experts, List<EvalSequence> heldOut,
                                        int batchSize, long seed) {
        return estimate(experts, heldOut, PosteriorForm.PREFIX, REFERENCE_SEQUENCES, batchSize, REFERENCE_ALPHA, seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CachedPrior c && Arrays.equals(prior, c.prior) && sequences == c.sequences
                && batches == c.batches && alpha == c.alpha && form == c.form && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prior) * 31 + Long.hashCode(seed);
    }

    @Override
    public String toString() {
        return "cached prior " + Arrays.toString(prior) + " (" + sequences + " sequences, " + batches + " batches, alpha "
                + alpha + ", " + form.label() + ")";
    }
}
