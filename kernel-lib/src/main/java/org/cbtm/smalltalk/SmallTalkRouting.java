package org.cbtm.smalltalk;

import org.cbtm.route.Router;
import org.cbtm.route.RoutingSpec;

/**
 * SmallTalk's routing as a routing spec of an experiment grid (methods 3): a hard, sequence-level
 * {@link PrefixRouter} over the partition's router LMs ({@code scorer = ROUTER_LMS}) or, for the comparison, over
 * tf-idf centroids of the same parts ({@code scorer = TFIDF}). Needs a {@link RouterLmPartition}. One expert per
 * sequence, so top-k is always 1.
 *
 * @param scorer       what scores the prefix
 * @param prefixLength M at inference; 0 uses the EM's M
 * @param form         how positions inside the prefix are routed (the causal default keeps the Router contract)
 */
public record SmallTalkRouting(Scorer scorer, int prefixLength, PrefixForm form) implements RoutingSpec {

    /** What scores the routing prefix. */
    public enum Scorer { ROUTER_LMS, TFIDF }

    public SmallTalkRouting {
        if (scorer == null || form == null) {
            throw new IllegalArgumentException("SmallTalk routing needs a scorer and a prefix form");
        }
        if (prefixLength < 0) {
            throw new IllegalArgumentException("the routing prefix M must be >= 1 (0: the EM's M), got " + prefixLength);
        }
    }

    /** The paper's: router LMs on the EM's M, causal within the prefix. */
    public static SmallTalkRouting paper() {
        return new SmallTalkRouting(Scorer.ROUTER_LMS, 0, PrefixForm.CAUSAL);
    }

    /** tf-idf centroid routing of the same parts. */
    public static SmallTalkRouting tfidf() {
        return new SmallTalkRouting(Scorer.TFIDF, 0, PrefixForm.CAUSAL);
    }

    public SmallTalkRouting withPrefixLength(int m) {
        return new SmallTalkRouting(scorer, m, form);
    }

    public SmallTalkRouting withForm(PrefixForm f) {
        return new SmallTalkRouting(scorer, prefixLength, f);
    }

    @Override
    public String name() {
        return scorer == Scorer.ROUTER_LMS ? "router-lm" : "tf-idf prefix";
    }

    @Override
    public int topK() {
        return 1;
    }

    @Override
    public SmallTalkRouting withTopK(int k) {
        if (k != 1) {
            throw new IllegalArgumentException("SmallTalk routes every sequence to one expert: top-k is 1, not " + k);
        }
        return this;
    }

    @Override
    public Router build(Context context) {
        if (!(context.partition() instanceof RouterLmPartition p)) {
            throw new IllegalArgumentException("SmallTalk routing needs a router-LM partition (RouterLmSpec), but the "
                    + "partition is a " + context.partition().describe());
        }
        if (!p.tokenizer().sha256().equals(context.tokenizer().sha256())) {
            throw new IllegalArgumentException("the routers were trained with another tokenizer than the experts'");
        }
        int m = prefixLength == 0 ? p.em().prefixLength() : prefixLength;
        return scorer == Scorer.ROUTER_LMS ? p.router(m, form) : new PrefixRouter(p.centroidScorer(), m, form);
    }

    @Override
    public String distance() {
        return form.label();
    }

    @Override
    public String describe() {
        return name() + (prefixLength == 0 ? "" : ", M = " + prefixLength) + ", " + form.label();
    }
}
