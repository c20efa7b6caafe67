package org.cbtm.cluster;

import java.nio.file.Path;

/**
 * C-BTM's clustering as a partition spec: tf-idf + SVD embeddings, k-means with the reference settings, balanced
 * (the paper) or not (the ablation). Fits are cached by the experiment ({@link ClusterModel} files).
 *
 * @param balanced whether every cluster gets the same number of documents (methods 1.2)
 */
public record KMeansSpec(boolean balanced) implements PartitionSpec {

    @Override
    public String name() {
        return balanced ? "balanced" : "unbalanced";
    }

    @Override
    public Partitioner partitioner(int k, long seed) {
        return KMeansPartitioner.reference(k, balanced, seed);
    }

    @Override
    public boolean storesFit() {
        return true;
    }

    @Override
    public void save(FittedPartition fitted, Path file) {
        ((ClusterModel) fitted).save(file);
    }

    @Override
    public FittedPartition load(Path file) {
        return ClusterModel.load(file);
    }
}
