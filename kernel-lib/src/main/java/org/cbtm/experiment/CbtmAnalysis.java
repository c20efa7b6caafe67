package org.cbtm.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.cbtm.cluster.ClusterAnalytics;
import org.cbtm.cluster.RandomPartition;
import org.cbtm.cluster.FittedPartition;
import org.cbtm.corpus.Document;
import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.train.ComputeAccount;
import org.cbtm.eval.EvalConfig;
import org.cbtm.eval.EvalSequence;
import org.cbtm.eval.Perplexity;
import org.cbtm.eval.PerplexityResult;
import org.cbtm.lm.LanguageModel;
import org.cbtm.route.OracleRouter;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Measurements on the artifacts of a {@link CbtmExperiment} grid point that the grid's own evaluation does not make:
 * the oracle router (each test document scored by the expert of its own cluster), the expert x cluster perplexity
 * matrix (claim 6 of methods 1.6), the sizes of the clusters the experts were trained on, and the agreement of the
 * clusters with the sources (claim 9). The experts come from the experiment's cache (trained if missing); these
 * evaluations are not cached themselves (they take seconds with n-gram experts).
 */
public final class CbtmAnalysis {

    private CbtmAnalysis() {
    }

    /** The evaluation settings of the notebooks: test documents truncated to {@link Presets#evalContext()} tokens. */
    public static EvalConfig evalConfig() {
        return evalConfig(Presets.evalContext());
    }

