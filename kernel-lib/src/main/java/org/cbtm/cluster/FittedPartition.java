package org.cbtm.cluster;

import java.util.List;

/** A fitted partition: a cluster in {@code [0, numClusters())} for every document. */
public interface FittedPartition {
    int numClusters();

    /** The cluster of each document; {@code labels} may be null unless the partition is by metadata. */
    int[] predict(List<String> texts, List<String> labels);

    default int[] predict(List<String> texts) {
        return predict(texts, null);
    }

    /** A short human-readable description (kind and settings). */
    String describe();
}
