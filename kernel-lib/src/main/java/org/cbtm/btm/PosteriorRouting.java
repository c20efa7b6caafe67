package org.cbtm.btm;

import org.cbtm.route.Router;
import org.cbtm.route.RoutingSpec;

/**
 * BTM's domain-posterior routing as a routing spec of an experiment grid (methods 2): the router weighs the run's
 * own experts by their likelihood of the prefix under a uniform prior ({@link PosteriorRouter}). It needs no
 * centres, so it routes any partition: metadata domains, learned clusters and random splits alike. (The cached
 * prior needs held-out data per target domain and is set on the router itself, {@link PosteriorRouter#withDomainPriors}.)
 *
 * @param form the posterior form (the paper's prefix likelihood or the reference's previous token)
 * @param topK experts kept per position ({@link RoutingSpec#ALL} for every expert)
 */
public record PosteriorRouting(PosteriorForm form, int topK) implements RoutingSpec {

    public PosteriorRouting {
        if (form == null) {
            throw new IllegalArgumentException("posterior routing needs its form (PREFIX or PREVIOUS_TOKEN)");
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1 (RoutingSpec.ALL keeps every expert), got " + topK);
        }
    }

    /** The paper's: cumulative prefix likelihood, uniform prior, every expert kept. */
    public static PosteriorRouting paper() {
        return new PosteriorRouting(PosteriorForm.PREFIX, ALL);
    }

    @Override
    public String name() {
        return form == PosteriorForm.PREFIX ? "posterior" : "posterior (previous token)";
    }

    @Override
    public PosteriorRouting withTopK(int k) {
        return new PosteriorRouting(form, k);
    }

    public PosteriorRouting withForm(PosteriorForm f) {
        return new PosteriorRouting(f, topK);
    }

    @Override
    public Router build(Context context) {
        var experts = context.experts().get();
        if (experts.size() != context.k()) {
            throw new IllegalArgumentException("posterior routing over K = " + context.k() + " got " + experts.size()
                    + " experts");
        }
        return PosteriorRouter.uniform(experts).withForm(form).withTopK(Math.min(topK, context.k()));
    }

    @Override
    public String distance() {
        return form.label();
    }
}
