package org.cbtm.text.tfidf;

import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.cbtm.math.DenseKernels;
import org.cbtm.math.DenseMatrix;
import org.cbtm.math.Vectors;

/**
 * The C-BTM document embedder, methods.md 1.1: tf-idf ({@link TfidfVectorizer}), truncated SVD to
 * {@code dimensions} (100 in the reference; not centred) and L2 normalisation of each row (a zero row stays zero).
 * Fitted once, on one shard; deterministic for a seed.
 *
 * <p>Because the final normalisation removes any scale, {@code embed(x) = normalise(V^T (tf(x) * idf))}: the
 * tf-idf row norm cancels, which is what makes the O(dimensions)-per-term {@link PrefixEmbedder} exact.
 */
public final class TfidfSvdEmbedder {

    /**
     * Settings. {@code dimensions}: SVD components (reference 100); {@code oversamples} and
     * {@code powerIterations}: of the randomized SVD (scikit-learn's defaults 10 and 5); {@code seed}: of the SVD's
     * random test matrix.
     */
    public record Config(int dimensions, TfidfVectorizer.Config tfidf, int oversamples, int powerIterations, long seed) {
        public Config {
            Objects.requireNonNull(tfidf, "tfidf");
            if (dimensions < 1) {
                throw new IllegalArgumentException("dimensions must be >= 1, got " + dimensions);
            }
            if (oversamples < 0 || powerIterations < 0) {
                throw new IllegalArgumentException("oversamples and powerIterations must be >= 0");
            }
        }

        /** The reference settings: 100 dimensions, no vocabulary pruning, 10 oversamples, 5 power iterations. */
        public static Config reference(long seed) {
            return new Config(100, TfidfVectorizer.Config.reference(), 10, 5, seed);
        }

        public Config withDimensions(int d) {
            return new Config(d, tfidf, oversamples, powerIterations, seed);
        }
    }

    /** A fitted embedder and the embeddings of the documents it was fitted on. */
    public record Fit(TfidfSvdEmbedder embedder, DenseMatrix embeddings) {
    }

    private final Config config;
    private final TfidfVectorizer vectorizer;
    private final DenseMatrix components; // vocabulary x dimensions
    private final double[] singularValues;
    private final double[] v;             // components.data()
    private final int dims;
    private final ThreadLocal<TfidfVectorizer.Counter> counters;

    /** Assembles a fitted embedder (used by {@link #fit} and by loading a saved one). */
    public TfidfSvdEmbedder(Config config, TfidfVectorizer vectorizer, DenseMatrix components, double[] singularValues) {
        if (components.rows() != vectorizer.vocabularySize() || components.cols() != config.dimensions()) {
            throw new IllegalArgumentException("components are " + components.rows() + " x " + components.cols()
                    + ", expected " + vectorizer.vocabularySize() + " x " + config.dimensions());
        }
        this.config = config;
        this.vectorizer = vectorizer;
        this.components = components;
        this.singularValues = singularValues.clone();
        this.v = components.data();
        this.dims = config.dimensions();
        this.counters = ThreadLocal.withInitial(() -> new TfidfVectorizer.Counter(vectorizer.vocabularySize()));
    }

    /** Fits on {@code docs} (one shard). Throws on an empty corpus or one with no usable terms. */
    public static TfidfSvdEmbedder fit(List<String> docs, Config config) {
        return fitTransform(docs, config).embedder();
    }

    /** Fits on {@code docs} and returns their embeddings too (one row per document). */
    public static Fit fitTransform(List<String> docs, Config config) {
        TfidfVectorizer.Fit tf = TfidfVectorizer.fitTransform(docs, config.tfidf());
        RandomizedSvd.Result svd = RandomizedSvd.compute(tf.matrix(), config.dimensions(), config.oversamples(),
                config.powerIterations(), config.seed());
        TfidfSvdEmbedder e = new TfidfSvdEmbedder(config, tf.vectorizer(), svd.components(), svd.singularValues());
        DenseMatrix emb = tf.matrix().multiply(svd.components());
        int k = config.dimensions();
        double[] d = emb.data();
        for (int i = 0; i < emb.rows(); i++) {
            Vectors.normalize(d, i * k, k);
        }
        return new Fit(e, emb);
    }

    public Config config() {
        return config;
    }

    public int dimensions() {
        return dims;
    }

    public TfidfVectorizer vectorizer() {
        return vectorizer;
    }

    /** The SVD loadings, {@code vocabulary x dimensions} (row {@code j} = term {@code j}). Do not modify. */
    public DenseMatrix components() {
        return components;
    }

    public double[] singularValues() {
        return singularValues.clone();
    }

    /** Embeds one text (unit norm, or zero when it has no known term). */
    public double[] embed(String text) {
        double[] out = new double[dims];
        embedInto(text, out, 0);
        return out;
    }

    private void embedInto(String text, double[] out, int off) {
        TfidfVectorizer.Counter c = counters.get();
        vectorizer.count(text, c);
        double[] w = c.weights;
        for (int t = 0; t < c.size; t++) {
            int id = c.touched[t];
            w[t] = c.counts[id] * vectorizer.idf(id);
        }
        // the un-normalised tf-idf row times the loadings; the L2 norm of the tf-idf row cancels in the normalisation
        DenseKernels.sparseRow(w, c.touched, 0, c.size, v, dims, out, off);
        c.clear();
        Vectors.normalize(out, off, dims);
    }

    /** Embeds every text, in parallel; row {@code i} is the embedding of {@code texts.get(i)}. */
    public DenseMatrix transform(List<String> texts) {
        int n = texts.size();
        DenseMatrix out = new DenseMatrix(n, dims);
        double[] od = out.data();
        int chunk = 512;
        IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(b -> {
            int to = Math.min(n, (b + 1) * chunk);
            for (int i = b * chunk; i < to; i++) {
                embedInto(texts.get(i), od, i * dims);
            }
        });
        return out;
    }

    /** Adds {@code weight * V[term]} to {@code sum} (package use by the prefix embedder). */
    void addTerm(int id, double[] sum) {
        Vectors.axpy(vectorizer.idf(id), v, id * dims, sum, 0, dims);
    }

    /** A new incremental embedder of a growing text, exact with respect to {@link #embed}. */
    public PrefixEmbedder prefixEmbedder() {
        return new PrefixEmbedder(this);
    }

    /**
     * Maps a point of the embedding space back to term space, {@code V p} (one weight per vocabulary term): used
     * for the top terms of a cluster centre.
     */
    public double[] toTermSpace(double[] point) {
        if (point.length != dims) {
            throw new IllegalArgumentException("point has " + point.length + " values, not " + dims);
        }
        int d = vectorizer.vocabularySize();
        double[] out = new double[d];
        for (int j = 0; j < d; j++) {
            out[j] = Vectors.dot(v, j * dims, point, 0, dims);
        }
        return out;
    }
}
