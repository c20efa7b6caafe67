package org.cbtm.cluster;

import java.util.List;

import org.cbtm.corpus.Document;

/**
 * A way to split a corpus into K parts: fitted on documents (texts, and metadata labels where it needs them), it
 * gives a {@link FittedPartition} that assigns a cluster to any document. Implemented by balanced / unbalanced
 * k-means over tf-idf embeddings ({@link KMeansPartitioner}), the random baseline ({@link RandomPartition}) and
 * metadata ({@link MetadataPartitioner}).
 */
public interface Partitioner {
    /** Fits on {@code texts}; {@code labels} (one per text) may be null unless the partitioner needs metadata. */
    FittedPartition fit(List<String> texts, List<String> labels);

    default FittedPartition fit(List<String> texts) {
        return fit(texts, null);
    }

    /** Fits on documents: their texts and labels (a partitioner by another metadata field overrides this). */
    default FittedPartition fitDocuments(List<Document> documents) {
        return fit(documents.stream().map(Document::text).toList(), documents.stream().map(Document::label).toList());
    }
}
