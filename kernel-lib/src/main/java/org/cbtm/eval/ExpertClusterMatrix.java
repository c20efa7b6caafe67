package org.cbtm.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.cbtm.lm.LanguageModel;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * The expert x cluster perplexity matrix of C-BTM (methods 1.6, claim 6): the perplexity of expert {@code e} on the
 * held-out documents assigned to cluster {@code c}. Expert {@code k} was trained on cluster {@code k} only, so if
 * experts specialise, the smallest perplexity of every column is on the diagonal.
 *
 * <p>Each expert is scored once on all documents ({@link Perplexity#evaluate}, so the protocol of methods 1.5
 * holds: one document per sequence, truncated, micro average); the columns come from grouping its per-document
 * scores by the documents' assigned cluster ({@link EvalSequence#cluster()}, as {@link PerplexityResult#byCluster}
 * does). Every expert is therefore scored on exactly the same tokens of a cluster.
 *
 * <pre>{@code
 * ExpertClusterMatrix m = ExpertClusterMatrix.evaluate(experts.loadAll(), EvalSequences.of(tok, test, clusters), cfg);
 * m.diagonalWins();  m.diagonalRatio();  m.wide();  m.perCluster();
 * }</pre>
 * Its heatmap is drawn by the presentation layer ({@code ExpertPlots.matrixHeatmap(m, title)}).
 */
public final class ExpertClusterMatrix {

    private final List<PerplexityResult> results;
    private final int k;
    private final double[][] nll;   // summed NLL [expert][cluster]
    private final long[] tokens;    // predicted tokens per cluster (the same for every expert)
    private final int[] documents;  // documents per cluster with at least one predicted token

    private ExpertClusterMatrix(List<PerplexityResult> results) {
        this.results = List.copyOf(results);
        this.k = results.size();
        this.nll = new double[k][k];
        this.tokens = new long[k];
        this.documents = new int[k];
        List<PerplexityResult.DocumentScore> first = results.get(0).documents();
        for (int e = 0; e < k; e++) {
            List<PerplexityResult.DocumentScore> docs = results.get(e).documents();
            if (docs.size() != first.size()) {
                throw new IllegalArgumentException("expert " + e + " was scored on " + docs.size()
                        + " documents, expert 0 on " + first.size() + ": every expert must see the same documents");
            }
            for (int i = 0; i < docs.size(); i++) {
                PerplexityResult.DocumentScore d = docs.get(i);
                PerplexityResult.DocumentScore d0 = first.get(i);
                if (d.cluster() != d0.cluster() || d.tokens() != d0.tokens() || !d.id().equals(d0.id())) {
                    throw new IllegalArgumentException("document " + i + " differs between expert 0 and expert " + e
                            + " (id, cluster or truncated length): score every expert on the same sequences with the"
                            + " same context length");
                }
                int c = d.cluster();
                if (c < 0 || c >= k) {
                    throw new IllegalArgumentException("document " + d.id() + " has cluster " + c + ", outside [0, " + k
                            + "): label the sequences with the clustering the " + k + " experts were trained on");
                }
                nll[e][c] += d.nll();
                if (e == 0) {
                    tokens[c] += d.tokens();
                    documents[c] += d.tokens() > 0 ? 1 : 0;
                }
            }
        }
        for (int c = 0; c < k; c++) {
            if (tokens[c] == 0) {
                throw new IllegalArgumentException("cluster " + c + " has no test tokens: every cluster needs at least"
                        + " one held-out document for the matrix to be square");
            }
        }
    }

