package org.cbtm.smalltalk;

import java.util.List;
import java.util.Locale;

import org.cbtm.cluster.FittedPartition;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.token.Tokenizer;

/**
 * A fitted SmallTalk partition (methods 3): the final router LMs, the EM's rounds, and the balanced assignment of the
 * texts it was fitted on (stage 2's shards). {@link #predict} of exactly those texts returns that assignment; any
 * other texts are routed as at inference, by the argmax of the routers on their first M tokens, without balancing.
 * Closing it closes the routers.
 */
public final class RouterLmPartition implements FittedPartition, AutoCloseable {
    private final RouterEmConfig em;
    private final Tokenizer tokenizer;
    private final long seed;
    private final List<String> trainTexts;
    private final RouterEm.Result result;
    private CentroidPrefixScorer centroids;

    RouterLmPartition(RouterEmConfig em, Tokenizer tokenizer, long seed, List<String> trainTexts, RouterEm.Result result) {
        this.em = em;
        this.tokenizer = tokenizer;
        this.seed = seed;
        this.trainTexts = List.copyOf(trainTexts);
        this.result = result;
    }

    public RouterEmConfig em() {
        return em;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The final routers (owned by this partition). */
    public RouterLms routers() {
        return result.routers();
    }

    /** The EM's rounds, first to last. */
    public List<RouterEm.Round> rounds() {
        return result.rounds();
    }

    /** Tokens the routers were trained on, over all rounds and routers (their training cost). */
    public long routerTrainingTokens() {
        return result.routerTrainingTokens();
    }

    /** The texts the partition was fitted on. */
    public List<String> trainTexts() {
        return trainTexts;
    }

    /** Their balanced assignment (stage 2), a copy. */
    public int[] trainAssignment() {
        return result.assignment().clone();
    }

    /** A hard router over these routers reading {@code m} tokens. */
    public PrefixRouter router(int m, PrefixForm form) {
        return new PrefixRouter(result.routers(), m, form);
    }

    /**
     * The tf-idf baseline on the same parts: an embedder fitted on the training texts (C-BTM's reference settings,
     * this partition's seed) and one centre per part at its texts' mean embedding. Fitted once.
     */
    public synchronized CentroidPrefixScorer centroidScorer() {
        if (centroids == null) {
            centroids = CentroidPrefixScorer.fit(trainTexts, result.assignment(), em.experts(),
                    TfidfSvdEmbedder.Config.reference(seed), tokenizer);
        }
        return centroids;
    }

    @Override
    public int numClusters() {
        return em.experts();
    }

    @Override
    public int[] predict(List<String> texts, List<String> labels) {
        if (texts.equals(trainTexts)) {
            return result.assignment().clone();
        }
        PrefixRouter router = router(em.prefixLength(), PrefixForm.CAUSAL);
        return texts.parallelStream().mapToInt(t -> {
            int[] ids = tokenizer.encode(t);
            int[] withEod = java.util.Arrays.copyOf(ids, ids.length + 1);
            withEod[ids.length] = Tokenizer.EOD;
            return router.route(withEod);
        }).toArray();
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "router-LM partition (SmallTalk): E = %d, M = %d, %s routers, %d EM rounds "
                + "on samples of %d, seed %d", em.experts(), em.prefixLength(), em.routers().name(), em.rounds(),
                em.sampleSize(), seed);
    }

    @Override
    public void close() {
        result.close();
    }
}
