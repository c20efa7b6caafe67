package org.cbtm.experiment;

import java.util.List;

import org.cbtm.base.HasProvenance;
import org.cbtm.base.Provenance;

import tech.tablesaw.api.Table;

/**
 * The outcome of one grid point ({@link CbtmExperiment#run}): test perplexity with the compute accounting of
 * methods 6, and the per-cluster and per-source breakdowns.
 *
 * @param config              the grid point
 * @param perplexity          test perplexity, exp(mean NLL) over all predicted tokens (micro average)
 * @param meanNll             mean NLL per predicted token (nats)
 * @param testTokens          predicted test tokens
 * @param seedTokens          tokens of the shared dense seed (0 for n-gram experts)
 * @param trainingTokens      tokens of the expert runs together (the budget compared at)
 * @param trainingFlops       6 * non-embedding parameters * training tokens of the experts (NaN for n-grams)
 * @param inferenceParameters parameters run per test token, averaged over tokens (top-k experts + router)
 * @param expertsPerToken     experts run per test token, on average
 * @param routerShare         the router's share of the ensemble's scoring time
 * @param trainSeconds        wall time of the expert runs (excludes the seed)
 * @param evalSeconds         wall time of the evaluation
 * @param device              where the experts were trained
 * @param reused              whether the result came from the artifact cache
 * @param byCluster           perplexity per assigned cluster of the test documents
 * @param bySource            perplexity per source corpus
 * @param warnings            why the result may not mean much (a budget too small for the kind, experts whose
 *                            cluster held fewer tokens than their budget); empty when none
 * @param provenance          the config, the inputs' fingerprints, the evaluation artifact, version and time
 */
public record CbtmResult(CbtmConfig config, double perplexity, double meanNll, long testTokens, long seedTokens,
                         long trainingTokens, double trainingFlops, double inferenceParameters, double expertsPerToken,
                         double routerShare, double trainSeconds, double evalSeconds, String device, boolean reused,
                         Table byCluster, Table bySource, List<String> warnings, Provenance provenance)
        implements HasProvenance {

    public CbtmResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
