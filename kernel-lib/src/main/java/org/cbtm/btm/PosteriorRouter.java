package org.cbtm.btm;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.cbtm.eval.EvalSequence;
import org.cbtm.lm.LanguageModel;
import org.cbtm.route.LikelihoodRouter;
import org.cbtm.route.RoutingWeights;

/**
 * BTM's ensemble router (methods 2): {@code p(x_t | x_<t) = sum_j p_j(x_t | x_<t) P(D=j | x_<t)} with the domain
 * posterior {@code P(D=j | x_<t) ∝ P(x_<t | D=j) P(D=j)} computed from the experts' own scores of the prefix
 * ({@link DomainPosterior}), in the paper's cumulative form or the reference's previous-token form, top-k
 * renormalised.
 *
 * <p>The prior is uniform, one fixed vector, or a {@link CachedPrior} per target domain: a sequence whose cluster
 * (its metadata domain, {@link EvalSequence#cluster()}) has a cached prior uses it, the others the default prior. That
 * is the paper's protocol: each evaluation domain's prior is estimated on held-out data of that domain and frozen.
 *
 * <p>Inside a {@link org.cbtm.ensemble.SparseEnsemble} the router receives the experts' scores (every expert runs
 * once); alone, {@link #route(EvalSequence)} and {@link #nextWeights} score the sequence with its experts. The
 * experts are not owned (not closed here). Thread-safe when the experts are.
 */
public final class PosteriorRouter implements LikelihoodRouter {

    private final List<LanguageModel> experts;
    private final PosteriorForm form;
    private final int topK;
    private final double[] logPrior;
    private final double[][] domainLogPriors; // by cluster, null entries use logPrior
    private final String priorName;
    private final long otherExpertParams;

    private PosteriorRouter(List<? extends LanguageModel> experts, PosteriorForm form, int topK, double[] logPrior,
                            double[][] domainLogPriors, String priorName) {
        this.experts = List.copyOf(Objects.requireNonNull(experts, "experts"));
        if (this.experts.isEmpty()) {
            throw new IllegalArgumentException("a domain posterior needs at least one expert");
        }
        this.form = Objects.requireNonNull(form, "form");
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
        }
        this.topK = Math.min(topK, this.experts.size());
        if (logPrior.length != this.experts.size()) {
            throw new IllegalArgumentException("a prior over " + logPrior.length + " domains for "
                    + this.experts.size() + " experts");
        }
        this.logPrior = logPrior;
        this.domainLogPriors = domainLogPriors;
        this.priorName = priorName;
        long[] sizes = this.experts.stream().mapToLong(LanguageModel::inferenceParameters).sorted().toArray();
        long rest = 0;
        for (int i = 0; i < sizes.length - this.topK; i++) {
            rest += sizes[i];
        }
        this.otherExpertParams = rest;
    }

    /** The paper's router: uniform prior, cumulative prefix likelihood, every expert kept. */
    public static PosteriorRouter uniform(List<? extends LanguageModel> experts) {
        return new PosteriorRouter(experts, PosteriorForm.PREFIX, experts.size(),
                DomainPosterior.logOf(DomainPosterior.uniform(experts.size())), null, "uniform prior");
    }

    /** The same router with another posterior form. */
    public PosteriorRouter withForm(PosteriorForm f) {
        return new PosteriorRouter(experts, f, topK, logPrior, domainLogPriors, priorName);
    }

    /** The same router keeping the {@code k} largest posterior weights per position. */
    public PosteriorRouter withTopK(int k) {
        return new PosteriorRouter(experts, form, k, logPrior, domainLogPriors, priorName);
    }

    /** The same router with one fixed prior for every sequence. */
    public PosteriorRouter withPrior(double[] prior, String name) {
        return new PosteriorRouter(experts, form, topK, DomainPosterior.logOf(prior), null, name);
    }

    /**
     * The same router with a cached prior per target domain: {@code priors.get(c)} for sequences of cluster c (null:
     * the uniform prior).
     */
    public PosteriorRouter withDomainPriors(List<CachedPrior> priors) {
        double[][] logs = new double[priors.size()][];
        for (int c = 0; c < priors.size(); c++) {
            CachedPrior p = priors.get(c);
            if (p != null) {
                if (p.prior().length != experts.size()) {
                    throw new IllegalArgumentException("the cached prior of domain " + c + " covers " + p.prior().length
                            + " domains, the router has " + experts.size() + " experts");
                }
                logs[c] = DomainPosterior.logOf(p.prior());
            }
        }
        return new PosteriorRouter(experts, form, topK, DomainPosterior.logOf(DomainPosterior.uniform(experts.size())),
                logs, "cached prior per domain");
    }

    public PosteriorForm form() {
        return form;
    }

    public List<LanguageModel> experts() {
        return experts;
    }

    /** The prior a sequence is routed with (a copy). */
    public double[] priorFor(EvalSequence sequence) {
        double[] lp = logPriorFor(sequence);
        double[] p = new double[lp.length];
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp(lp[j]);
        }
        return p;
    }

    private double[] logPriorFor(EvalSequence sequence) {
        if (domainLogPriors != null && sequence.hasCluster() && sequence.cluster() < domainLogPriors.length
                && domainLogPriors[sequence.cluster()] != null) {
            return domainLogPriors[sequence.cluster()];
        }
        return logPrior;
    }

    @Override
    public int numExperts() {
        return experts.size();
    }

    @Override
    public int maxActiveExperts() {
        return topK;
    }

    @Override
    public RoutingWeights route(EvalSequence sequence, float[][] expertLogProbs) {
        return DomainPosterior.weights(logPriorFor(sequence), expertLogProbs, sequence.positions(), form, topK);
    }

    @Override
    public RoutingWeights route(EvalSequence sequence) {
        return route(sequence, score(sequence));
    }

    @Override
    public double[] nextWeights(EvalSequence context) {
        return DomainPosterior.after(logPriorFor(context), score(context), context.positions(), form, topK);
    }

    private float[][] score(EvalSequence sequence) {
        float[][] lp = new float[experts.size()][];
        for (int j = 0; j < lp.length; j++) {
            lp[j] = sequence.length() == 0 ? new float[0] : experts.get(j).sequenceLogProbs(sequence.tokens());
        }
        return lp;
    }

    /**
     * The experts that run only to score the prefix: every expert runs for the posterior, so the parameters per
     * token are all the experts', of which the top-k selected count as the ensemble's and the rest as the router's.
     */
    @Override
    public long inferenceParameters() {
        return otherExpertParams;
    }

    @Override
    public String name() {
        String kept = topK >= experts.size() ? "all" : "top-" + topK;
        return String.format(Locale.ROOT, "domain posterior (%s, %s) %s", form.label(), priorName, kept);
    }

    @Override
    public String toString() {
        return name() + " over " + experts.size() + " experts, prior " + Arrays.toString(logPrior);
    }
}
