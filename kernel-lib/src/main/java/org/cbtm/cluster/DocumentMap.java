package org.cbtm.cluster;

import java.util.Arrays;
import java.util.List;
import org.cbtm.math.DenseMatrix;
import smile.feature.extraction.PCA;

/**
 * A 2-D map of documents: the first two principal components (Smile's PCA: centred, covariance) of their
 * embeddings, for at most {@code maxPoints} documents (a seeded sample, kept in document order, so the plot stays
 * light). The embeddings themselves are not centred (LSA), which is why the map uses PCA rather than the first two
 * SVD dimensions: the first of those is mostly the mean direction.
 *
 * @param index         the documents shown, as row indices into the embeddings, increasing
 * @param x             first principal component of each shown document
 * @param y             second principal component
 * @param varianceShare the share of the total variance of the shown embeddings that each axis explains
 */
public record DocumentMap(int[] index, double[] x, double[] y, double[] varianceShare) {

    public DocumentMap {
        if (index.length != x.length || index.length != y.length) {
            throw new IllegalArgumentException("index, x and y must have the same length");
        }
        if (varianceShare.length != 2) {
            throw new IllegalArgumentException("two variance shares expected, got " + varianceShare.length);
        }
    }

    /** Projects (a sample of at most {@code maxPoints} of) the rows of {@code embeddings} on two principal axes. */
    public static DocumentMap pca(DenseMatrix embeddings, int maxPoints, long seed) {
        int n = embeddings.rows();
        if (n < 3) {
            throw new IllegalArgumentException("a map needs at least 3 documents, got " + n);
        }
        if (maxPoints < 3) {
            throw new IllegalArgumentException("maxPoints must be >= 3, got " + maxPoints);
        }
        int[] index = sample(n, maxPoints, seed);
        double[][] rows = new double[index.length][];
        for (int i = 0; i < index.length; i++) {
            rows[i] = embeddings.row(index[i]);
        }
        PCA pca = PCA.fit(rows);
        double[] share = pca.varianceProportion();
        double[][] xy = pca.getProjection(2).apply(rows);
        double[] x = new double[index.length];
        double[] y = new double[index.length];
        for (int i = 0; i < index.length; i++) {
            x[i] = xy[i][0];
            y[i] = xy[i][1];
        }
        return new DocumentMap(index, x, y, new double[] {share[0], share[1]});
    }

    /** All of {@code 0..n-1} when {@code n <= max}, else {@code max} distinct indices drawn with the seed, sorted. */
    static int[] sample(int n, int max, long seed) {
        if (n <= max) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] chosen = KMeans.randomDocumentIndices(n, max, seed);
        Arrays.sort(chosen);
        return chosen;
    }

    /** The value of each shown document, e.g. its source or its cluster name. */
    public String[] pick(List<String> values) {
        String[] out = new String[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = values.get(index[i]);
        }
        return out;
    }

    /** The cluster of each shown document, as a string. */
    public String[] pick(int[] clusters) {
        String[] out = new String[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = Integer.toString(clusters[index[i]]);
        }
        return out;
    }

    /** The number of documents shown. */
    public int size() {
        return index.length;
    }
}
