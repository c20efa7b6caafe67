package org.cbtm.cluster;

import java.util.List;

import org.cbtm.corpus.Document;

/** A fitted partition: a cluster in {@code [0, numClusters())} for every document. */
public interface FittedPartition {
    int numClusters();

    /** The cluster of each document; {@code labels} may be null unless the partition is by metadata. */
    int[] predict(List<String> texts, List<String> labels);

    default int[] predict(List<String> texts) {
        return predict(texts, null);
    }

    /**
     * The cluster of each document: {@link #predict} on the texts and the documents' labels. A partition by another
     * metadata field overrides this to read its field.
     */
    default int[] assign(List<Document> documents) {
        return predict(documents.stream().map(Document::text).toList(), documents.stream().map(Document::label).toList());
    }

    /** A short human-readable description (kind and settings). */
    String describe();
}