    /** Truncation to {@code contextLength} tokens, all cores, no progress bar. */
    public static EvalConfig evalConfig(int contextLength) {
        return EvalConfig.defaults().withContextLength(contextLength).withProgress(false)
                .withThreads(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Perplexity of the config's experts under the {@link OracleRouter}: each test document is scored by the expert
     * of its own cluster (the nearest centre of the whole document), an upper reference for a router that sees only
     * the prefix. Needs learned (k-means) clusters or metadata parts: a random split has no cluster a document "belongs" to.
     */
    public static PerplexityResult oracle(CbtmExperiment exp, CbtmConfig c, EvalConfig eval) {
        requireLearnedParts(exp, c, "the oracle router");
        List<LanguageModel> experts = exp.experts(c).loadAll();
        try {
            SparseEnsemble oracle = new SparseEnsemble(experts, new OracleRouter(c.k()), "oracle " + c.label());
            return Perplexity.evaluate(oracle, exp.testSequences(c), eval);
        } finally {
            experts.forEach(LanguageModel::close);
        }
    }

    /**
     * The expert x cluster perplexity matrix: every expert of the config scored alone on the test documents of every
     * cluster (documents labelled by the config's partition). One row per (expert, cluster): expert, cluster,
     * documents, tokens, perplexity, and {@code ratio_to_best}, the perplexity over the best expert's on that cluster
     * (1 on the best).
     */
    public static Table expertByCluster(CbtmExperiment exp, CbtmConfig c, EvalConfig eval) {
        requireLearnedParts(exp, c, "the expert x cluster matrix");
        List<EvalSequence> docs = exp.testSequences(c);
        int k = c.k();
        double[][] ppl = new double[k][k];
        int[] documents = new int[k];
        long[] tokens = new long[k];
        List<LanguageModel> experts = exp.experts(c).loadAll();
        try {
            for (int e = 0; e < k; e++) {
                PerplexityResult r = Perplexity.evaluate(experts.get(e), docs, eval);
                Arrays.fill(ppl[e], Double.NaN);
                Table byCluster = r.byCluster(ComputeAccount.unknown());
                for (int i = 0; i < byCluster.rowCount(); i++) {
                    int cl = byCluster.intColumn("cluster").getInt(i);
                    if (cl >= 0 && cl < k) {
                        ppl[e][cl] = byCluster.doubleColumn("perplexity").getDouble(i);
                        documents[cl] = byCluster.intColumn("documents").getInt(i);
                        tokens[cl] = byCluster.longColumn("tokens").getLong(i);
                    }
                }
            }
        } finally {
            experts.forEach(LanguageModel::close);
        }
        IntColumn expert = IntColumn.create("expert");
        IntColumn cluster = IntColumn.create("cluster");
        IntColumn nDocs = IntColumn.create("documents");
        LongColumn nTokens = LongColumn.create("tokens");
        DoubleColumn perplexity = DoubleColumn.create("perplexity");
        DoubleColumn ratio = DoubleColumn.create("ratio_to_best");
        for (int cl = 0; cl < k; cl++) {
            double best = Double.POSITIVE_INFINITY;
            for (int e = 0; e < k; e++) {
                best = Math.min(best, ppl[e][cl]);
            }
            if (documents[cl] == 0) {
                continue; // no test document in this cluster: nothing to compare
            }
            for (int e = 0; e < k; e++) {
                expert.append(e);
                cluster.append(cl);
                nDocs.append(documents[cl]);
                nTokens.append(tokens[cl]);
                perplexity.append(ppl[e][cl]);
                ratio.append(ppl[e][cl] / best);
            }
        }
        return Table.create("expert x cluster perplexity, " + c.label(), expert, cluster, nDocs, nTokens, perplexity, ratio);
    }

    /**
     * Sizes of the clusters the experts of each config train on (the experiment's training documents assigned to the
     * nearest centre), relative to the balanced share N / K: one row per config with clustering, k, min, median,
     * max (relative sizes) and {@code range} = max - min.
     */
    public static Table clusterSizes(CbtmExperiment exp, List<CbtmConfig> configs) {
        StringColumn clustering = StringColumn.create("clustering");
        IntColumn k = IntColumn.create("k");
        DoubleColumn min = DoubleColumn.create("min");
        DoubleColumn median = DoubleColumn.create("median");
        DoubleColumn max = DoubleColumn.create("max");
        DoubleColumn range = DoubleColumn.create("range");
        for (CbtmConfig c : configs) {
            int[] counts = ClusterAnalytics.counts(assignment(exp, c), c.k());
            double share = (double) exp.trainDocuments().size() / c.k();
            double[] rel = Arrays.stream(counts).mapToDouble(n -> n / share).sorted().toArray();
            clustering.append(name(c));
            k.append(c.k());
            min.append(rel[0]);
            median.append(rel.length % 2 == 1 ? rel[rel.length / 2] : (rel[rel.length / 2 - 1] + rel[rel.length / 2]) / 2);
            max.append(rel[rel.length - 1]);
            range.append(rel[rel.length - 1] - rel[0]);
        }
        return Table.create("cluster sizes relative to N/K", clustering, k, min, median, max, range);
    }

    /**
     * Agreement of each config's partition of the training documents with their sources: one row per config with
     * clustering, k, nmi, ari and purity ({@link ClusterAnalytics}).
     */
    public static Table sourceAgreement(CbtmExperiment exp, List<CbtmConfig> configs) {
        List<String> sources = exp.trainDocuments().stream().map(Document::source).toList();
        StringColumn clustering = StringColumn.create("clustering");
        IntColumn k = IntColumn.create("k");
        DoubleColumn nmi = DoubleColumn.create("nmi");
        DoubleColumn ari = DoubleColumn.create("ari");
        DoubleColumn purity = DoubleColumn.create("purity");
        for (CbtmConfig c : configs) {
            int[] a = assignment(exp, c);
            clustering.append(name(c));
            k.append(c.k());
            nmi.append(ClusterAnalytics.nmi(a, sources));
            ari.append(ClusterAnalytics.adjustedRandIndex(a, sources));
            purity.append(ClusterAnalytics.purity(a, sources));
        }
        return Table.create("clusters vs sources", clustering, k, nmi, ari, purity);
    }

    /**
     * How much of its budget each config's experts could use: one row per config with run, budget per expert, tokens
     * counted (n-gram experts count their cluster once, at most their budget, so an expert whose cluster is smaller
     * than its budget counts fewer tokens; transformer experts repeat their data and see the whole budget) and the
     * number of experts below their budget.
     */
    public static Table dataUse(CbtmExperiment exp, List<CbtmConfig> configs) {
        StringColumn run = StringColumn.create("run");
        LongColumn perExpert = LongColumn.create("budget per expert");
        LongColumn counted = LongColumn.create("tokens counted");
        DoubleColumn share = DoubleColumn.create("share of budget");
        IntColumn shortExperts = IntColumn.create("experts below budget");
        for (CbtmConfig c : configs) {
            var experts = exp.experts(c);
            long total = 0;
            int below = 0;
            for (int e = 0; e < experts.k(); e++) {
                long used = experts.tokensTrained(e);
                total += used;
                below += used < experts.budgetPerExpert() ? 1 : 0;
            }
            run.append(c.label());
            perExpert.append(experts.budgetPerExpert());
            counted.append(total);
            share.append((double) total / (experts.budgetPerExpert() * experts.k()));
            shortExperts.append(below);
        }
        return Table.create("data used by the experts", run, perExpert, counted, share, shortExperts);
    }

    /** The cluster of every training document under the config's partition. */
    public static int[] assignment(CbtmExperiment exp, CbtmConfig c) {
        FittedPartition p = exp.partition(c);
        List<Document> train = exp.trainDocuments();
        return p.assign(train);
    }

    private static String name(CbtmConfig c) {
        return c.method();
    }

    /** A random split has no cluster a document "belongs" to; learned (k-means) or metadata parts do. */
    private static void requireLearnedParts(CbtmExperiment exp, CbtmConfig c, String what) {
        if (c.isDense() || exp.partition(c) instanceof RandomPartition) {
            throw new IllegalArgumentException(what + " needs learned clusters (or metadata parts) with K > 1, got "
                    + c.label());
        }
    }

    /**
     * Results of {@link #oracle} as rows that can sit beside grid rows in {@link ResultTables#curves} and
     * {@link ResultTables#perplexityByK}: clustering ("oracle (balanced)"), k, budget, perplexity.
     */
    public static Table oracleTable(List<CbtmConfig> configs, List<PerplexityResult> results) {
        if (configs.size() != results.size()) {
            throw new IllegalArgumentException(configs.size() + " configs but " + results.size() + " results");
        }
        StringColumn clustering = StringColumn.create("clustering");
        IntColumn k = IntColumn.create("k");
        LongColumn budget = LongColumn.create("budget");
        DoubleColumn ppl = DoubleColumn.create("perplexity");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            CbtmConfig c = configs.get(i);
            names.add("oracle (" + name(c) + ")");
            k.append(c.k());
            budget.append(c.totalTokens());
            ppl.append(results.get(i).perplexity());
        }
        names.forEach(clustering::append);
        return Table.create("oracle routing", clustering, k, budget, ppl);
    }
}
