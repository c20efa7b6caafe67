package org.cbtm.route;

import java.util.Objects;

import org.cbtm.cluster.ClusterModel;
import org.cbtm.eval.EvalSequence;
import org.cbtm.math.BlockOps;
import org.cbtm.math.DenseMatrix;
import org.cbtm.text.tfidf.PrefixEmbedder;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.token.Tokenizer;

/**
 * The C-BTM router (methods 1.4): at every position the decoded text of the prefix {@code x_<t} is embedded with
 * the clustering's tf-idf + SVD embedder, {@code d_k = ||embed(x_<t) - c_k||^2}, and the weights are
 * {@code softmax(-d/T)} (or the reference's {@code softmax(-d^2/T)}) over the top-k experts.
 *
 * <p>The prefix is decoded one token at a time with an incremental UTF-8 decoder and fed to a
 * {@link PrefixEmbedder}, so a document of n tokens costs O(n (terms + K) dims) instead of re-embedding every
 * prefix. A prefix without known terms (in particular the empty one) embeds to the zero vector, so its distances
 * are the centres' squared norms.
 */
public final class CentroidRouter implements Router {
    private final TfidfSvdEmbedder embedder;
    private final TokenBytes tokenBytes;
    private final RoutingConfig config;
    private final int k;
    private final int dims;
    private final double[] centresT;   // dims x K, so that all K dot products are one row-times-matrix pass
    private final double[] centreNorms;

    /** Routes over the centres of {@code model}, decoding token ids with {@code tokenizer}. */
    public CentroidRouter(ClusterModel model, Tokenizer tokenizer, RoutingConfig config) {
        this(model.embedder(), model.centres(), TokenBytes.of(tokenizer), config);
    }

    /** Routes over {@code centres} ({@code K x dims}) in the space of {@code embedder}. */
    public CentroidRouter(TfidfSvdEmbedder embedder, DenseMatrix centres, TokenBytes tokenBytes, RoutingConfig config) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.tokenBytes = Objects.requireNonNull(tokenBytes, "tokenBytes");
        this.config = Objects.requireNonNull(config, "config");
        if (centres.cols() != embedder.dimensions()) {
            throw new IllegalArgumentException("centres have " + centres.cols() + " dimensions, the embedder "
                    + embedder.dimensions());
        }
        if (centres.rows() < 1) {
            throw new IllegalArgumentException("no centres");
        }
        this.k = centres.rows();
        this.dims = centres.cols();
        this.centresT = centres.transpose().data();
        this.centreNorms = centres.rowSquaredNorms();
    }

    public RoutingConfig config() {
        return config;
    }

    /** The same centres and embedder with other settings (top-k, T, distance form). */
    public CentroidRouter with(RoutingConfig other) {
        DenseMatrix c = new DenseMatrix(dims, k, centresT).transpose();
        return new CentroidRouter(embedder, c, tokenBytes, other);
    }

    @Override
    public int numExperts() {
        return k;
    }

    @Override
    public int maxActiveExperts() {
        return config.effectiveTopK(k);
    }

    @Override
    public RoutingWeights route(EvalSequence sequence) {
        int[] tokens = sequence.tokens();
        int rows = Math.max(0, tokens.length - 1);
        double[] w = new double[rows * k];
        Scratch s = new Scratch();
        for (int t = 1; t <= rows; t++) {
            // the prefix grows by token t-1 only: token t, the one predicted with this row, is never read
            s.append(tokens[t - 1]);
            if (t > 1 && !s.changed) {
                System.arraycopy(w, (t - 2) * k, w, (t - 1) * k, k);
            } else {
                s.weights(w, (t - 1) * k);
            }
        }
        return new RoutingWeights(rows, k, w);
    }

    @Override
    public double[] nextWeights(EvalSequence context) {
        Scratch s = new Scratch();
        for (int id : context.tokens()) {
            s.append(id);
        }
        double[] w = new double[k];
        s.weights(w, 0);
        return w;
    }

    /** The squared distances of the prefix embedding of {@code tokens} to the centres (for analysis and tests). */
    public double[] distances(int[] tokens) {
        Scratch s = new Scratch();
        for (int id : tokens) {
            s.append(id);
        }
        s.embedder.embedding(s.embedding);
        s.distances();
        return s.dist.clone();
    }

    /** Centre distances (K x dims) plus one SVD row per new term. */
    @Override
    public long inferenceParameters() {
        return (long) k * dims + dims;
    }

    @Override
    public String name() {
        return "centroid " + config.describe();
    }

    /** Per-sequence state: the decoder, the prefix embedder and buffers (one per call: the router is thread-safe). */
    private final class Scratch {
        final Utf8Stream decoder = new Utf8Stream();
        final PrefixEmbedder embedder = CentroidRouter.this.embedder.prefixEmbedder();
        final StringBuilder chars = new StringBuilder(32);
        final double[] embedding = new double[dims];
        final double[] dist = new double[k];
        final boolean[] keep = new boolean[k];
        boolean changed = true;

        void append(int id) {
            chars.setLength(0);
            decoder.feed(tokenBytes.bytes(id), chars);
            // no new character (EOD, or part of a character): the prefix text and so its weights are unchanged
            changed = chars.length() > 0;
            if (changed) {
                embedder.append(chars);
            }
        }

        void weights(double[] out, int off) {
            embedder.embedding(embedding);
            distances();
            config.weightsFromDistances(dist, k, out, off, keep);
        }

        void distances() {
            java.util.Arrays.fill(dist, 0);
            BlockOps.addRowTimes(embedding, 0, dims, centresT, k, dist, 0, false);
            double ee = 0;
            for (int d = 0; d < dims; d++) {
                ee += embedding[d] * embedding[d];
            }
            for (int j = 0; j < k; j++) {
                dist[j] = Math.max(0, ee - 2 * dist[j] + centreNorms[j]);
            }
        }
    }
}
