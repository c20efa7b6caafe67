package org.cbtm.cluster;

import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How a C-BTM run splits its training data into K parts (methods 1.2): the partition axis of an experiment grid.
 * A spec knows its name in tables ("balanced", "random", ...) and builds the {@link Partitioner} for a K and a seed;
 * a spec whose fit is expensive (k-means) also says how to store and reload its fitted partition, so that the
 * experiment caches it. A new way to partition (BTM's metadata domains, SmallTalk's router-LM EM, ...) is one class
 * implementing this interface.
 *
 * <p>Specs are immutable records: they are part of every cache key (canonical JSON with the class name) and of
 * every provenance.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "@partition")
public interface PartitionSpec {

    /** The method's name in tables, legends and the palette: "balanced", "unbalanced", "random", "metadata". */
    String name();

    /** The partitioner of K parts with this seed. */
    Partitioner partitioner(int k, long seed);

    /** Whether fitting is worth caching: then {@link #save} and {@link #load} must work. */
    default boolean storesFit() {
        return false;
    }

    /** Writes a fitted partition of this spec to {@code file} (specs with {@link #storesFit()}). */
    default void save(FittedPartition fitted, Path file) {
        throw new UnsupportedOperationException(name() + " partitions are not stored");
    }

    /** Reads what {@link #save} wrote. */
    default FittedPartition load(Path file) {
        throw new UnsupportedOperationException(name() + " partitions are not stored");
    }

    /** Balanced k-means on tf-idf + SVD embeddings (the paper's C-BTM clustering). */
    static PartitionSpec balanced() {
        return new KMeansSpec(true);
    }

    /** Unbalanced (plain Lloyd) k-means on the same embeddings. */
    static PartitionSpec unbalanced() {
        return new KMeansSpec(false);
    }

    /** The random-cluster baseline: a seeded uniform split. */
    static PartitionSpec random() {
        return new RandomSpec();
    }

    /** One part per value of a metadata field ("source" or "label"): BTM's domains. */
    static PartitionSpec metadata(String field) {
        return new MetadataSpec(field);
    }
}
