package org.cbtm.route;

import java.util.Arrays;

import org.cbtm.eval.EvalSequence;

/** Every expert gets 1/K everywhere: the dense mixture of all experts, with no routing information. */
public record UniformRouter(int numExperts) implements Router {

    public UniformRouter {
        if (numExperts < 1) {
            throw new IllegalArgumentException("a router needs at least one expert, got " + numExperts);
        }
    }

    @Override
    public int maxActiveExperts() {
        return numExperts;
    }

    @Override
    public RoutingWeights route(EvalSequence sequence) {
        return RoutingWeights.constant(sequence.positions(), nextWeights(sequence));
    }

    @Override
    public double[] nextWeights(EvalSequence context) {
        double[] w = new double[numExperts];
        Arrays.fill(w, 1.0 / numExperts);
        return w;
    }

    @Override
    public long inferenceParameters() {
        return 0;
    }

    @Override
    public String name() {
        return "uniform";
    }
}
