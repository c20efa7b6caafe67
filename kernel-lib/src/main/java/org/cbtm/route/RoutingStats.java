package org.cbtm.route;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.cbtm.eval.EvalSequence;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * How peaked a router's weights are on held-out sequences (notebook 05). At every predicted position it records
 * the largest weight (1: one expert gets everything; 1/K: uniform), the entropy of the weight vector in nats
 * (0: one expert; ln K: uniform) and whether the top expert is the sequence's own cluster (the nearest centre of
 * the whole document, as the corpus is assigned).
 *
 * <p>Sequences are truncated to the evaluation's context length first, so the positions are exactly those the
 * perplexity is measured on (row {@code t-1} of {@link Router#route} predicts token {@code t}). The measurement is
 * single-threaded and deterministic; per-position values are kept as floats (a few MB for the quick test set).
 *
 * <pre>{@code
 * CentroidRouter r = (CentroidRouter) exp.router(config);
 * RoutingStats s = RoutingStats.measure("T=0.1", r, exp.testSequences(config), 128);
 * s.summary();                       // one row: mean / quantiles of the top weight, entropy, agreement
 * s.maxWeightDistribution(20);       // histogram of the top weight over [0, 1]
 * }</pre>
 */
public final class RoutingStats {
    private final String label;
    private final int k;
    private final float[] maxWeight;
    private final float[] entropy;
    /** 1-based index of the predicted token within its sequence. */
    private final int[] position;
    /** 1: the top expert is the sequence's cluster, 0: it is not, -1: the sequence has no cluster. */
    private final byte[] ownCluster;
    private final int sequences;
    private final double routingSeconds;

    private RoutingStats(String label, int k, float[] maxWeight, float[] entropy, int[] position, byte[] ownCluster,
                         int sequences, double routingSeconds) {
        this.label = label;
        this.k = k;
        this.maxWeight = maxWeight;
        this.entropy = entropy;
        this.position = position;
        this.ownCluster = ownCluster;
        this.sequences = sequences;
        this.routingSeconds = routingSeconds;
    }

    /**
     * Routes every sequence (truncated to {@code contextLength} tokens; 0 keeps them whole) and records the weights'
     * peakedness at every predicted position.
     *
     * @param label a name for the tables ("T=0.1", "top-2")
     */
    public static RoutingStats measure(String label, Router router, List<EvalSequence> sequences, int contextLength) {
        Objects.requireNonNull(router, "router");
        if (contextLength != 0 && contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be 0 (whole sequences) or >= 2, got " + contextLength);
        }
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no sequences to route");
        }
        List<EvalSequence> seqs = sequences.stream()
                .map(s -> contextLength == 0 ? s : s.truncate(contextLength)).toList();
        long total = 0;
        for (EvalSequence s : seqs) {
            total += s.positions();
        }
        if (total == 0) {
            throw new IllegalArgumentException("the sequences have no predicted position (all shorter than 2 tokens)");
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(total + " positions are too many to keep per position");
        }
        int n = (int) total;
        int k = router.numExperts();
        float[] max = new float[n];
        float[] ent = new float[n];
        int[] pos = new int[n];
        byte[] own = new byte[n];
        long nanos = 0;
        int o = 0;
        for (EvalSequence s : seqs) {
            long t0 = System.nanoTime();
            RoutingWeights w = router.route(s);
            nanos += System.nanoTime() - t0;
            if (w.positions() != s.positions() || w.numExperts() != k) {
                throw new IllegalStateException("router " + router.name() + " gave " + w.positions() + " x "
                        + w.numExperts() + " weights for " + s.positions() + " positions and " + k + " experts");
            }
            double[] d = w.data();
            for (int t = 0; t < w.positions(); t++) {
                int off = t * k;
                double m = -1;
                int arg = -1;
                double h = 0;
                for (int j = 0; j < k; j++) {
                    double x = d[off + j];
                    if (x > m) {
                        m = x;
                        arg = j;
                    }
                    if (x > 0) {
                        h -= x * Math.log(x);
                    }
                }
                max[o] = (float) m;
                ent[o] = (float) Math.max(0, h); // rounding can give -1e-17 for a one-hot row
                pos[o] = t + 1;
                own[o] = (byte) (s.hasCluster() ? (arg == s.cluster() ? 1 : 0) : -1);
                o++;
            }
        }
        return new RoutingStats(label, k, max, ent, pos, own, seqs.size(), nanos / 1e9);
    }

    public String label() {
        return label;
    }

    /** K. */
    public int numExperts() {
        return k;
    }

    /** Predicted positions measured. */
    public int positions() {
        return maxWeight.length;
    }

    /** Sequences routed. */
    public int sequences() {
        return sequences;
    }

    /** Wall time spent in {@link Router#route}, in seconds. */
    public double routingSeconds() {
        return routingSeconds;
    }

    /** The largest weight at every position (a copy, in position order). */
    public float[] maxWeights() {
        return maxWeight.clone();
    }

    /** The entropy of the weights at every position, in nats (a copy). */
    public float[] entropies() {
        return entropy.clone();
    }

    /** Mean over positions of the largest weight. */
    public double meanMaxWeight() {
        return mean(maxWeight);
    }

    /** Mean over positions of the weights' entropy (nats). */
    public double meanEntropy() {
        return mean(entropy);
    }

    /** Mean over positions of {@code exp(entropy)}: the number of equally weighted experts with that entropy. */
    public double effectiveExperts() {
        double s = 0;
        for (float h : entropy) {
            s += Math.exp(h);
        }
        return s / entropy.length;
    }

    /** The {@code q}-quantile of the largest weight (nearest rank, {@code 0 <= q <= 1}). */
    public double maxWeightQuantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        float[] sorted = maxWeight.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Share of positions whose largest weight is at least {@code threshold}. */
    public double shareAtLeast(double threshold) {
        int c = 0;
        for (float m : maxWeight) {
            c += m >= threshold ? 1 : 0;
        }
        return (double) c / maxWeight.length;
    }

    /** Share of the positions of labelled sequences whose top expert is the sequence's cluster (NaN if none). */
    public double ownClusterShare() {
        int yes = 0;
        int n = 0;
        for (byte b : ownCluster) {
            if (b >= 0) {
                n++;
                yes += b;
            }
        }
        return n == 0 ? Double.NaN : (double) yes / n;
    }

    // ------------------------------------------------------------------ tables

    /**
     * One row: routing (the label), K, positions, mean / p10 / median / p90 of the top weight, the share of positions
     * whose top weight is at least 0.9, mean entropy, mean entropy relative to ln K, effective experts
     * ({@link #effectiveExperts}), the share whose top expert is the document's own cluster, and the routing time
     * per position in microseconds.
     */
    public Table summary() {
        return summaries(List.of(this));
    }

    /** {@link #summary()} rows of several measurements, in order. */
    public static Table summaries(List<RoutingStats> stats) {
        StringColumn routing = StringColumn.create("routing");
        IntColumn kc = IntColumn.create("K");
        LongColumn positions = LongColumn.create("positions");
        DoubleColumn mean = DoubleColumn.create("mean top weight");
        DoubleColumn p10 = DoubleColumn.create("p10 top weight");
        DoubleColumn med = DoubleColumn.create("median top weight");
        DoubleColumn p90 = DoubleColumn.create("p90 top weight");
        DoubleColumn peaked = DoubleColumn.create("share top >= 0.9");
        DoubleColumn ent = DoubleColumn.create("mean entropy");
        DoubleColumn rel = DoubleColumn.create("entropy / ln K");
        DoubleColumn eff = DoubleColumn.create("effective experts");
        DoubleColumn own = DoubleColumn.create("top = own cluster");
        DoubleColumn micros = DoubleColumn.create("routing us/position");
        for (RoutingStats s : stats) {
            routing.append(s.label);
            kc.append(s.k);
            positions.append(s.positions());
            mean.append(s.meanMaxWeight());
            p10.append(s.maxWeightQuantile(0.1));
            med.append(s.maxWeightQuantile(0.5));
            p90.append(s.maxWeightQuantile(0.9));
            peaked.append(s.shareAtLeast(0.9));
            ent.append(s.meanEntropy());
            rel.append(s.k == 1 ? Double.NaN : s.meanEntropy() / Math.log(s.k));
            eff.append(s.effectiveExperts());
            own.append(s.ownClusterShare());
            micros.append(s.routingSeconds * 1e6 / s.positions());
        }
        Table t = Table.create("routing weights", routing, kc, positions, mean, p10, med, p90, peaked, ent, rel, eff,
                own, micros);
        for (DoubleColumn c : List.of(mean, p10, med, p90, peaked, ent, rel, eff, own)) {
            c.setPrintFormatter(decimals(3));
        }
        micros.setPrintFormatter(decimals(2));
        return t;
    }

    /**
     * Histogram of the top weight over {@code [0, 1]} in {@code bins} equal bins: routing, K, from, to, middle,
     * positions, share (of all positions; the shares sum to 1) and the cumulative share. The last bin includes 1.
     */
    public Table maxWeightDistribution(int bins) {
        return histogram("top weight", maxWeight, 1.0, bins);
    }

    /** Histogram of the entropy over {@code [0, ln K]} ({@link #maxWeightDistribution} has the columns). */
    public Table entropyDistribution(int bins) {
        return histogram("entropy", entropy, Math.log(Math.max(2, k)), bins);
    }

    private Table histogram(String what, float[] values, double upper, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        long[] counts = new long[bins];
        for (float v : values) {
            int b = (int) Math.floor(v / upper * bins);
            counts[Math.max(0, Math.min(bins - 1, b))]++;
        }
        Table t = Table.create(what + " distribution", StringColumn.create("routing"), IntColumn.create("K"),
                DoubleColumn.create("from"), DoubleColumn.create("to"), DoubleColumn.create("middle"),
                LongColumn.create("positions"), DoubleColumn.create("share"), DoubleColumn.create("cumulative share"));
        long cum = 0;
        for (int b = 0; b < bins; b++) {
            cum += counts[b];
            t.stringColumn("routing").append(label);
            t.intColumn("K").append(k);
            t.doubleColumn("from").append(upper * b / bins);
            t.doubleColumn("to").append(upper * (b + 1) / bins);
            t.doubleColumn("middle").append(upper * (b + 0.5) / bins);
            t.longColumn("positions").append(counts[b]);
            t.doubleColumn("share").append((double) counts[b] / values.length);
            t.doubleColumn("cumulative share").append((double) cum / values.length);
        }
        return fixed(t);
    }

    /**
     * The same measures by position within the document, to see the routing sharpen as the prefix grows: rows for
     * the predicted-token ranges {@code [edges[i], edges[i+1])} (1-based token index; the last range is open-ended),
     * with routing, K, from, to (-1: open), positions, mean top weight, mean entropy and the own-cluster share.
     * Ranges without positions are left out.
     */
    public Table byPosition(int... edges) {
        if (edges.length == 0 || edges[0] < 1) {
            throw new IllegalArgumentException("edges must start at a token index >= 1: " + Arrays.toString(edges));
        }
        for (int i = 1; i < edges.length; i++) {
            if (edges[i] <= edges[i - 1]) {
                throw new IllegalArgumentException("edges must increase: " + Arrays.toString(edges));
            }
        }
        int r = edges.length;
        long[] n = new long[r];
        double[] max = new double[r];
        double[] ent = new double[r];
        long[] ownYes = new long[r];
        long[] ownN = new long[r];
        for (int i = 0; i < position.length; i++) {
            int b = Arrays.binarySearch(edges, position[i]);
            b = b >= 0 ? b : -b - 2; // the range whose lower edge is the largest one <= position
            if (b < 0) {
                continue;
            }
            n[b]++;
            max[b] += maxWeight[i];
            ent[b] += entropy[i];
            if (ownCluster[i] >= 0) {
                ownN[b]++;
                ownYes[b] += ownCluster[i];
            }
        }
        Table t = Table.create("routing by position", StringColumn.create("routing"), IntColumn.create("K"),
                IntColumn.create("from"), IntColumn.create("to"), LongColumn.create("positions"),
                DoubleColumn.create("mean top weight"), DoubleColumn.create("mean entropy"),
                DoubleColumn.create("top = own cluster"));
        for (int b = 0; b < r; b++) {
            if (n[b] == 0) {
                continue;
            }
            t.stringColumn("routing").append(label);
            t.intColumn("K").append(k);
            t.intColumn("from").append(edges[b]);
            t.intColumn("to").append(b + 1 < r ? edges[b + 1] : -1);
            t.longColumn("positions").append(n[b]);
            t.doubleColumn("mean top weight").append(max[b] / n[b]);
            t.doubleColumn("mean entropy").append(ent[b] / n[b]);
            t.doubleColumn("top = own cluster").append(ownN[b] == 0 ? Double.NaN : (double) ownYes[b] / ownN[b]);
        }
        return fixed(t);
    }

    private static Table fixed(Table t) {
        for (var c : t.columns()) {
            if (c instanceof DoubleColumn d) {
                d.setPrintFormatter(decimals(3));
            }
        }
        return t;
    }

    /** A fixed number of decimals without grouping, whatever the default locale. */
    static NumberColumnFormatter decimals(int digits) {
        return new NumberColumnFormatter(new java.text.DecimalFormat("0." + "0".repeat(digits),
                java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)));
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "RoutingStats[%s, K=%d, %d positions, mean top weight %.3f, "
                + "mean entropy %.3f]", label, k, positions(), meanMaxWeight(), meanEntropy());
    }
}
