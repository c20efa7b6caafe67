package org.cbtm.extension;

import org.cbtm.eval.EvalSequence;
import org.cbtm.route.Router;
import org.cbtm.route.RoutingSpec;
import org.cbtm.route.RoutingWeights;

/**
 * A toy routing spec from outside the library, to show that a new router is one class: every position of a
 * document goes to expert {@code firstToken mod K} (a prefix-only rule, as every router must be).
 */
public record FirstTokenRouting() implements RoutingSpec {

    @Override
    public String name() {
        return "first-token";
    }

    @Override
    public int topK() {
        return 1;
    }

    @Override
    public RoutingSpec withTopK(int k) {
        if (k != 1) {
            throw new IllegalArgumentException("first-token routing keeps one expert");
        }
        return this;
    }

    @Override
    public Router build(Context context) {
        int k = context.k();
        return new Router() {
            @Override
            public int numExperts() {
                return k;
            }

            @Override
            public int maxActiveExperts() {
                return 1;
            }

            @Override
            public RoutingWeights route(EvalSequence sequence) {
                return RoutingWeights.constant(sequence.positions(), nextWeights(sequence));
            }

            @Override
            public double[] nextWeights(EvalSequence context) {
                double[] w = new double[k];
                w[context.tokens().length == 0 ? 0 : Math.floorMod(context.tokens()[0], k)] = 1;
                return w;
            }

            @Override
            public long inferenceParameters() {
                return 0;
            }

            @Override
            public String name() {
                return "first-token";
            }
        };
    }
}
