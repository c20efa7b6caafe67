package org.cbtm.route;

import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

import org.cbtm.cluster.FittedPartition;
import org.cbtm.lm.LanguageModel;
import org.cbtm.text.token.Tokenizer;

/**
 * How a run's ensemble routes (methods 1.4): the routing axis of an experiment grid. A spec builds its
 * {@link Router} from what the run has (the fitted partition, K, the tokenizer, the seed, and the experts when it
 * needs them, e.g. a BTM domain posterior) and says how many experts it keeps per position. A new router is one
 * class implementing this interface.
 *
 * <p>Specs are immutable records: they are part of every cache key (canonical JSON with the class name).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "@routing")
public interface RoutingSpec {

    /** Keep every expert. */
    int ALL = RoutingConfig.ALL;

    /** The router's short name for tables ("centroid", "uniform", ...). */
    String name();

    /** Experts kept per position ({@link #ALL}, or any value of at least K, keeps every expert). */
    int topK();

    /** The same routing keeping {@code k} experts per position. */
    RoutingSpec withTopK(int k);

    /** Builds the router of a run. */
    Router build(Context context);

    /** The softmax temperature, for tables; NaN for routers without one. */
    default double temperature() {
        return Double.NaN;
    }

    /** The distance form, for tables ("paper", "reference"); "" for routers without one. */
    default String distance() {
        return "";
    }

    /** "centroid top-2, T=0.1". */
    default String describe() {
        return name() + " " + (topK() == ALL ? "all" : "top-" + topK());
    }

    /**
     * What a routing spec can build from.
     *
     * @param partition the run's fitted partition (its centres, for the centroid router)
     * @param k         the number of experts
     * @param tokenizer the tokenizer of the experts
     * @param seed      the run's seed (for random routing)
     * @param experts   the trained experts, loaded on demand (for routers that score with them)
     */
    record Context(FittedPartition partition, int k, Tokenizer tokenizer, long seed,
                   Supplier<List<LanguageModel>> experts) {
    }
}
