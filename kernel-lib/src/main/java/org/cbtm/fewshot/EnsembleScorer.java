package org.cbtm.fewshot;

import java.util.Arrays;
import java.util.List;

import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalSequence;
import org.cbtm.lm.LanguageModel;
import org.cbtm.route.Router;

/**
 * An ensemble's option scores (methods 1.5): {@code log sum_k w_k p_k(option | prompt)}, computed as
 * {@code logsumexp_k(log w_k + log p_k(option | prompt))} over the experts with {@code w_k > 0}, with one weight
 * vector per prompt from {@link Router#nextWeights} of the whole prompt. The weights are taken as the router gives
 * them (its temperature and top-k; T = 1 is the reference), optionally kept to the {@code keepTop} largest and
 * renormalised (top-1: the single most likely expert). Only experts with a non-zero weight run, each once per prompt
 * through {@link LanguageModel#optionLogProbs}. Dense, C-BTM (balanced, random, top-k) and BTM ensembles differ only
 * in their experts and router.
 */
public final class EnsembleScorer implements OptionScorer {

    private final List<LanguageModel> experts;
    private final Router router;
    private final int keepTop;
    private final String name;
    private final SparseEnsemble ensemble;

    /** All of the router's weights; a generated name when {@code name} is null. */
    public EnsembleScorer(List<? extends LanguageModel> experts, Router router, String name) {
        this(experts, router, Integer.MAX_VALUE, name);
    }

    private EnsembleScorer(List<? extends LanguageModel> experts, Router router, int keepTop, String name) {
        if (keepTop < 1) {
            throw new IllegalArgumentException("keepTop must be >= 1, got " + keepTop);
        }
        // the sparse ensemble checks the experts against the router and against each other (one tokenizer) and knows
        // their shortest context: the scorer mixes the same experts, per option instead of per token
        this.ensemble = new SparseEnsemble(experts, router);
        this.experts = ensemble.experts();
        this.router = router;
        this.keepTop = keepTop;
        String kept = keepTop < this.experts.size() ? ", top-" + keepTop + " of its weights" : "";
        this.name = name != null ? name : "ensemble of " + this.experts.size() + " (" + router.name() + kept + ")";
    }

    /** The experts and router of a sparse ensemble, under its name. */
    public static EnsembleScorer of(SparseEnsemble ensemble) {
        return new EnsembleScorer(ensemble.experts(), ensemble.router(), ensemble.name());
    }

    /**
     * The same experts and router, keeping only the {@code k} largest weights of each prompt, renormalised (ties go
     * to the lower expert index); {@code name} null: a generated one.
     */
    public EnsembleScorer keepTop(int k, String name) {
        String n = name != null ? name : this.name + ", top-" + k;
        return new EnsembleScorer(experts, router, k, n);
    }

    public List<LanguageModel> experts() {
        return experts;
    }

    public Router router() {
        return router;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int vocabSize() {
        return ensemble.vocabSize();
    }

    /** The shortest context of the experts. */
    @Override
    public int contextLength() {
        return ensemble.contextLength();
    }

    /** The weights this scorer uses for {@code prompt}: the router's, kept to the top {@code keepTop}. */
    public double[] weights(EvalSequence prompt) {
        double[] w = router.nextWeights(prompt);
        if (w.length != experts.size()) {
            throw new IllegalStateException("router " + router.name() + " gave " + w.length + " weights for "
                    + experts.size() + " experts");
        }
        double sum = 0;
        for (double x : w) {
            if (!(x >= 0) || Double.isInfinite(x)) {
                throw new IllegalStateException("router " + router.name() + " gave the weights " + Arrays.toString(w));
            }
            sum += x;
        }
        if (sum <= 0) {
            throw new IllegalStateException("router " + router.name() + " selected no expert");
        }
        return keepTop >= w.length ? w : top(w, keepTop);
    }

    static double[] top(double[] w, int k) {
        Integer[] order = new Integer[w.length];
        for (int i = 0; i < w.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> w[a] != w[b] ? Double.compare(w[b], w[a]) : Integer.compare(a, b));
        double[] out = new double[w.length];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            out[order[i]] = w[order[i]];
            sum += w[order[i]];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    @Override
    public OptionScores score(EvalSequence prompt, List<int[]> options) {
        double[] w = weights(prompt);
        int n = options.size();
        double[][] lp = new double[w.length][];
        for (int j = 0; j < w.length; j++) {
            if (w[j] > 0) {
                lp[j] = experts.get(j).optionLogProbs(prompt.tokens(), options);
                if (lp[j].length != n) {
                    throw new IllegalStateException("expert " + j + " (" + experts.get(j).name() + ") scored "
                            + lp[j].length + " of " + n + " options");
                }
            }
        }
        return new OptionScores(mix(w, lp, n), w);
    }

    /** {@code logsumexp_k(log w_k + lp[k][i])} over the experts with {@code w_k > 0}, for each option i. */
    static double[] mix(double[] w, double[][] lp, int options) {
        double[] out = new double[options];
        for (int i = 0; i < options; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < w.length; j++) {
                if (w[j] > 0) {
                    max = Math.max(max, Math.log(w[j]) + lp[j][i]);
                }
            }
            if (max == Double.NEGATIVE_INFINITY) {
                out[i] = Double.NEGATIVE_INFINITY; // every selected expert gives the option probability 0
                continue;
            }
            double sum = 0;
            for (int j = 0; j < w.length; j++) {
                if (w[j] > 0) {
                    sum += Math.exp(Math.log(w[j]) + lp[j][i] - max);
                }
            }
            out[i] = max + Math.log(sum);
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
