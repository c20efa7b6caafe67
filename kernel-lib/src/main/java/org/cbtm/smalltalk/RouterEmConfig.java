package org.cbtm.smalltalk;

/**
 * The settings of SmallTalk's router training, stage 1 (methods 3).
 *
 * @param experts      E, the number of experts and routers (at least 2)
 * @param prefixLength M, the routing prefix in tokens: routers are trained and score on the first M tokens (at least 2:
 *                     one token predicts nothing)
 * @param rounds       EM rounds: each trains the routers on the current split, then re-splits a fresh sample (at least 1)
 * @param sampleSize   sequences per round's sample (capped at the corpus; at least E)
 * @param routers      what the routers are
 */
public record RouterEmConfig(int experts, int prefixLength, int rounds, int sampleSize, RouterKind routers) {

    public RouterEmConfig {
        if (experts < 2) {
            throw new IllegalArgumentException("SmallTalk needs E >= 2 experts (E = 1 is the dense model), got " + experts);
        }
        if (prefixLength < 2) {
            throw new IllegalArgumentException("the routing prefix M must be at least 2 tokens (the first token is not "
                    + "predicted, so a router scores M - 1 tokens), got " + prefixLength);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("the EM needs at least 1 round, got " + rounds);
        }
        if (sampleSize < experts) {
            throw new IllegalArgumentException("each round's sample must hold at least E = " + experts
                    + " sequences, got " + sampleSize);
        }
        if (routers == null) {
            throw new IllegalArgumentException("the EM needs a router kind (NgramRouters or TransformerRouters)");
        }
    }

    public RouterEmConfig withExperts(int e) {
        return new RouterEmConfig(e, prefixLength, rounds, sampleSize, routers);
    }

    public RouterEmConfig withPrefixLength(int m) {
        return new RouterEmConfig(experts, m, rounds, sampleSize, routers);
    }

    public RouterEmConfig withRouters(RouterKind kind) {
        return new RouterEmConfig(experts, prefixLength, rounds, sampleSize, kind);
    }

    public RouterEmConfig withRounds(int r) {
        return new RouterEmConfig(experts, prefixLength, r, sampleSize, routers);
    }
}
