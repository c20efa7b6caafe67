package org.cbtm.experiment;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.cbtm.corpus.Document;
import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalConfig;
import org.cbtm.eval.Perplexity;
import org.cbtm.eval.PerplexityResult;
import org.cbtm.lm.LanguageModel;
import org.cbtm.train.CbtmTraining;
import org.cbtm.corpus.TokenShard;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Tables of the balancing notebook (07): balanced against unbalanced clusters for the language model (claim 4 of
 * methods 1.6). They put the clusters' sizes in the assigned training mixture next to what the experts could train
 * on (every expert gets {@code budget / K} tokens, methods 1.3; an n-gram expert of a smaller cluster uses its whole
 * cluster once and no more) and next to the test perplexity, per grid point and per cluster.
 */
public final class BalancingLm {
    /** The {@code set} of the size tables: the nearest-centre assignment of the whole training mixture. */
    public static final String SET = "training mixture";

    private BalancingLm() {
    }

    /**
     * The clusters of config {@code c} in the experiment's training mixture, one row per cluster, in the columns of
     * {@code ClusterTables.sizes} (method, set, K, seed, cluster, size, relative: passages and {@code size * K / N})
     * so that {@code ClusterTables.sizeSummary} and {@code ClusterPlots.sizeBoxes} read it, plus tokens, token share
     * ({@code tokens * K / all tokens}), expert tokens (what the expert trains on: {@code min(tokens, budget / K)})
     * and budget used ({@code expert tokens / (budget / K)}; below 1 when the cluster is smaller than the share).
     */
    public static Table trainingSizes(CbtmExperiment exp, CbtmConfig c) {
        List<Document> train = exp.trainDocuments();
        TokenShard shard = exp.trainShard();
        if (shard.numDocuments() != train.size()) {
            throw new IllegalStateException((train.size() - shard.numDocuments())
                    + " training documents are empty: the sizes would not line up with the documents");
        }
        int[] assignment = exp.partition(c).assign(train);
        long[] docTokens = new long[train.size()];
        int[] starts = shard.starts();
        for (int i = 0; i < docTokens.length; i++) {
            docTokens[i] = starts[i + 1] - starts[i];
        }
        long perExpert = c.budgetPerExpert();
        return sizes(method(c), c.k(), c.seed(), assignment, docTokens, perExpert);
    }

    /** {@link #trainingSizes} from an assignment and per-document token counts. */
    static Table sizes(String method, int k, long seed, int[] assignment, long[] docTokens, long perExpert) {
        if (assignment.length != docTokens.length || assignment.length == 0) {
            throw new IllegalArgumentException(assignment.length + " assignments for " + docTokens.length + " documents");
        }
        int[] docs = new int[k];
        long[] tokens = new long[k];
        long all = 0;
        for (int i = 0; i < assignment.length; i++) {
            docs[assignment[i]]++;
            tokens[assignment[i]] += docTokens[i];
            all += docTokens[i];
        }
        Table t = Table.create("cluster sizes", StringColumn.create("method"), StringColumn.create("set"),
                IntColumn.create("K"), LongColumn.create("seed"), IntColumn.create("cluster"), IntColumn.create("size"),
                DoubleColumn.create("relative"), LongColumn.create("tokens"), DoubleColumn.create("token share"),
                LongColumn.create("expert tokens"), DoubleColumn.create("budget used"));
        for (int j = 0; j < k; j++) {
            long used = Math.min(tokens[j], perExpert);
            t.stringColumn("method").append(method);
            t.stringColumn("set").append(SET);
            t.intColumn("K").append(k);
            t.longColumn("seed").append(seed);
            t.intColumn("cluster").append(j);
            t.intColumn("size").append(docs[j]);
            t.doubleColumn("relative").append((double) docs[j] * k / assignment.length);
            t.longColumn("tokens").append(tokens[j]);
            t.doubleColumn("token share").append((double) tokens[j] * k / all);
            t.longColumn("expert tokens").append(used);
            t.doubleColumn("budget used").append((double) used / perExpert);
        }
        return fixed(t, 3);
    }

