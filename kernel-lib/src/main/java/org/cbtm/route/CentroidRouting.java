package org.cbtm.route;

import java.util.Locale;

import org.cbtm.cluster.ClusterModel;
import org.cbtm.cluster.RandomPartition;

/**
 * C-BTM's routing (methods 1.4): weights from the distance of the prefix's embedding to each cluster centre,
 * {@code softmax(-d/T)} over the top-k. A partition without centres is the random-cluster baseline, which the paper
 * routes at random with the same top-k; any other partition has no centres to route by and is refused.
 *
 * @param config top-k, temperature and distance form
 */
public record CentroidRouting(RoutingConfig config) implements RoutingSpec {
    public CentroidRouting {
        if (config == null) {
            throw new IllegalArgumentException("centroid routing needs its RoutingConfig");
        }
    }

    /** The paper's routing: every expert, T = 0.1, {@code softmax(-d/T)}. */
    public static CentroidRouting paper() {
        return new CentroidRouting(RoutingConfig.paper());
    }

    @Override
    public String name() {
        return "centroid";
    }

    @Override
    public int topK() {
        return config.topK();
    }

    @Override
    public CentroidRouting withTopK(int k) {
        return new CentroidRouting(config.withTopK(k));
    }

    public CentroidRouting withTemperature(double t) {
        return new CentroidRouting(config.withTemperature(t));
    }

    public CentroidRouting withDistance(RoutingConfig.DistanceForm form) {
        return new CentroidRouting(config.withDistance(form));
    }

    @Override
    public double temperature() {
        return config.temperature();
    }

    @Override
    public String distance() {
        return config.distance().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public Router build(Context c) {
        if (c.partition() instanceof ClusterModel m) {
            return new CentroidRouter(m, c.tokenizer(), config);
        }
        if (c.partition() instanceof RandomPartition) {
            return new RandomRouter(c.k(), config.effectiveTopK(c.k()), c.seed());
        }
        throw new IllegalArgumentException("centroid routing needs cluster centres, but the partition is a "
                + c.partition().describe() + ": give this config a routing spec that fits its partition");
    }

    @Override
    public String describe() {
        return "centroid " + config.describe();
    }
}
