package org.cbtm.route;

import org.cbtm.eval.EvalSequence;

/**
 * Weight 1 on the expert of the document's own cluster ({@link EvalSequence#cluster()}, the nearest centre of the
 * whole document, known only at evaluation): the upper reference for a router that must guess the cluster from
 * the prefix. Sequences without a cluster are rejected.
 */
public record OracleRouter(int numExperts) implements Router {

    public OracleRouter {
        if (numExperts < 1) {
            throw new IllegalArgumentException("a router needs at least one expert, got " + numExperts);
        }
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
        if (!context.hasCluster()) {
            throw new IllegalArgumentException("the oracle router needs the document's cluster, but " + context
                    + " has none: build the sequences with EvalSequences.of(tokenizer, documents, partition)");
        }
        if (context.cluster() >= numExperts) {
            throw new IllegalArgumentException(context + " is in cluster " + context.cluster() + " but there are only "
                    + numExperts + " experts");
        }
        double[] w = new double[numExperts];
        w[context.cluster()] = 1;
        return w;
    }

    @Override
    public long inferenceParameters() {
        return 0;
    }

    @Override
    public String name() {
        return "oracle";
    }
}
