package org.cbtm.route;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.cbtm.eval.EvalSequence;

/**
 * The routing of the random-cluster baseline (methods 1.2: "at evaluation, routing weights for random clusters are
 * random too"): one random weight vector per document, uniform on the simplex (normalised Exp(1) draws), then the
 * top-k renormalised; with top-1 that is one expert drawn uniformly. The draw is a seeded hash of the document's
 * id, or of its tokens when it has no id, so it does not depend on evaluation order or threads. Without an id a
 * prefix and its document hash differently, so {@link #nextWeights} of a prefix matches {@link #route} rows only
 * for sequences with an id.
 *
 * @param numExperts K
 * @param topK       experts kept per document ({@link RoutingConfig#ALL} for all)
 * @param seed       the seed
 */
public record RandomRouter(int numExperts, int topK, long seed) implements Router {

    public RandomRouter {
        if (numExperts < 1) {
            throw new IllegalArgumentException("a router needs at least one expert, got " + numExperts);
        }
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1, got " + topK);
        }
    }

    @Override
    public int maxActiveExperts() {
        return Math.min(topK, numExperts);
    }

    @Override
    public RoutingWeights route(EvalSequence sequence) {
        return RoutingWeights.constant(sequence.positions(), nextWeights(sequence));
    }

    @Override
    public double[] nextWeights(EvalSequence context) {
        SplittableRandom rng = new SplittableRandom(mix(seed ^ documentHash(context)));
        double[] s = new double[numExperts];
        for (int j = 0; j < numExperts; j++) {
            // log of an Exp(1) draw: softmax of these is a uniform point on the simplex
            s[j] = Math.log(-Math.log(1 - rng.nextDouble()));
        }
        RoutingConfig.softmaxTopK(s, 0, numExperts, maxActiveExperts(), new boolean[numExperts]);
        return s;
    }

    private static long documentHash(EvalSequence seq) {
        long h = 0xcbf29ce484222325L;
        if (!seq.id().isEmpty()) {
            for (byte b : seq.id().getBytes(StandardCharsets.UTF_8)) {
                h = (h ^ (b & 0xff)) * 0x100000001B3L;
            }
        } else {
            for (int t : seq.tokens()) {
                h = (h ^ t) * 0x100000001B3L;
            }
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public long inferenceParameters() {
        return 0;
    }

    @Override
    public String name() {
        return "random " + (topK >= numExperts ? "all" : "top-" + topK);
    }
}
