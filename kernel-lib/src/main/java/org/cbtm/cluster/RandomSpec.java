package org.cbtm.cluster;

/** The random-cluster baseline as a partition spec: each document's cluster is a seeded hash of its text. */
public record RandomSpec() implements PartitionSpec {

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Partitioner partitioner(int k, long seed) {
        return new RandomPartition(k, seed);
    }
}
