package org.cbtm.cluster;

import org.cbtm.base.Provenance;

import java.util.List;
import java.util.Objects;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;

/**
 * C-BTM clustering as a {@link Partitioner}: fit the tf-idf + SVD embedder on the documents (one shard), fit
 * k-means (balanced or not) on their embeddings; the fitted {@link ClusterModel} assigns documents to the nearest
 * centre.
 */
public record KMeansPartitioner(TfidfSvdEmbedder.Config embedding, KMeans kmeans) implements Partitioner {
    public KMeansPartitioner {
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(kmeans, "kmeans");
    }

    /** The reference settings: 100-d embedding, K clusters, balanced or not, one seed for both. */
    public static KMeansPartitioner reference(int k, boolean balanced, long seed) {
        return new KMeansPartitioner(TfidfSvdEmbedder.Config.reference(seed), KMeans.reference(k, balanced, seed));
    }

    @Override
    public ClusterModel fit(List<String> texts) {
        return fit(texts, null);
    }

    @Override
    public ClusterModel fit(List<String> texts, List<String> labels) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("cannot cluster an empty corpus");
        }
        if (texts.size() < kmeans.k()) {
            throw new IllegalArgumentException("K = " + kmeans.k() + " clusters need at least K documents, got "
                    + texts.size());
        }
        TfidfSvdEmbedder.Fit fit = TfidfSvdEmbedder.fitTransform(texts, embedding);
        KMeansModel model = kmeans.fit(fit.embeddings());
        return new ClusterModel(fit.embedder(), model, Provenance.ofTexts("c-btm k-means", this, kmeans.seed(), texts));
    }
}
