package org.cbtm.route;

import java.util.Objects;

import org.cbtm.cluster.ClusterModel;
import org.cbtm.eval.EvalSequence;
import org.cbtm.math.DenseMatrix;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.token.Tokenizer;

/**
 * The C-BTM router (methods 1.4): at every position the decoded text of the prefix {@code x_<t} is embedded with
 * the clustering's tf-idf + SVD embedder, {@code d_k = ||embed(x_<t) - c_k||^2}, and the weights are
 * {@code softmax(-d/T)} (or the reference's {@code softmax(-d^2/T)}) over the top-k experts.
 *
 * <p>The prefix is decoded one token at a time with an incremental UTF-8 decoder (a token may hold part of a
 * character) and its embedding is kept up to date incrementally, as the {@code PrefixEmbedder} of the tf-idf
 * package does, but in the centres' coordinates ({@link PrefixState}): a step that changes the prefix's terms costs
 * O(dims + K), any other step (stop words, punctuation, unknown words) copies the previous row. The result equals
 * embedding every prefix from scratch (the tests check it against {@code TfidfSvdEmbedder.embed} of the decoded
 * prefix). A prefix without known terms, in particular the empty one, embeds to the zero vector, so its distances
 * are the centres' squared norms.
 */
public final class CentroidRouter implements Router {
    private final CentroidTables tables;
    private final TokenBytes tokenBytes;
    private final TokenTails tails;
    private final RoutingConfig config;

    /** Routes over the centres of {@code model}, decoding token ids with {@code tokenizer}. */
    public CentroidRouter(ClusterModel model, Tokenizer tokenizer, RoutingConfig config) {
        this(model.embedder(), model.centres(), TokenBytes.of(tokenizer), config);
    }

    /** Routes over {@code centres} ({@code K x dims}) in the space of {@code embedder}. */
    public CentroidRouter(TfidfSvdEmbedder embedder, DenseMatrix centres, TokenBytes tokenBytes, RoutingConfig config) {
        this(new CentroidTables(Objects.requireNonNull(embedder, "embedder"), Objects.requireNonNull(centres, "centres")),
                Objects.requireNonNull(tokenBytes, "tokenBytes"), null, config);
    }

    private CentroidRouter(CentroidTables tables, TokenBytes tokenBytes, TokenTails tails, RoutingConfig config) {
        this.tables = tables;
        this.tokenBytes = tokenBytes;
        this.tails = tails != null ? tails : new TokenTails(tables, tokenBytes);
        this.config = Objects.requireNonNull(config, "config");
    }

    public RoutingConfig config() {
        return config;
    }

    /** The same centres and embedder with other settings (top-k, T, distance form); shares the precomputed tables. */
    public CentroidRouter with(RoutingConfig other) {
        return new CentroidRouter(tables, tokenBytes, tails, other);
    }

    /** The centres ({@code K x dims}, a copy). */
    public DenseMatrix centres() {
        return tables.centres.copy();
    }

    @Override
    public int numExperts() {
        return tables.k;
    }

    @Override
    public int maxActiveExperts() {
        return config.effectiveTopK(tables.k);
    }

    @Override
    public RoutingWeights route(EvalSequence sequence) {
        int[] tokens = sequence.tokens();
        int k = tables.k;
        int rows = Math.max(0, tokens.length - 1);
        double[] w = new double[rows * k];
        PrefixState state = new PrefixState(tables, tokenBytes, tails);
        double[] dist = new double[k];
        boolean[] keep = new boolean[k];
        for (int t = 1; t <= rows; t++) {
            // the prefix grows by token t-1 only: token t, the one predicted with this row, is never read
            state.append(tokens[t - 1]);
            if (t > 1 && !state.changed()) {
                System.arraycopy(w, (t - 2) * k, w, (t - 1) * k, k);
            } else {
                state.distances(dist);
                config.weightsFromDistances(dist, k, w, (t - 1) * k, keep);
            }
        }
        return new RoutingWeights(rows, k, w);
    }

    @Override
    public double[] nextWeights(EvalSequence context) {
        double[] w = new double[tables.k];
        config.weightsFromDistances(distances(context.tokens()), tables.k, w, 0, new boolean[tables.k]);
        return w;
    }

    /**
     * One weight vector for a whole text (the per-document mode of few-shot evaluation, methods 1.5: the weights of
     * a prompt), from {@code TfidfSvdEmbedder.embed(text)}; equal to {@link #nextWeights} of the text's tokens.
     */
    public double[] weightsForText(String text) {
        double[] e = tables.embedder.embed(text);
        int k = tables.k;
        double[] c = tables.centres.data();
        double[] d = new double[k];
        for (int j = 0; j < k; j++) {
            double sum = 0;
            for (int q = 0; q < tables.dims; q++) {
                double x = e[q] - c[j * tables.dims + q];
                sum += x * x;
            }
            d[j] = sum;
        }
        double[] w = new double[k];
        config.weightsFromDistances(d, k, w, 0, new boolean[k]);
        return w;
    }

    /** The squared distances of the embedding of the prefix {@code tokens} to the centres. */
    public double[] distances(int[] tokens) {
        PrefixState state = new PrefixState(tables, tokenBytes, tails);
        for (int id : tokens) {
            state.append(id);
        }
        double[] d = new double[tables.k];
        state.distances(d);
        return d;
    }

    /** Centre distances (K x dims) plus one SVD row per new term. */
    @Override
    public long inferenceParameters() {
        return (long) tables.k * tables.dims + tables.dims;
    }

    @Override
    public String name() {
        return "centroid " + config.describe();
    }
}
