package org.cbtm.experiment;

import java.util.Optional;

import org.cbtm.base.Tokens;
import org.cbtm.cluster.PartitionSpec;
import org.cbtm.eval.ResultColumns;
import org.cbtm.route.CentroidRouting;
import org.cbtm.route.RoutingConfig;
import org.cbtm.route.RoutingSpec;
import org.cbtm.train.ExpertKind;

/**
 * One point of a C-BTM experiment grid: how the training data is split, into how many experts, with which budget
 * and expert kind, and how the ensemble is routed at evaluation. K = 1 is the dense baseline whatever the
 * partition (one expert trained on everything with the whole budget). Every axis is a strategy object, so a new
 * partition, expert kind or router is a new class, not a new case here.
 *
 * <pre>{@code
 * CbtmConfig c = CbtmConfig.balanced(4, Presets.ngram(), 500_000).withTopK(2).withTemperature(0.5);
 * CbtmConfig dense = CbtmConfig.dense(Presets.ngram(), 500_000);
 * }</pre>
 *
 * @param partition   how the training mixture is split into K parts (balanced k-means, random, metadata, ...)
 * @param k           number of parts (= experts)
 * @param totalTokens expert training tokens of the whole run, split equally (methods 1.3); a kind with a seed
 *                    says its seed's tokens itself
 * @param expert      the expert kind
 * @param routing     how the ensemble routes (the paper's centroid router by default)
 * @param seed        seed of the partition and of random routing
 */
public record CbtmConfig(PartitionSpec partition, int k, long totalTokens, ExpertKind expert, RoutingSpec routing,
                         long seed) {

    public CbtmConfig {
        if (partition == null || expert == null || routing == null) {
            throw new IllegalArgumentException("a C-BTM config needs a partition, an expert kind and a routing spec");
        }
        if (k < 1) {
            throw new IllegalArgumentException("K must be at least 1, got " + k + " (K = 1 is the dense baseline)");
        }
        if (totalTokens < k) {
            throw new IllegalArgumentException("a budget (totalTokens) of " + totalTokens + " tokens cannot be split over K = "
                    + k + " experts: raise the budget to at least K tokens or lower K");
        }
        long floor = expert.minTokensPerExpert();
        if (totalTokens / k < floor) {
            throw new IllegalArgumentException("a budget (totalTokens) of " + totalTokens + " tokens gives each of the K = "
                    + k + " " + expert.name() + " experts " + totalTokens / k + " tokens, fewer than the " + floor
                    + " they need to mean anything: raise the budget to at least " + Math.multiplyExact(floor, (long) k)
                    + " tokens or lower K");
        }
        if (routing.topK() != RoutingSpec.ALL && routing.topK() > k) {
            throw new IllegalArgumentException("top-k " + routing.topK() + " is more than K = " + k + " experts: use "
                    + "withTopK(1.." + k + "), or withAllExperts() to keep every expert");
        }
    }

    /** The dense baseline: one expert trained on the whole mixture with the whole budget. */
    public static CbtmConfig dense(ExpertKind expert, long budget) {
        return balanced(1, expert, budget);
    }

    /** C-BTM as in the paper: balanced k-means into {@code k} clusters, every expert kept, T = 0.1, seed 0. */
    public static CbtmConfig balanced(int k, ExpertKind expert, long budget) {
        return new CbtmConfig(PartitionSpec.balanced(), k, budget, expert, CentroidRouting.paper(), 0L);
    }

    /** Unbalanced k-means (the balancing ablation), paper routing. */
    public static CbtmConfig unbalanced(int k, ExpertKind expert, long budget) {
        return balanced(k, expert, budget).withPartition(PartitionSpec.unbalanced());
    }

    /** Random clusters (the baseline), routed at random with the same top-k. */
    public static CbtmConfig random(int k, ExpertKind expert, long budget) {
        return balanced(k, expert, budget).withPartition(PartitionSpec.random());
    }

    public CbtmConfig withPartition(PartitionSpec p) {
        return new CbtmConfig(p, k, totalTokens, expert, routing, seed);
    }

    public CbtmConfig withK(int newK) {
        return new CbtmConfig(partition, newK, totalTokens, expert, routing, seed);
    }

    /** The same run with another budget (expert training tokens of all experts together). */
    public CbtmConfig withBudget(long tokens) {
        return new CbtmConfig(partition, k, tokens, expert, routing, seed);
    }

    public CbtmConfig withExpert(ExpertKind kind) {
        return new CbtmConfig(partition, k, totalTokens, kind, routing, seed);
    }

    public CbtmConfig withRouting(RoutingSpec r) {
        return new CbtmConfig(partition, k, totalTokens, expert, r, seed);
    }

    /** Centroid routing with these settings (top-k, temperature, distance form). */
    public CbtmConfig withRouting(RoutingConfig r) {
        return withRouting(new CentroidRouting(r));
    }

    /** Keeps the {@code topK} largest routing weights per position ({@link RoutingSpec#ALL} keeps every expert). */
    public CbtmConfig withTopK(int topK) {
        return withRouting(routing.withTopK(topK));
    }

    /** Keeps every expert. */
    public CbtmConfig withAllExperts() {
        return withTopK(RoutingSpec.ALL);
    }

    /** The centroid router's temperature. */
    public CbtmConfig withTemperature(double t) {
        return withRouting(centroid().withTemperature(t));
    }

    /** The centroid router's distance form. */
    public CbtmConfig withDistance(RoutingConfig.DistanceForm form) {
        return withRouting(centroid().withDistance(form));
    }

    private CentroidRouting centroid() {
        if (routing instanceof CentroidRouting c) {
            return c;
        }
        throw new IllegalArgumentException("temperature and distance are settings of centroid routing; this config "
                + "routes with " + routing.describe());
    }

    public CbtmConfig withSeed(long s) {
        return new CbtmConfig(partition, k, totalTokens, expert, routing, s);
    }

    /** The dense baseline this config is compared with: K = 1, same budget and expert kind. */
    public boolean isDense() {
        return k == 1;
    }

    /** The method's name in tables: "dense" for K = 1, else the partition's ("balanced", "random", ...). */
    public String method() {
        return isDense() ? "dense" : partition.name();
    }

    /** The budget of every expert (methods 1.3: total / K). */
    public long budgetPerExpert() {
        return totalTokens / k;
    }

    /** "all" or the number of experts kept, as tables show it. */
    public String topKText() {
        return ResultColumns.topKText(routing.topK(), k);
    }

    /** Why this config's budget is too small to mean much for its expert kind, if it is. */
    public Optional<String> budgetWarning() {
        return expert.budgetWarning(budgetPerExpert());
    }

    /** A short label: "balanced K=4 kn4 500k top-2". */
    public String label() {
        String split = isDense() ? "dense" : partition.name() + " K=" + k;
        String top = routing.topK() >= k ? "" : " top-" + routing.topK();
        return split + " " + expert.name() + " " + Tokens.human(totalTokens) + top;
    }
}
