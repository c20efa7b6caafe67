package org.cbtm.experiment;

import org.cbtm.base.Tokens;

import org.cbtm.route.RoutingConfig;
import org.cbtm.train.ExpertKind;

/**
 * One point of a C-BTM experiment grid: how the training data is split, into how many experts, with which budget
 * and expert kind, and how the ensemble is routed at evaluation. K = 1 is the dense baseline whatever the
 * clustering (one expert trained on everything with the whole budget).
 *
 * @param clustering  balanced or unbalanced k-means on tf-idf embeddings, or a random split
 * @param k           number of clusters (= experts)
 * @param totalTokens expert training tokens of the whole run, split equally (methods 1.3)
 * @param seedTokens  tokens of the dense seed run (transformer experts; ignored by n-gram experts)
 * @param expert      the expert kind
 * @param routing     top-k, temperature and distance form of the centroid router (random clusters are routed
 *                    randomly with the same top-k)
 * @param seed        seed of the clustering and of random routing
 */
public record CbtmConfig(Clustering clustering, int k, long totalTokens, long seedTokens, ExpertKind expert,
                         RoutingConfig routing, long seed) {

    /** How the training mixture is split into K parts (methods 1.2). */
    public enum Clustering { BALANCED, UNBALANCED, RANDOM }

    public CbtmConfig {
        if (clustering == null || expert == null || routing == null) {
            throw new IllegalArgumentException("a C-BTM config needs a clustering, an expert kind and a routing config");
        }
        if (k < 1) {
            throw new IllegalArgumentException("K must be at least 1, got " + k);
        }
        if (totalTokens < k) {
            throw new IllegalArgumentException("a budget of " + totalTokens + " tokens cannot be split over " + k + " experts");
        }
        if (expert.hasSeed() && seedTokens < 1) {
            throw new IllegalArgumentException(expert.name() + " experts branch from a seed: seedTokens must be positive");
        }
        if (!expert.hasSeed()) {
            seedTokens = 0; // so that n-gram configs differing only here share their artifacts
        }
    }

    /** Balanced k-means, paper routing (top-k all, T = 0.1), seed 0. */
    public static CbtmConfig of(int k, long totalTokens, long seedTokens, ExpertKind expert) {
        return new CbtmConfig(Clustering.BALANCED, k, totalTokens, seedTokens, expert, RoutingConfig.paper(), 0L);
    }

    public CbtmConfig withClustering(Clustering c) {
        return new CbtmConfig(c, k, totalTokens, seedTokens, expert, routing, seed);
    }

    public CbtmConfig withK(int newK) {
        return new CbtmConfig(clustering, newK, totalTokens, seedTokens, expert, routing, seed);
    }

    public CbtmConfig withTotalTokens(long tokens) {
        return new CbtmConfig(clustering, k, tokens, seedTokens, expert, routing, seed);
    }

    public CbtmConfig withRouting(RoutingConfig r) {
        return new CbtmConfig(clustering, k, totalTokens, seedTokens, expert, r, seed);
    }

    public CbtmConfig withTopK(int topK) {
        return withRouting(routing.withTopK(topK));
    }

    public CbtmConfig withTemperature(double t) {
        return withRouting(routing.withTemperature(t));
    }

    public CbtmConfig withSeed(long s) {
        return new CbtmConfig(clustering, k, totalTokens, seedTokens, expert, routing, s);
    }

    /** The dense baseline this config is compared with: K = 1, same budget and expert kind. */
    public boolean isDense() {
        return k == 1;
    }

    /** A short label: "balanced K=4 kn4 590k top-2". */
    public String label() {
        String split = isDense() ? "dense" : clustering.name().toLowerCase(java.util.Locale.ROOT) + " K=" + k;
        String top = routing.topK() >= k ? "" : " top-" + routing.topK();
        return split + " " + expert.name() + " " + Tokens.human(totalTokens) + top;
    }
}
