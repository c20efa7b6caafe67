package org.cbtm.route;

import java.util.stream.IntStream;

import org.cbtm.math.DenseMatrix;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.tfidf.TfidfVectorizer;

/**
 * What the centroid router precomputes once per (embedder, centres), so that a routing step costs
 * O(dims + K) instead of O(K dims) plus a re-tokenisation of the prefix. With {@code u_j = idf_j V_j} the
 * unnormalised embedding contribution of term j:
 * <ul>
 *   <li>{@code g[j][k] = u_j . c_k}, so that {@code s . c_k} of a prefix sum s is a sum of table rows;</li>
 *   <li>{@code uu[j] = ||u_j||^2};</li>
 *   <li>an allocation-free table from ASCII lowercase words to term ids.</li>
 * </ul>
 * Immutable and shared by routers that differ only in top-k, T or distance form.
 */
final class CentroidTables {
    final TfidfSvdEmbedder embedder;
    final TfidfVectorizer vectorizer;
    final int k;
    final int dims;
    final double[] v;           // vocabulary x dims (the embedder's own array, not modified)
    final double[] idf;
    final double[] g;           // vocabulary x K
    final double[] uu;
    final double[] centreNorms; // ||c_k||^2
    final DenseMatrix centres;
    private final long[] slots; // open addressing: (hash << 32) | (term id + 1), or 0
    private final char[] pool;  // the ASCII terms' characters back to back
    private final int[] start;  // term j is pool[start[j], start[j+1]) (empty for non-ASCII terms)
    private final int mask;

    CentroidTables(TfidfSvdEmbedder embedder, DenseMatrix centres) {
        if (centres.cols() != embedder.dimensions()) {
            throw new IllegalArgumentException("centres have " + centres.cols() + " dimensions, the embedder "
                    + embedder.dimensions());
        }
        if (centres.rows() < 1) {
            throw new IllegalArgumentException("no centres");
        }
        this.embedder = embedder;
        this.vectorizer = embedder.vectorizer();
        this.centres = centres.copy();
        this.k = centres.rows();
        this.dims = centres.cols();
        this.v = embedder.components().data();
        this.idf = vectorizer.idfs();
        this.centreNorms = centres.rowSquaredNorms();
        int vocab = vectorizer.vocabularySize();
        this.g = new double[vocab * k];
        this.uu = new double[vocab];
        double[] c = this.centres.data();
        IntStream.range(0, vocab).parallel().forEach(j -> {
            int vo = j * dims;
            double sq = 0;
            for (int d = 0; d < dims; d++) {
                sq += v[vo + d] * v[vo + d];
            }
            uu[j] = idf[j] * idf[j] * sq;
            for (int q = 0; q < k; q++) {
                double dot = 0;
                int co = q * dims;
                for (int d = 0; d < dims; d++) {
                    dot += v[vo + d] * c[co + d];
                }
                g[j * k + q] = idf[j] * dot;
            }
        });
        String[] terms = vectorizer.vocabulary();
        this.start = new int[terms.length + 1];
        int chars = 0;
        for (int j = 0; j < terms.length; j++) {
            start[j] = chars;
            chars += isAscii(terms[j]) ? terms[j].length() : 0;
        }
        start[terms.length] = chars;
        this.pool = new char[chars];
        int size = Integer.highestOneBit(Math.max(4, terms.length * 2 - 1)) << 1;
        this.slots = new long[size];
        this.mask = size - 1;
        for (int j = 0; j < terms.length; j++) {
            String t = terms[j];
            if (!isAscii(t)) {
                continue; // non-ASCII words take the tokenizer's path
            }
            t.getChars(0, t.length(), pool, start[j]);
            int h = 0;
            for (int i = 0; i < t.length(); i++) {
                h = 31 * h + t.charAt(i);
            }
            int s = mix(h) & mask;
            while (slots[s] != 0) {
                s = (s + 1) & mask;
            }
            slots[s] = ((long) h << 32) | (j + 1L);
        }
    }

    private static boolean isAscii(String t) {
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    private static int mix(int h) {
        return h ^ (h >>> 16) ^ (h >>> 7);
    }

    /** The term id of the lowercase ASCII word {@code w[0, len)} with hash {@code 31*h + c}, or -1. */
    int findAscii(char[] w, int len, int hash) {
        int s = mix(hash) & mask;
        while (true) {
            long e = slots[s];
            if (e == 0) {
                return -1;
            }
            if ((int) (e >>> 32) == hash) {
                int id = (int) e - 1;
                int a = start[id];
                if (start[id + 1] - a == len) {
                    int i = 0;
                    while (i < len && pool[a + i] == w[i]) {
                        i++;
                    }
                    if (i == len) {
                        return id;
                    }
                }
            }
            s = (s + 1) & mask;
        }
    }

    /** {@code idf_j V_j . x} for a dims-vector x. */
    double termDot(int j, double[] x) {
        int vo = j * dims;
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        int d = 0;
        for (; d + 3 < dims; d += 4) {
            a0 += v[vo + d] * x[d];
            a1 += v[vo + d + 1] * x[d + 1];
            a2 += v[vo + d + 2] * x[d + 2];
            a3 += v[vo + d + 3] * x[d + 3];
        }
        for (; d < dims; d++) {
            a0 += v[vo + d] * x[d];
        }
        return idf[j] * ((a0 + a1) + (a2 + a3));
    }

    /** {@code x . y} with four accumulators (a plain loop is bound by the latency of one chain of additions). */
    static double dot(double[] x, double[] y) {
        int n = x.length;
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        int d = 0;
        for (; d + 3 < n; d += 4) {
            a0 += x[d] * y[d];
            a1 += x[d + 1] * y[d + 1];
            a2 += x[d + 2] * y[d + 2];
            a3 += x[d + 3] * y[d + 3];
        }
        for (; d < n; d++) {
            a0 += x[d] * y[d];
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** {@code x += idf_j V_j}. */
    void addTerm(int j, double[] x) {
        int vo = j * dims;
        double w = idf[j];
        for (int d = 0; d < dims; d++) {
            x[d] += w * v[vo + d];
        }
    }
}