    /**
     * Scores every expert on {@code sequences} (labelled with the clusters the experts were trained on: expert k on
     * cluster k) and builds the matrix.
     */
    public static ExpertClusterMatrix evaluate(List<? extends LanguageModel> experts, List<EvalSequence> sequences,
                                               EvalConfig config) {
        if (experts.isEmpty()) {
            throw new IllegalArgumentException("no experts to evaluate");
        }
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no test sequences");
        }
        List<PerplexityResult> rs = new ArrayList<>(experts.size());
        for (LanguageModel m : experts) {
            rs.add(Perplexity.evaluate(m, sequences, config));
        }
        return of(rs);
    }

    /** The matrix of per-expert results already computed on the same sequences (result k is expert k's). */
    public static ExpertClusterMatrix of(List<PerplexityResult> perExpert) {
        if (perExpert.isEmpty()) {
            throw new IllegalArgumentException("no expert results");
        }
        return new ExpertClusterMatrix(perExpert);
    }

    /**
     * At most {@code perCluster} sequences of each cluster, drawn without replacement with {@code seed} and kept in
     * their input order (a cheaper test set for slow experts; every cluster keeps all of its sequences when it has
     * fewer). Sequences without a cluster are dropped.
     */
    public static List<EvalSequence> samplePerCluster(List<EvalSequence> sequences, int perCluster, long seed) {
        if (perCluster < 1) {
            throw new IllegalArgumentException("perCluster must be >= 1, got " + perCluster);
        }
        int maxCluster = sequences.stream().mapToInt(EvalSequence::cluster).max().orElse(-1);
        boolean[] keep = new boolean[sequences.size()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int c = 0; c <= maxCluster; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < sequences.size(); i++) {
                if (sequences.get(i).cluster() == c) {
                    members.add(i);
                }
            }
            // partial Fisher-Yates: the first perCluster places hold a uniform sample
            for (int j = 0; j < Math.min(perCluster, members.size()); j++) {
                int pick = j + random.nextInt(members.size() - j);
                int chosen = members.get(pick);
                members.set(pick, members.get(j));
                members.set(j, chosen);
                keep[chosen] = true;
            }
        }
        List<EvalSequence> out = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            if (keep[i]) {
                out.add(sequences.get(i));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ the numbers

    /** Number of experts (= clusters). */
    public int k() {
        return k;
    }

    /** Expert {@code expert}'s perplexity on cluster {@code cluster}'s documents. */
    public double perplexity(int expert, int cluster) {
        return Math.exp(nll[expert][cluster] / tokens[cluster]);
    }

    /** The whole matrix, {@code [expert][cluster]}. */
    public double[][] perplexities() {
        double[][] p = new double[k][k];
        for (int e = 0; e < k; e++) {
            for (int c = 0; c < k; c++) {
                p[e][c] = perplexity(e, c);
            }
        }
        return p;
    }

    /** Expert {@code e}'s result on all documents (its overall perplexity, timings, per-document scores). */
    public PerplexityResult result(int expert) {
        return results.get(expert);
    }

    public List<PerplexityResult> results() {
        return results;
    }

    /** Predicted test tokens of a cluster. */
    public long tokens(int cluster) {
        return tokens[cluster];
    }

    /** Scored test documents of a cluster. */
    public int documents(int cluster) {
        return documents[cluster];
    }

    /** The expert with the lowest perplexity on a cluster (the lower index on an exact tie). */
    public int bestExpert(int cluster) {
        int best = 0;
        for (int e = 1; e < k; e++) {
            if (nll[e][cluster] < nll[best][cluster]) {
                best = e;
            }
        }
        return best;
    }

    /** Clusters on which their own expert is strictly better than every other expert. */
    public int diagonalWins() {
        int wins = 0;
        for (int c = 0; c < k; c++) {
            boolean win = true;
            for (int e = 0; e < k; e++) {
                if (e != c && nll[e][c] <= nll[c][c]) {
                    win = false;
                }
            }
            wins += win ? 1 : 0;
        }
        return wins;
    }

    /** Mean of the diagonal perplexities (each cluster scored by its own expert). */
    public double diagonalMean() {
        double s = 0;
        for (int c = 0; c < k; c++) {
            s += perplexity(c, c);
        }
        return s / k;
    }

    /** Mean of the off-diagonal perplexities (NaN for K = 1). */
    public double offDiagonalMean() {
        double s = 0;
        for (int c = 0; c < k; c++) {
            for (int e = 0; e < k; e++) {
                if (e != c) {
                    s += perplexity(e, c);
                }
            }
        }
        return k < 2 ? Double.NaN : s / (k * (k - 1.0));
    }

    /**
     * {@link #diagonalMean()} / {@link #offDiagonalMean()}: below 1 when experts are better on their own cluster
     * than other experts are, on average.
     */
    public double diagonalRatio() {
        return diagonalMean() / offDiagonalMean();
    }

    /** Own expert's perplexity on a cluster divided by the mean of the other experts' on it. */
    public double ownVersusOthers(int cluster) {
        double others = 0;
        for (int e = 0; e < k; e++) {
            if (e != cluster) {
                others += perplexity(e, cluster);
            }
        }
        return perplexity(cluster, cluster) / (others / (k - 1));
    }

    // ------------------------------------------------------------------ tables

    /** The matrix for display: one row per expert, one column per cluster ({@code cluster c}). */
    public Table wide() {
        Table t = Table.create("perplexity: expert x cluster");
        t.addColumns(StringColumn.create("expert"));
        for (int c = 0; c < k; c++) {
            t.addColumns(DoubleColumn.create("cluster " + c));
        }
        for (int e = 0; e < k; e++) {
            t.stringColumn("expert").append(expertLabel(e));
            for (int c = 0; c < k; c++) {
                t.doubleColumn("cluster " + c).append(perplexity(e, c));
            }
        }
        for (int c = 0; c < k; c++) {
            t.doubleColumn("cluster " + c).setPrintFormatter(decimals(1));
        }
        return t;
    }

    /**
     * One row per cluster: its test documents and tokens, its own expert's perplexity, the best expert and its
     * perplexity, the mean perplexity of the other experts, own / others, and whether the diagonal wins.
     */
    public Table perCluster() {
        IntColumn cluster = IntColumn.create("cluster");
        IntColumn docs = IntColumn.create("documents");
        LongColumn toks = LongColumn.create("tokens");
        DoubleColumn own = DoubleColumn.create("own expert ppl");
        IntColumn best = IntColumn.create("best expert");
        DoubleColumn bestPpl = DoubleColumn.create("best ppl");
        DoubleColumn others = DoubleColumn.create("mean other experts ppl");
        DoubleColumn ratio = DoubleColumn.create("own / others");
        StringColumn wins = StringColumn.create("own expert wins");
        for (int c = 0; c < k; c++) {
            int b = bestExpert(c);
            double o = 0;
            for (int e = 0; e < k; e++) {
                o += e == c ? 0 : perplexity(e, c);
            }
            cluster.append(c);
            docs.append(documents[c]);
            toks.append(tokens[c]);
            own.append(perplexity(c, c));
            best.append(b);
            bestPpl.append(perplexity(b, c));
            others.append(k < 2 ? Double.NaN : o / (k - 1));
            ratio.append(k < 2 ? Double.NaN : ownVersusOthers(c));
            boolean win = true;
            for (int e = 0; e < k; e++) {
                win &= e == c || nll[e][c] > nll[c][c];
            }
            wins.append(win ? "yes" : "no");
        }
        for (DoubleColumn d : List.of(own, bestPpl, others)) {
            d.setPrintFormatter(decimals(1));
        }
        ratio.setPrintFormatter(decimals(3));
        return Table.create("expert specialisation by cluster", cluster, docs, toks, own, best, bestPpl, others, ratio,
                wins);
    }

    /** The long form: expert, cluster, documents, tokens, perplexity, relative to the cluster's best expert. */
    public Table table() {
        IntColumn expert = IntColumn.create("expert");
        IntColumn cluster = IntColumn.create("cluster");
        IntColumn docs = IntColumn.create("documents");
        LongColumn toks = LongColumn.create("tokens");
        DoubleColumn ppl = DoubleColumn.create("perplexity");
        DoubleColumn rel = DoubleColumn.create("relative to best");
        for (int e = 0; e < k; e++) {
            for (int c = 0; c < k; c++) {
                expert.append(e);
                cluster.append(c);
                docs.append(documents[c]);
                toks.append(tokens[c]);
                ppl.append(perplexity(e, c));
                rel.append(perplexity(e, c) / perplexity(bestExpert(c), c));
            }
        }
        ppl.setPrintFormatter(decimals(1));
        rel.setPrintFormatter(decimals(3));
        return Table.create("perplexity by expert and cluster", expert, cluster, docs, toks, ppl, rel);
    }

    /** One line for prose: "expert k wins on its own cluster for W of K clusters; mean diagonal / off-diagonal R". */
    public String summary() {
        return String.format(Locale.ROOT, "the own expert is best on **%d of %d** clusters; mean perplexity on the "
                        + "diagonal %.1f vs %.1f off it (ratio %.3f)", diagonalWins(), k, diagonalMean(),
                offDiagonalMean(), diagonalRatio());
    }

    /**
     * Claim 6 in words, from the diagonal wins: all clusters (a clean diagonal), at least half (partial support), or
     * fewer (the claim does not reproduce).
     */
    public String verdict() {
        int w = diagonalWins();
        if (w == k) {
            return "every expert is best on its own cluster: the matrix has a clean diagonal, as claim 6 says";
        }
        if (2 * w >= k) {
            return String.format(Locale.ROOT, "the own expert is best on %d of %d clusters: a mostly diagonal matrix, "
                    + "partial support for claim 6", w, k);
        }
        return String.format(Locale.ROOT, "the own expert is best on only %d of %d clusters: claim 6 does not "
                + "reproduce here", w, k);
    }

    /** A fixed number of decimals, no grouping, for table display (the values themselves are not rounded). */
    static NumberColumnFormatter decimals(int digits) {
        java.text.DecimalFormat f = new java.text.DecimalFormat(digits == 0 ? "0" : "0." + "0".repeat(digits),
                java.text.DecimalFormatSymbols.getInstance(Locale.ROOT));
        return new NumberColumnFormatter(f);
    }

    /** Scientific notation with two decimals (FLOPs). */
    static NumberColumnFormatter scientific() {
        return new NumberColumnFormatter(new java.text.DecimalFormat("0.00E0",
                java.text.DecimalFormatSymbols.getInstance(Locale.ROOT)));
    }

    private static String expertLabel(int e) {
        return "expert " + e;
    }

    @Override
    public String toString() {
        return "ExpertClusterMatrix[K=" + k + ", " + diagonalWins() + " diagonal wins, ratio "
                + String.format(Locale.ROOT, "%.3f", diagonalRatio()) + ", " + Arrays.stream(tokens).sum()
                + " test tokens]";
    }
}
