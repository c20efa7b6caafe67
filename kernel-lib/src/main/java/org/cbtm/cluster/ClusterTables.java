package org.cbtm.cluster;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cbtm.math.DenseMatrix;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.tfidf.TfidfVectorizer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Tables of the clustering notebooks (02, 03), built from assignments and fitted models: cluster sizes and their
 * summary, agreement with metadata (NMI, ARI, purity), one-line cluster descriptions, how each source spreads over
 * the clusters, and how specific the clusters' top terms are. Tables built one case at a time have the same
 * columns, so they can be stacked with {@link Table#append}.
 */
public final class ClusterTables {
    private ClusterTables() {
    }

    // ------------------------------------------------------------------ sizes

    /**
     * Cluster sizes in long form, one row per cluster: {@code method, set, K, seed, cluster, size, relative} where
     * {@code relative = size * K / N} (1 = exactly its share; comparable across K and across sets of any size).
     *
     * @param method e.g. "balanced" or "unbalanced"
     * @param set    which documents were assigned, e.g. "fit sample" or "training mixture"
     */
    public static Table sizes(String method, String set, int k, long seed, int[] assignment) {
        if (assignment.length == 0) {
            throw new IllegalArgumentException("no documents assigned");
        }
        int[] counts = ClusterAnalytics.counts(assignment, k);
        Table t = Table.create("cluster sizes", StringColumn.create("method"), StringColumn.create("set"),
                IntColumn.create("K"), LongColumn.create("seed"), IntColumn.create("cluster"), IntColumn.create("size"),
                DoubleColumn.create("relative"));
        for (int j = 0; j < k; j++) {
            t.stringColumn("method").append(method);
            t.stringColumn("set").append(set);
            t.intColumn("K").append(k);
            t.longColumn("seed").append(seed);
            t.intColumn("cluster").append(j);
            t.intColumn("size").append(counts[j]);
            t.doubleColumn("relative").append((double) counts[j] * k / assignment.length);
        }
        return fixed(t, 3);
    }

    /**
     * Summary of a {@link #sizes} table per {@code method, set, K} (over clusters and seeds): number of seeds,
     * documents per seed, min / median / max size, the range {@code max - min}, the same three relative to the
     * share {@code N / K}, and {@code max / min}. Groups keep their first-seen order.
     */
    public static Table sizeSummary(Table sizes) {
        // row numbers, not Row objects: a Tablesaw Row is a cursor that moves
        Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < sizes.rowCount(); i++) {
            groups.computeIfAbsent(List.of(sizes.stringColumn("method").get(i), sizes.stringColumn("set").get(i),
                    sizes.intColumn("K").getInt(i)), x -> new ArrayList<>()).add(i);
        }
        Table t = Table.create("cluster sizes: summary", StringColumn.create("method"), StringColumn.create("set"),
                IntColumn.create("K"), IntColumn.create("seeds"), IntColumn.create("documents"), IntColumn.create("min"),
                DoubleColumn.create("median"), IntColumn.create("max"), IntColumn.create("range"),
                DoubleColumn.create("min rel"), DoubleColumn.create("median rel"), DoubleColumn.create("max rel"),
                DoubleColumn.create("max/min"));
        for (var e : groups.entrySet()) {
            List<Integer> rows = e.getValue();
            int k = (Integer) e.getKey().get(2);
            int[] s = new int[rows.size()];
            Set<Long> seeds = new HashSet<>();
            long total = 0;
            for (int i = 0; i < s.length; i++) {
                s[i] = sizes.intColumn("size").getInt(rows.get(i));
                seeds.add(sizes.longColumn("seed").getLong(rows.get(i)));
                total += s[i];
            }
            Arrays.sort(s);
            double share = (double) total / seeds.size() / k;
            double median = median(s);
            t.stringColumn("method").append((String) e.getKey().get(0));
            t.stringColumn("set").append((String) e.getKey().get(1));
            t.intColumn("K").append(k);
            t.intColumn("seeds").append(seeds.size());
            t.intColumn("documents").append((int) (total / seeds.size()));
            t.intColumn("min").append(s[0]);
            t.doubleColumn("median").append(median);
            t.intColumn("max").append(s[s.length - 1]);
            t.intColumn("range").append(s[s.length - 1] - s[0]);
            t.doubleColumn("min rel").append(s[0] / share);
            t.doubleColumn("median rel").append(median / share);
            t.doubleColumn("max rel").append(s[s.length - 1] / share);
            t.doubleColumn("max/min").append(s[0] == 0 ? Double.POSITIVE_INFINITY : (double) s[s.length - 1] / s[0]);
        }
        fixed(t, 2);
        t.doubleColumn("median").setPrintFormatter(decimals(1));
        return t;
    }

    /**
     * The paper's claim about sizes, per K, from a {@link #sizeSummary} for one {@code set}: the relative median and
     * range ({@code max rel - min rel}) of balanced and unbalanced k-means side by side, and whether balancing
     * narrowed the range and lifted the median.
     */
    public static Table balancingEffect(Table summary, String set) {
        Table t = Table.create("balanced vs unbalanced: " + set, IntColumn.create("K"),
                DoubleColumn.create("median rel balanced"), DoubleColumn.create("median rel unbalanced"),
                DoubleColumn.create("range rel balanced"), DoubleColumn.create("range rel unbalanced"),
                StringColumn.create("range narrower"), StringColumn.create("median higher"));
        Map<Integer, double[]> byK = new TreeMap<>();
        for (int i = 0; i < summary.rowCount(); i++) {
            if (!summary.stringColumn("set").get(i).equals(set)) {
                continue;
            }
            String method = summary.stringColumn("method").get(i);
            int offset = switch (method) {
                case "balanced" -> 0;
                case "unbalanced" -> 2;
                default -> -1;
            };
            if (offset < 0) {
                continue;
            }
            double[] v = byK.computeIfAbsent(summary.intColumn("K").getInt(i), x -> {
                double[] a = new double[4];
                Arrays.fill(a, Double.NaN);
                return a;
            });
            v[offset] = summary.doubleColumn("median rel").getDouble(i);
            v[offset + 1] = summary.doubleColumn("max rel").getDouble(i) - summary.doubleColumn("min rel").getDouble(i);
        }
        if (byK.isEmpty()) {
            throw new IllegalArgumentException("no balanced or unbalanced rows for set '" + set + "'");
        }
        for (var e : byK.entrySet()) {
            double[] v = e.getValue();
            t.intColumn("K").append(e.getKey());
            t.doubleColumn("median rel balanced").append(v[0]);
            t.doubleColumn("median rel unbalanced").append(v[2]);
            t.doubleColumn("range rel balanced").append(v[1]);
            t.doubleColumn("range rel unbalanced").append(v[3]);
            t.stringColumn("range narrower").append(verdict(v[1] < v[3], v[1], v[3]));
            t.stringColumn("median higher").append(verdict(v[0] > v[2], v[0], v[2]));
        }
        return fixed(t, 2);
    }

    private static String verdict(boolean yes, double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return "n/a";
        }
        return a == b ? "equal" : yes ? "yes" : "no";
    }

    /**
     * One row describing a k-means fit: {@code method, K, seed, iterations, converged} (the last squared centre
     * shift under the tolerance), {@code auction rounds} (0 when unbalanced) and {@code E-step s}.
     */
    public static Table fit(String method, KMeansModel model) {
        KMeans c = model.config();
        List<Double> shifts = model.shifts();
        Table t = Table.create("k-means fits", StringColumn.create("method"), IntColumn.create("K"),
                LongColumn.create("seed"), IntColumn.create("iterations"), StringColumn.create("converged"),
                LongColumn.create("auction rounds"), DoubleColumn.create("E-step s"));
        t.stringColumn("method").append(method);
        t.intColumn("K").append(c.k());
        t.longColumn("seed").append(c.seed());
        t.intColumn("iterations").append(model.iterations());
        t.stringColumn("converged").append(!shifts.isEmpty() && shifts.get(shifts.size() - 1) < c.tolerance()
                ? "yes" : "no (" + c.maxIterations() + " iterations)");
        t.longColumn("auction rounds").append(model.auctionRounds());
        t.doubleColumn("E-step s").append(model.eStepSeconds());
        return fixed(t, 3);
    }

    static double median(int[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    // ------------------------------------------------------------------ agreement with metadata

    /**
     * One row {@code partition, K, against, NMI, ARI, purity}: how far an assignment recovers a reference labelling
     * ({@code against} names it, e.g. "source").
     */
    public static Table agreement(String partition, int k, int[] assignment, List<String> reference, String against) {
        Table t = Table.create("agreement with metadata", StringColumn.create("partition"), IntColumn.create("K"),
                StringColumn.create("against"), DoubleColumn.create("NMI"), DoubleColumn.create("ARI"),
                DoubleColumn.create("purity"));
        t.stringColumn("partition").append(partition);
        t.intColumn("K").append(k);
        t.stringColumn("against").append(against);
        t.doubleColumn("NMI").append(ClusterAnalytics.nmi(assignment, reference));
        t.doubleColumn("ARI").append(ClusterAnalytics.adjustedRandIndex(assignment, reference));
        t.doubleColumn("purity").append(ClusterAnalytics.purity(assignment, reference));
        return fixed(t, 3);
    }

    // ------------------------------------------------------------------ cluster descriptions

    /**
     * One row per cluster: {@code K, cluster, size, top source, share} (of the cluster's documents),
     * {@code other sources} (the next two with at least 5%), and its {@code nTerms} top terms
     * ({@link ClusterAnalytics#topTerms}) joined by commas.
     */
    public static Table clusterSummary(TfidfSvdEmbedder embedder, DenseMatrix centres, int[] assignment,
                                       List<String> sources, int nTerms) {
        int k = centres.rows();
        checkSame(assignment, sources);
        int[] counts = ClusterAnalytics.counts(assignment, k);
        List<Map<String, Integer>> bySource = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            bySource.add(new TreeMap<>());
        }
        for (int i = 0; i < assignment.length; i++) {
            bySource.get(assignment[i]).merge(sources.get(i), 1, Integer::sum);
        }
        List<List<String>> terms = topTermLists(embedder, centres, nTerms);
        Table t = Table.create("clusters", IntColumn.create("K"), IntColumn.create("cluster"), IntColumn.create("size"),
                StringColumn.create("top source"), DoubleColumn.create("share"), StringColumn.create("other sources"),
                StringColumn.create("top terms"));
        for (int j = 0; j < k; j++) {
            List<Map.Entry<String, Integer>> ranked = new ArrayList<>(bySource.get(j).entrySet());
            ranked.sort((a, b) -> b.getValue() - a.getValue());
            t.intColumn("K").append(k);
            t.intColumn("cluster").append(j);
            t.intColumn("size").append(counts[j]);
            if (ranked.isEmpty()) {
                t.stringColumn("top source").append("");
                t.doubleColumn("share").appendMissing();
                t.stringColumn("other sources").append("");
            } else {
                t.stringColumn("top source").append(ranked.get(0).getKey());
                t.doubleColumn("share").append((double) ranked.get(0).getValue() / counts[j]);
                List<String> others = new ArrayList<>();
                for (int r = 1; r < ranked.size() && others.size() < 2; r++) {
                    double share = (double) ranked.get(r).getValue() / counts[j];
                    if (share >= 0.05) {
                        others.add(ranked.get(r).getKey() + " " + Math.round(100 * share) + "%");
                    }
                }
                t.stringColumn("other sources").append(String.join(", ", others));
            }
            t.stringColumn("top terms").append(String.join(", ", terms.get(j)));
        }
        t.doubleColumn("share").setPrintFormatter(NumberColumnFormatter.percent(0));
        return t;
    }

    /**
     * How the clusters of one source change with K: for each model (e.g. K = 4, 8, 16, 32), the
     * {@link #clusterSummary} rows of the clusters whose most common source is {@code source}, stacked. The
     * documents are assigned to the nearest centre from their {@code embeddings} (made by the models' embedder).
     */
    public static Table clustersOfSource(List<ClusterModel> models, DenseMatrix embeddings, List<String> sources,
                                         String source, int nTerms) {
        List<Table> parts = new ArrayList<>();
        for (ClusterModel m : models) {
            Table t = clusterSummary(m.embedder(), m.centres(), m.predictEmbeddings(embeddings), sources, nTerms);
            parts.add(t.where(t.stringColumn("top source").isEqualTo(source)));
        }
        Table out = stack(parts);
        out.setName("clusters led by " + source);
        return out;
    }

    /** The {@code n} top terms of every centre, cluster by cluster. */
    static List<List<String>> topTermLists(TfidfSvdEmbedder embedder, DenseMatrix centres, int n) {
        Table top = ClusterAnalytics.topTerms(embedder, centres, n);
        List<List<String>> out = new ArrayList<>();
        for (int j = 0; j < centres.rows(); j++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < top.rowCount(); i++) {
            out.get(top.intColumn("cluster").getInt(i)).add(top.stringColumn("term").get(i));
        }
        return out;
    }

    // ------------------------------------------------------------------ sources over clusters

    /**
     * One row per source: {@code passages}, {@code labels} (distinct), {@code clusters} (holding any of its
     * passages), {@code effective clusters} ({@code exp} of the entropy of its passages over clusters: 1 when all
     * sit in one cluster, K when spread evenly), {@code largest cluster} (the share in its most common cluster),
     * and, within the source, {@code NMI label} and {@code purity label} of the clusters against its own labels
     * (genre, book, topic...; 0 and the majority-label share when the source sits in one cluster).
     */
    public static Table bySource(int[] assignment, int k, List<String> sources, List<String> labels) {
        checkSame(assignment, sources);
        checkSame(assignment, labels);
        Map<String, List<Integer>> rowsOf = new TreeMap<>();
        for (int i = 0; i < assignment.length; i++) {
            rowsOf.computeIfAbsent(sources.get(i), x -> new ArrayList<>()).add(i);
        }
        Table t = Table.create("sources over clusters", StringColumn.create("source"), IntColumn.create("passages"),
                IntColumn.create("labels"), IntColumn.create("clusters"), DoubleColumn.create("effective clusters"),
                DoubleColumn.create("largest cluster"), DoubleColumn.create("NMI label"),
                DoubleColumn.create("purity label"));
        for (var e : rowsOf.entrySet()) {
            List<Integer> rows = e.getValue();
            int[] a = new int[rows.size()];
            List<String> l = new ArrayList<>(rows.size());
            for (int i = 0; i < a.length; i++) {
                a[i] = assignment[rows.get(i)];
                l.add(labels.get(rows.get(i)));
            }
            int[] c = ClusterAnalytics.counts(a, k);
            int used = 0;
            int largest = 0;
            double h = 0;
            for (int x : c) {
                if (x > 0) {
                    used++;
                    double p = (double) x / a.length;
                    h -= p * Math.log(p);
                }
                largest = Math.max(largest, x);
            }
            t.stringColumn("source").append(e.getKey());
            t.intColumn("passages").append(a.length);
            t.intColumn("labels").append(new HashSet<>(l).size());
            t.intColumn("clusters").append(used);
            t.doubleColumn("effective clusters").append(Math.exp(h));
            t.doubleColumn("largest cluster").append((double) largest / a.length);
            // NMI is 1 by convention when both sides are a single class; here that case means "nothing to recover"
            boolean trivial = used == 1 || new HashSet<>(l).size() == 1;
            t.doubleColumn("NMI label").append(trivial ? 0 : ClusterAnalytics.nmi(a, l));
            t.doubleColumn("purity label").append(ClusterAnalytics.purity(a, l));
        }
        fixed(t, 2);
        t.doubleColumn("NMI label").setPrintFormatter(decimals(3));
        t.doubleColumn("largest cluster").setPrintFormatter(NumberColumnFormatter.percent(0));
        return t;
    }

    /** The documents of one source: their indices in the full list, for restricting assignments and labels. */
    public static int[] indicesOf(List<String> sources, String source) {
        return java.util.stream.IntStream.range(0, sources.size()).filter(i -> sources.get(i).equals(source)).toArray();
    }

    /** {@code values[index[i]]} for every i. */
    public static int[] select(int[] values, int[] index) {
        int[] out = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = values[index[i]];
        }
        return out;
    }

    /** {@code values.get(index[i])} for every i. */
    public static List<String> select(List<String> values, int[] index) {
        List<String> out = new ArrayList<>(index.length);
        for (int i : index) {
            out.add(values.get(i));
        }
        return out;
    }

    // ------------------------------------------------------------------ specificity of top terms

    /**
     * How specific the clusters' top terms are, one row {@code method, K, seed, mean idf, distinct share,
     * nearest overlap} over the {@code nTerms} top terms of every cluster: {@code mean idf} is the average smoothed
     * idf of all {@code K * n} top terms (a rarer term has a larger idf: {@code ln((1+N)/(1+df)) + 1});
     * {@code distinct share} is the number of different terms among them over {@code K * n} (1 when no two clusters
     * share a top term); {@code nearest overlap} is, averaged over clusters, the Jaccard index of a cluster's top-term
     * set with the most similar other cluster's (0 when every cluster has its own words; NaN for K = 1).
     */
    public static Table termSpecificity(String method, long seed, TfidfSvdEmbedder embedder, DenseMatrix centres,
                                        int nTerms) {
        List<List<String>> lists = topTermLists(embedder, centres, nTerms);
        TfidfVectorizer v = embedder.vectorizer();
        double idf = 0;
        int terms = 0;
        Set<String> distinct = new HashSet<>();
        List<Set<String>> sets = new ArrayList<>();
        for (List<String> l : lists) {
            for (String term : l) {
                idf += v.idf(v.index(term));
                terms++;
                distinct.add(term);
            }
            sets.add(new HashSet<>(l));
        }
        double nearest = 0;
        for (int a = 0; a < sets.size(); a++) {
            double best = 0;
            for (int b = 0; b < sets.size(); b++) {
                if (b != a) {
                    best = Math.max(best, jaccard(sets.get(a), sets.get(b)));
                }
            }
            nearest += best;
        }
        Table t = Table.create("top-" + nTerms + " term specificity", StringColumn.create("method"),
                IntColumn.create("K"), LongColumn.create("seed"), DoubleColumn.create("mean idf"),
                DoubleColumn.create("distinct share"), DoubleColumn.create("nearest overlap"));
        t.stringColumn("method").append(method);
        t.intColumn("K").append(centres.rows());
        t.longColumn("seed").append(seed);
        t.doubleColumn("mean idf").append(terms == 0 ? Double.NaN : idf / terms);
        t.doubleColumn("distinct share").append(terms == 0 ? Double.NaN : (double) distinct.size() / terms);
        t.doubleColumn("nearest overlap").append(sets.size() < 2 ? Double.NaN : nearest / sets.size());
        return fixed(t, 3);
    }

    static double jaccard(Set<String> a, Set<String> b) {
        Set<String> inter = new HashSet<>(a);
        inter.retainAll(b);
        int union = a.size() + b.size() - inter.size();
        return union == 0 ? 0 : (double) inter.size() / union;
    }

    // ------------------------------------------------------------------ utilities

    /** The tables one under the other (they must have the same columns); the result is a new table named as the first. */
    public static Table stack(List<Table> tables) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("nothing to stack");
        }
        Table out = tables.get(0).copy();
        for (int i = 1; i < tables.size(); i++) {
            out.append(tables.get(i));
        }
        return out;
    }

    /**
     * Averages every numeric column except the keys and {@code seed} over the rows that share the key columns
     * (first-seen order); adds a {@code seeds} column with the number of rows averaged.
     */
    public static Table meanOver(Table t, String... keys) {
        List<String> keyList = List.of(keys);
        List<String> numeric = new ArrayList<>();
        for (Column<?> c : t.columns()) {
            if (c instanceof NumericColumn<?> && !keyList.contains(c.name()) && !c.name().equals("seed")) {
                numeric.add(c.name());
            }
        }
        Map<List<String>, double[]> sums = new LinkedHashMap<>();
        Map<List<String>, Integer> n = new LinkedHashMap<>();
        Map<List<String>, Integer> first = new LinkedHashMap<>();
        for (int row = 0; row < t.rowCount(); row++) {
            List<String> key = new ArrayList<>();
            for (String k : keys) {
                key.add(t.column(k).getString(row));
            }
            double[] s = sums.computeIfAbsent(key, x -> new double[numeric.size()]);
            for (int i = 0; i < s.length; i++) {
                s[i] += ((NumericColumn<?>) t.column(numeric.get(i))).getDouble(row);
            }
            n.merge(key, 1, Integer::sum);
            first.putIfAbsent(key, row);
        }
        Table out = Table.create(t.name() + " (mean over seeds)");
        for (String k : keys) {
            out.addColumns(t.column(k).emptyCopy());
        }
        out.addColumns(IntColumn.create("seeds"));
        for (String c : numeric) {
            DoubleColumn d = DoubleColumn.create(c);
            // a mean of counts (iterations, rounds) needs one decimal; a mean of scores keeps three
            d.setPrintFormatter(t.column(c) instanceof DoubleColumn ? decimals(3) : decimals(1));
            out.addColumns(d);
        }
        for (var e : sums.entrySet()) {
            int row = first.get(e.getKey());
            for (String k : keys) {
                appendFrom(out.column(k), t.column(k), row);
            }
            out.intColumn("seeds").append(n.get(e.getKey()));
            for (int i = 0; i < numeric.size(); i++) {
                out.doubleColumn(numeric.get(i)).append(e.getValue()[i] / n.get(e.getKey()));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void appendFrom(Column<?> to, Column<?> from, int row) {
        ((Column<Object>) to).append(from.get(row));
    }

    private static Table fixed(Table t, int digits) {
        for (Column<?> c : t.columns()) {
            if (c instanceof DoubleColumn d) {
                d.setPrintFormatter(decimals(digits));
            }
        }
        return t;
    }

    /** A fixed number of decimals, no grouping (so a count like 1400.0 reads like the integer columns beside it). */
    static NumberColumnFormatter decimals(int digits) {
        DecimalFormat f = new DecimalFormat(digits == 0 ? "0" : "0." + "0".repeat(digits),
                DecimalFormatSymbols.getInstance(Locale.ROOT));
        return new NumberColumnFormatter(f);
    }

    private static void checkSame(int[] a, List<String> labels) {
        if (a.length != labels.size()) {
            throw new IllegalArgumentException(a.length + " assignments but " + labels.size() + " labels");
        }
    }
}
