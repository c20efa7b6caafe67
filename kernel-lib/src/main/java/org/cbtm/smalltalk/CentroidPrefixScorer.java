package org.cbtm.smalltalk;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.cbtm.eval.EvalSequence;
import org.cbtm.math.DenseMatrix;
import org.cbtm.route.CentroidRouter;
import org.cbtm.route.RoutingConfig;
import org.cbtm.route.RoutingWeights;
import org.cbtm.route.TokenBytes;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.token.Tokenizer;

/**
 * The tf-idf baseline of SmallTalk's routing comparison (methods 3): the prefix is embedded with a tf-idf + SVD
 * embedder (C-BTM's, methods 1.1) and scored by its closeness to each part's centre, the mean embedding of the part's
 * training documents. Hard routing picks the nearest centre. The running scores come from C-BTM's incremental
 * {@link CentroidRouter} (top-1), so every row reads only the tokens before it.
 */
public final class CentroidPrefixScorer implements PrefixScorer {
    private final CentroidRouter router;
    private final int k;

    /** Scores by the distance to {@code centres} ({@code E x dims}) in the space of {@code embedder}. */
    public CentroidPrefixScorer(TfidfSvdEmbedder embedder, DenseMatrix centres, Tokenizer tokenizer) {
        Objects.requireNonNull(embedder, "embedder");
        this.k = centres.rows();
        if (k < 2) {
            throw new IllegalArgumentException("a prefix router needs E >= 2 centres, got " + k);
        }
        this.router = new CentroidRouter(embedder, centres, TokenBytes.of(tokenizer), RoutingConfig.topK(1));
    }

    /**
     * Fits the embedder on {@code texts} and places each part's centre at the mean embedding of its texts
     * ({@code assignment[i]} is text i's part, in {@code [0, parts)}; every part needs a text).
     */
    public static CentroidPrefixScorer fit(List<String> texts, int[] assignment, int parts, TfidfSvdEmbedder.Config config,
                                           Tokenizer tokenizer) {
        if (texts.size() != assignment.length) {
            throw new IllegalArgumentException(assignment.length + " parts for " + texts.size() + " texts");
        }
        TfidfSvdEmbedder.Fit fit = TfidfSvdEmbedder.fitTransform(texts, config);
        DenseMatrix emb = fit.embeddings();
        int dims = emb.cols();
        double[] c = new double[parts * dims];
        int[] count = new int[parts];
        double[] x = emb.data();
        for (int i = 0; i < assignment.length; i++) {
            int p = assignment[i];
            count[p]++;
            for (int q = 0; q < dims; q++) {
                c[p * dims + q] += x[i * dims + q];
            }
        }
        for (int p = 0; p < parts; p++) {
            if (count[p] == 0) {
                throw new IllegalArgumentException("part " + p + " has no texts: no centre to route to");
            }
            for (int q = 0; q < dims; q++) {
                c[p * dims + q] /= count[p];
            }
        }
        return new CentroidPrefixScorer(fit.embedder(), new DenseMatrix(parts, dims, c), tokenizer);
    }

    @Override
    public int numExperts() {
        return k;
    }

    /** Row l: 1 for the centre nearest to the embedding of {@code prefix[0..l]}, 0 elsewhere. */
    @Override
    public double[][] runningScores(int[] prefix) {
        double[][] out = new double[prefix.length][];
        if (prefix.length == 0) {
            return out;
        }
        // one token more than the prefix: row l of the router's weights reads tokens [0..l] only, never the extra one
        int[] padded = Arrays.copyOf(prefix, prefix.length + 1);
        RoutingWeights w = router.route(EvalSequence.of(padded));
        for (int l = 0; l < prefix.length; l++) {
            out[l] = w.row(l);
        }
        return out;
    }

    /** The prefix is embedded once. */
    @Override
    public long tokensScored(int length) {
        return length;
    }

    @Override
    public long parameters() {
        return router.inferenceParameters();
    }

    @Override
    public String name() {
        return "tf-idf centroids";
    }
}
