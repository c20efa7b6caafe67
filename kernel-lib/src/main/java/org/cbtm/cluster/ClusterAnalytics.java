package org.cbtm.cluster;

import java.util.List;
import java.util.TreeMap;
import org.cbtm.math.DenseMatrix;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Cluster analytics: sizes, top terms per cluster (centre mapped back through the SVD, as the reference's
 * {@code get_top_terms}), the cluster x label overlap matrix, purity, normalised mutual information (arithmetic
 * normalisation, scikit-learn's default) and the adjusted Rand index.
 */
public final class ClusterAnalytics {
    private ClusterAnalytics() {
    }

    /** Counts per cluster, {@code k} entries. */
    public static int[] counts(int[] assignment, int k) {
        int[] c = new int[k];
        for (int a : assignment) {
            if (a < 0 || a >= k) {
                throw new IllegalArgumentException("cluster " + a + " outside [0, " + k + ")");
            }
            c[a]++;
        }
        return c;
    }

    /** Table {@code cluster, size, fraction}. */
    public static Table sizes(int[] assignment, int k) {
        int[] c = counts(assignment, k);
        IntColumn cl = IntColumn.create("cluster");
        IntColumn size = IntColumn.create("size");
        DoubleColumn frac = DoubleColumn.create("fraction");
        for (int j = 0; j < k; j++) {
            cl.append(j);
            size.append(c[j]);
            frac.append(assignment.length == 0 ? 0 : (double) c[j] / assignment.length);
        }
        return Table.create("cluster sizes", cl, size, frac);
    }

    /**
     * The {@code n} terms of largest weight in {@code V c_k} for every centre: table {@code cluster, rank, term,
     * weight}.
     */
    public static Table topTerms(TfidfSvdEmbedder embedder, DenseMatrix centres, int n) {
        IntColumn cl = IntColumn.create("cluster");
        IntColumn rank = IntColumn.create("rank");
        StringColumn term = StringColumn.create("term");
        DoubleColumn weight = DoubleColumn.create("weight");
        for (int j = 0; j < centres.rows(); j++) {
            double[] w = embedder.toTermSpace(centres.row(j));
            int m = Math.min(n, w.length);
            int[] top = topIndices(w, m);
            for (int r = 0; r < m; r++) {
                cl.append(j);
                rank.append(r + 1);
                term.append(embedder.vectorizer().term(top[r]));
                weight.append(w[top[r]]);
            }
        }
        return Table.create("top terms", cl, rank, term, weight);
    }

    private static int[] topIndices(double[] w, int m) {
        int[] idx = new int[m];
        double[] val = new double[m];
        int size = 0;
        for (int i = 0; i < w.length; i++) {
            double v = w[i];
            if (size == m && !(v > val[m - 1])) {
                continue;
            }
            int p = size < m ? size++ : m - 1;
            while (p > 0 && val[p - 1] < v) {
                val[p] = val[p - 1];
                idx[p] = idx[p - 1];
                p--;
            }
            val[p] = v;
            idx[p] = i;
        }
        return idx;
    }

    /** The distinct labels, sorted, and each document's label index. */
    private record Labels(List<String> values, int[] index) {
        static Labels of(List<String> labels) {
            TreeMap<String, Integer> m = new TreeMap<>();
            for (String l : labels) {
                m.put(l, 0);
            }
            int i = 0;
            for (var e : m.entrySet()) {
                e.setValue(i++);
            }
            int[] idx = new int[labels.size()];
            for (int d = 0; d < idx.length; d++) {
                idx[d] = m.get(labels.get(d));
            }
            return new Labels(List.copyOf(m.keySet()), idx);
        }
    }

    private static void checkSame(int[] a, List<String> labels) {
        if (a.length != labels.size()) {
            throw new IllegalArgumentException(a.length + " assignments but " + labels.size() + " labels");
        }
    }

    /** Overlap matrix: one row per cluster, a {@code cluster} column and one count column per label (sorted). */
    public static Table overlap(int[] assignment, List<String> labels, int k) {
        checkSame(assignment, labels);
        Labels l = Labels.of(labels);
        int[][] m = contingency(assignment, k, l.index(), l.values().size());
        Table t = Table.create("cluster x label");
        IntColumn cl = IntColumn.create("cluster");
        for (int j = 0; j < k; j++) {
            cl.append(j);
        }
        t.addColumns(cl);
        for (int c = 0; c < l.values().size(); c++) {
            IntColumn col = IntColumn.create(l.values().get(c));
            for (int j = 0; j < k; j++) {
                col.append(m[j][c]);
            }
            t.addColumns(col);
        }
        return t;
    }

    private static int[][] contingency(int[] a, int ka, int[] b, int kb) {
        int[][] m = new int[ka][kb];
        for (int i = 0; i < a.length; i++) {
            m[a[i]][b[i]]++;
        }
        return m;
    }

    private static int max(int[] a) {
        int m = -1;
        for (int x : a) {
            if (x < 0) {
                throw new IllegalArgumentException("negative cluster " + x);
            }
            m = Math.max(m, x);
        }
        return m;
    }

    /** Purity: the fraction of documents whose label is their cluster's majority label. */
    public static double purity(int[] assignment, List<String> labels) {
        checkSame(assignment, labels);
        if (assignment.length == 0) {
            throw new IllegalArgumentException("purity of an empty assignment");
        }
        Labels l = Labels.of(labels);
        int[][] m = contingency(assignment, max(assignment) + 1, l.index(), l.values().size());
        long s = 0;
        for (int[] row : m) {
            int best = 0;
            for (int x : row) {
                best = Math.max(best, x);
            }
            s += best;
        }
        return (double) s / assignment.length;
    }

    /** NMI between clusters and labels (arithmetic-mean normalisation). */
    public static double nmi(int[] assignment, List<String> labels) {
        checkSame(assignment, labels);
        return nmi(assignment, Labels.of(labels).index());
    }

    /** NMI between two assignments, {@code MI / ((H(a) + H(b)) / 2)}; 1 when both are a single cluster. */
    public static double nmi(int[] a, int[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("need two non-empty assignments of equal length");
        }
        int ka = max(a) + 1;
        int kb = max(b) + 1;
        int[][] m = contingency(a, ka, b, kb);
        double n = a.length;
        double[] ra = new double[ka];
        double[] rb = new double[kb];
        for (int i = 0; i < ka; i++) {
            for (int j = 0; j < kb; j++) {
                ra[i] += m[i][j];
                rb[j] += m[i][j];
            }
        }
        double ha = entropy(ra, n);
        double hb = entropy(rb, n);
        if (ha == 0 && hb == 0) {
            return 1.0;
        }
        double mi = 0;
        for (int i = 0; i < ka; i++) {
            for (int j = 0; j < kb; j++) {
                if (m[i][j] > 0) {
                    mi += m[i][j] / n * Math.log(n * m[i][j] / (ra[i] * rb[j]));
                }
            }
        }
        double denom = (ha + hb) / 2;
        return denom <= 0 ? 0 : Math.max(0, mi) / denom;
    }

    private static double entropy(double[] counts, double n) {
        double h = 0;
        for (double c : counts) {
            if (c > 0) {
                h -= c / n * Math.log(c / n);
            }
        }
        return h;
    }

    /** Adjusted Rand index between clusters and labels. */
    public static double adjustedRandIndex(int[] assignment, List<String> labels) {
        checkSame(assignment, labels);
        return adjustedRandIndex(assignment, Labels.of(labels).index());
    }

    /** Adjusted Rand index (Hubert and Arabie); 1 for identical partitions, about 0 for independent ones. */
    public static double adjustedRandIndex(int[] a, int[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("need two non-empty assignments of equal length");
        }
        int[][] m = contingency(a, max(a) + 1, b, max(b) + 1);
        double sumComb = 0;
        double[] ra = new double[m.length];
        double[] rb = new double[m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                sumComb += comb2(m[i][j]);
                ra[i] += m[i][j];
                rb[j] += m[i][j];
            }
        }
        double sa = 0;
        double sb = 0;
        for (double x : ra) {
            sa += comb2(x);
        }
        for (double x : rb) {
            sb += comb2(x);
        }
        double expected = sa * sb / comb2(a.length);
        double maxIdx = (sa + sb) / 2;
        if (maxIdx == expected) {
            return 1.0;
        }
        return (sumComb - expected) / (maxIdx - expected);
    }

    private static double comb2(double x) {
        return x * (x - 1) / 2;
    }
}