    /**
     * How much of the budget the experts could use, per method and K (over clusters and seeds of a stack of
     * {@link #trainingSizes} tables): seeds, the share of experts whose cluster is smaller than {@code budget / K}
     * tokens, the smallest budget used by one expert, and the tokens trained on by all experts together as a share
     * of the budget (mean over seeds).
     */
    public static Table budgetUse(Table sizes) {
        Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < sizes.rowCount(); i++) {
            groups.computeIfAbsent(List.of(sizes.stringColumn("method").get(i), sizes.intColumn("K").getInt(i)),
                    x -> new ArrayList<>()).add(i);
        }
        Table t = Table.create("budget use", StringColumn.create("method"), IntColumn.create("K"),
                IntColumn.create("seeds"), DoubleColumn.create("experts short of data"),
                DoubleColumn.create("min budget used"), DoubleColumn.create("tokens trained / budget"));
        for (var e : groups.entrySet()) {
            TreeSet<Long> seeds = new TreeSet<>();
            int shortOf = 0;
            double min = Double.POSITIVE_INFINITY;
            double used = 0;
            for (int i : e.getValue()) {
                seeds.add(sizes.longColumn("seed").getLong(i));
                double u = sizes.doubleColumn("budget used").getDouble(i);
                shortOf += u < 1 ? 1 : 0;
                min = Math.min(min, u);
                used += u;
            }
            int k = (Integer) e.getKey().get(1);
            t.stringColumn("method").append((String) e.getKey().get(0));
            t.intColumn("K").append(k);
            t.intColumn("seeds").append(seeds.size());
            t.doubleColumn("experts short of data").append((double) shortOf / e.getValue().size());
            t.doubleColumn("min budget used").append(min);
            // each expert's budget is 1/K of the whole: the mean over experts of "budget used" is the whole's share
            t.doubleColumn("tokens trained / budget").append(used / e.getValue().size());
        }
        fixed(t, 3);
        t.doubleColumn("experts short of data").setPrintFormatter(NumberColumnFormatter.percent(0));
        return t;
    }

    /**
     * Scores the experiment's test documents with config {@code c}'s ensemble (its experts, trained if needed, and
     * its router), keeping the per-document results (the grid's evaluation keeps only aggregates). Documents are
     * truncated to {@code contextLength} tokens, as in the grid, and labelled with {@code c}'s clusters.
     */
    public static PerplexityResult scoreDocuments(CbtmExperiment exp, CbtmConfig c, int contextLength) {
        List<LanguageModel> models = exp.experts(c).loadAll();
        try {
            SparseEnsemble ensemble = new SparseEnsemble(models, exp.router(c));
            EvalConfig ec = EvalConfig.defaults().withContextLength(contextLength).withProgress(false)
                    .withThreads(c.expert().scoringThreads());
            return Perplexity.evaluate(ensemble, exp.testSequences(c), ec);
        } finally {
            models.forEach(LanguageModel::close);
        }
    }

    /**
     * Per cluster of one config: its training side from {@link #trainingSizes} (passages, relative size, expert
     * tokens, budget used) next to its test side: the test documents assigned to it, their predicted tokens, the
     * ensemble's perplexity on them, the dense model's perplexity on the same documents, and the ratio (below 1:
     * the ensemble is better on that cluster's documents).
     *
     * @param sizes    {@link #trainingSizes} of the config
     * @param ensemble {@link #scoreDocuments} of the config (its documents carry the config's clusters)
     * @param dense    {@link #scoreDocuments} of the dense model on the same test documents
     */
    public static Table perCluster(Table sizes, PerplexityResult ensemble, PerplexityResult dense) {
        Map<String, PerplexityResult.DocumentScore> denseById = new HashMap<>();
        for (PerplexityResult.DocumentScore d : dense.documents()) {
            if (denseById.put(d.id(), d) != null) {
                throw new IllegalArgumentException("document id " + d.id() + " occurs twice");
            }
        }
        int k = sizes.rowCount();
        int[] docs = new int[k];
        long[] tokens = new long[k];
        double[] nll = new double[k];
        double[] denseNll = new double[k];
        for (PerplexityResult.DocumentScore d : ensemble.documents()) {
            PerplexityResult.DocumentScore other = denseById.get(d.id());
            if (other == null || other.tokens() != d.tokens()) {
                throw new IllegalArgumentException("document " + d.id() + " was not scored on the same tokens by the "
                        + "dense model");
            }
            if (d.cluster() < 0 || d.cluster() >= k) {
                throw new IllegalArgumentException("document " + d.id() + " has cluster " + d.cluster() + ", the sizes "
                        + "have " + k + " clusters");
            }
            docs[d.cluster()] += d.tokens() > 0 ? 1 : 0;
            tokens[d.cluster()] += d.tokens();
            nll[d.cluster()] += d.nll();
            denseNll[d.cluster()] += other.nll();
        }
        Table t = sizes.selectColumns("method", "K", "seed", "cluster", "size", "relative", "expert tokens",
                "budget used").copy();
        t.setName("perplexity per cluster");
        IntColumn testDocs = IntColumn.create("test docs");
        LongColumn testTokens = LongColumn.create("test tokens");
        DoubleColumn ppl = DoubleColumn.create("perplexity");
        DoubleColumn densePpl = DoubleColumn.create("dense perplexity");
        DoubleColumn ratio = DoubleColumn.create("ratio to dense");
        for (int j = 0; j < k; j++) {
            if (t.intColumn("cluster").getInt(j) != j) {
                throw new IllegalArgumentException("size rows must be clusters 0.." + (k - 1) + " in order");
            }
            testDocs.append(docs[j]);
            testTokens.append(tokens[j]);
            double p = tokens[j] == 0 ? Double.NaN : Math.exp(nll[j] / tokens[j]);
            double q = tokens[j] == 0 ? Double.NaN : Math.exp(denseNll[j] / tokens[j]);
            ppl.append(p);
            densePpl.append(q);
            ratio.append(p / q);
        }
        t.addColumns(testDocs, testTokens, ppl, densePpl, ratio);
        fixed(t, 3);
        ppl.setPrintFormatter(decimals(1));
        densePpl.setPrintFormatter(decimals(1));
        return t;
    }

    /**
     * Pools the clusters of a stack of {@link #perCluster} tables by method, K and size band: clusters whose relative
     * size ({@code size * K / N}) lies in {@code [edges[i], edges[i+1])} (the last band open-ended; sizes below the
     * first edge are left out), over all seeds. Columns: method, K, size band, clusters, test tokens, and the
     * ensemble's and the dense model's perplexity over all test tokens of those clusters, with their ratio. K is kept
     * apart because the ensemble's quality against dense depends on K itself, and small clusters are more common at
     * large K.
     */
    public static Table bySizeBand(Table perCluster, double... edges) {
        if (edges.length == 0) {
            throw new IllegalArgumentException("give at least one band edge");
        }
        // (method, K) -> per band {clusters, tokens, nll, dense nll}
        Map<List<Object>, double[][]> acc = new LinkedHashMap<>();
        for (int i = 0; i < perCluster.rowCount(); i++) {
            long tok = perCluster.longColumn("test tokens").getLong(i);
            double rel = perCluster.doubleColumn("relative").getDouble(i);
            int b = -1;
            for (int e = 0; e < edges.length; e++) {
                if (rel >= edges[e]) {
                    b = e;
                }
            }
            if (b < 0) {
                continue;
            }
            double[][] m = acc.computeIfAbsent(List.of(perCluster.stringColumn("method").get(i),
                    perCluster.intColumn("K").getInt(i)), x -> new double[edges.length][4]);
            m[b][0]++;
            if (tok > 0) {
                m[b][1] += tok;
                m[b][2] += tok * Math.log(perCluster.doubleColumn("perplexity").getDouble(i));
                m[b][3] += tok * Math.log(perCluster.doubleColumn("dense perplexity").getDouble(i));
            }
        }
        Table t = Table.create("perplexity by cluster size", StringColumn.create("method"), IntColumn.create("K"),
                StringColumn.create("size band"),
                IntColumn.create("clusters"), LongColumn.create("test tokens"), DoubleColumn.create("perplexity"),
                DoubleColumn.create("dense perplexity"), DoubleColumn.create("ratio to dense"));
        for (var e : acc.entrySet()) {
            for (int b = 0; b < edges.length; b++) {
                double[] v = e.getValue()[b];
                if (v[0] == 0) {
                    continue;
                }
                String band = b + 1 < edges.length
                        ? String.format(Locale.ROOT, "%s to %s", edges[b], edges[b + 1])
                        : String.format(Locale.ROOT, "%s and more", edges[b]);
                double p = v[1] == 0 ? Double.NaN : Math.exp(v[2] / v[1]);
                double q = v[1] == 0 ? Double.NaN : Math.exp(v[3] / v[1]);
                t.stringColumn("method").append((String) e.getKey().get(0));
                t.intColumn("K").append((Integer) e.getKey().get(1));
                t.stringColumn("size band").append(band);
                t.intColumn("clusters").append((int) v[0]);
                t.longColumn("test tokens").append((long) v[1]);
                t.doubleColumn("perplexity").append(p);
                t.doubleColumn("dense perplexity").append(q);
                t.doubleColumn("ratio to dense").append(p / q);
            }
        }
        fixed(t, 1);
        t.doubleColumn("ratio to dense").setPrintFormatter(decimals(3));
        return t;
    }

    /**
     * Per clustering and K over the rows of a grid table ({@code CbtmExperiment.runGrid}, possibly several seeds):
     * runs, mean, smallest and largest perplexity.
     */
    public static Table overSeeds(Table grid) {
        Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < grid.rowCount(); i++) {
            groups.computeIfAbsent(List.of(grid.stringColumn("clustering").get(i), grid.intColumn("k").getInt(i)),
                    x -> new ArrayList<>()).add(i);
        }
        Table t = Table.create("perplexity over seeds", StringColumn.create("clustering"), IntColumn.create("K"),
                IntColumn.create("runs"), DoubleColumn.create("mean"), DoubleColumn.create("min"),
                DoubleColumn.create("max"));
        for (var e : groups.entrySet()) {
            double s = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i : e.getValue()) {
                double p = grid.doubleColumn("perplexity").getDouble(i);
                s += p;
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
            t.stringColumn("clustering").append((String) e.getKey().get(0));
            t.intColumn("K").append((Integer) e.getKey().get(1));
            t.intColumn("runs").append(e.getValue().size());
            t.doubleColumn("mean").append(s / e.getValue().size());
            t.doubleColumn("min").append(min);
            t.doubleColumn("max").append(max);
        }
        return fixed(t, 1);
    }

    /**
     * Claim 4 per K, from a grid table holding a balanced and an unbalanced row for every K and seed:
     * seeds compared, mean perplexity of each, the mean over seeds of {@code unbalanced / balanced - 1} in percent
     * (positive: balanced is better), its smallest and largest value, and in how many seeds balanced was better.
     */
    public static Table balancingEffect(Table grid) {
        Table ens = grid.where(grid.stringColumn("clustering").isIn("balanced", "unbalanced"));
        Map<String, Double> ppl = new HashMap<>();
        TreeSet<Long> seeds = new TreeSet<>();
        for (int i = 0; i < ens.rowCount(); i++) {
            long seed = ens.longColumn("seed").getLong(i);
            seeds.add(seed);
            String key = ens.stringColumn("clustering").get(i) + "/" + ens.intColumn("k").getInt(i) + "/" + seed;
            if (ppl.put(key, ens.doubleColumn("perplexity").getDouble(i)) != null) {
                throw new IllegalArgumentException("two rows for " + key);
            }
        }
        Table t = Table.create("balanced against unbalanced", IntColumn.create("K"), IntColumn.create("seeds"),
                DoubleColumn.create("balanced"), DoubleColumn.create("unbalanced"),
                DoubleColumn.create("unbalanced vs balanced %"), DoubleColumn.create("min %"), DoubleColumn.create("max %"),
                StringColumn.create("balanced better"));
        for (int k : new TreeSet<>(ens.intColumn("k").asList())) {
            double sb = 0;
            double su = 0;
            double sd = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            int wins = 0;
            for (long s : seeds) {
                Double b = ppl.get("balanced/" + k + "/" + s);
                Double u = ppl.get("unbalanced/" + k + "/" + s);
                if (b == null || u == null) {
                    throw new IllegalArgumentException("K = " + k + ", seed " + s + " lacks a balanced or unbalanced row");
                }
                double d = 100 * (u / b - 1);
                sb += b;
                su += u;
                sd += d;
                min = Math.min(min, d);
                max = Math.max(max, d);
                wins += b < u ? 1 : 0;
            }
            int n = seeds.size();
            t.intColumn("K").append(k);
            t.intColumn("seeds").append(n);
            t.doubleColumn("balanced").append(sb / n);
            t.doubleColumn("unbalanced").append(su / n);
            t.doubleColumn("unbalanced vs balanced %").append(sd / n);
            t.doubleColumn("min %").append(min);
            t.doubleColumn("max %").append(max);
            t.stringColumn("balanced better").append(wins + " of " + n);
        }
        return fixed(t, 1);
    }

    /**
     * Balanced and unbalanced side by side for every K and seed, with how much of the budget each could train on:
     * K, seed, both perplexities, the change {@code unbalanced / balanced - 1} in percent, the tokens all experts
     * trained on as a share of the budget for each ({@link #trainingSizes}), and the difference of those shares
     * (unbalanced minus balanced).
     *
     * @param grid  a grid table (it has a seed column) with a balanced and an unbalanced row per K and seed
     * @param sizes the stacked {@link #trainingSizes} of the same configs
     */
    public static Table pairs(Table grid, Table sizes) {
        Map<String, Double> used = new HashMap<>();
        Map<String, Integer> clusters = new HashMap<>();
        for (int i = 0; i < sizes.rowCount(); i++) {
            String key = sizes.stringColumn("method").get(i) + "/" + sizes.intColumn("K").getInt(i) + "/"
                    + sizes.longColumn("seed").getLong(i);
            used.merge(key, sizes.doubleColumn("budget used").getDouble(i), Double::sum);
            clusters.merge(key, 1, Integer::sum);
        }
        Map<String, Double> ppl = new HashMap<>();
        TreeSet<Integer> ks = new TreeSet<>();
        TreeSet<Long> seeds = new TreeSet<>();
        for (int i = 0; i < grid.rowCount(); i++) {
            String method = grid.stringColumn("clustering").get(i);
            if (method.equals("balanced") || method.equals("unbalanced")) {
                ks.add(grid.intColumn("k").getInt(i));
                seeds.add(grid.longColumn("seed").getLong(i));
                ppl.put(method + "/" + grid.intColumn("k").getInt(i) + "/" + grid.longColumn("seed").getLong(i),
                        grid.doubleColumn("perplexity").getDouble(i));
            }
        }
        Table t = Table.create("balanced and unbalanced per seed", IntColumn.create("K"), LongColumn.create("seed"),
                DoubleColumn.create("balanced"), DoubleColumn.create("unbalanced"),
                DoubleColumn.create("unbalanced vs balanced %"), DoubleColumn.create("trained/budget balanced"),
                DoubleColumn.create("trained/budget unbalanced"), DoubleColumn.create("difference"));
        for (int k : ks) {
            for (long s : seeds) {
                String b = "balanced/" + k + "/" + s;
                String u = "unbalanced/" + k + "/" + s;
                if (!ppl.containsKey(b) || !ppl.containsKey(u)) {
                    continue;
                }
                if (!used.containsKey(b) || !used.containsKey(u)) {
                    throw new IllegalArgumentException("no cluster sizes for K = " + k + ", seed " + s);
                }
                double ub = used.get(b) / clusters.get(b);
                double uu = used.get(u) / clusters.get(u);
                t.intColumn("K").append(k);
                t.longColumn("seed").append(s);
                t.doubleColumn("balanced").append(ppl.get(b));
                t.doubleColumn("unbalanced").append(ppl.get(u));
                t.doubleColumn("unbalanced vs balanced %").append(100 * (ppl.get(u) / ppl.get(b) - 1));
                t.doubleColumn("trained/budget balanced").append(ub);
                t.doubleColumn("trained/budget unbalanced").append(uu);
                t.doubleColumn("difference").append(uu - ub);
            }
        }
        fixed(t, 1);
        for (String c : List.of("trained/budget balanced", "trained/budget unbalanced", "difference")) {
            t.doubleColumn(c).setPrintFormatter(decimals(3));
        }
        return t;
    }

    /** Pearson's correlation of two numeric columns of {@code t} (NaN with fewer than 2 rows or no spread). */
    public static double correlation(Table t, String x, String y) {
        double[] a = t.numberColumn(x).asDoubleArray();
        double[] b = t.numberColumn(y).asDoubleArray();
        int n = a.length;
        if (n < 2) {
            return Double.NaN;
        }
        double ma = java.util.Arrays.stream(a).average().orElse(0);
        double mb = java.util.Arrays.stream(b).average().orElse(0);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    /** "balanced", "unbalanced", "random" or "dense" (K = 1). */
    static String method(CbtmConfig c) {
        return c.method();
    }

    private static Table fixed(Table t, int digits) {
        for (var c : t.columns()) {
            if (c instanceof DoubleColumn d) {
                d.setPrintFormatter(decimals(digits));
            }
        }
        return t;
    }

    /** A fixed number of decimals without grouping, whatever the default locale. */
    static NumberColumnFormatter decimals(int digits) {
        return new NumberColumnFormatter(new DecimalFormat(digits == 0 ? "0" : "0." + "0".repeat(digits),
                DecimalFormatSymbols.getInstance(Locale.ROOT)));
    }
}
