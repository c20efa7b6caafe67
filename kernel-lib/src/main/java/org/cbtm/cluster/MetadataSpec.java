package org.cbtm.cluster;

/**
 * Partition by a metadata field, one part per value (BTM's domains): K must equal the number of values the field
 * takes in the training documents.
 *
 * @param field "source" (the corpus a document comes from) or "label" (its label within the source)
 */
public record MetadataSpec(String field) implements PartitionSpec {
    public MetadataSpec {
        MetadataPartitioner.Field.parse(field);
    }

    @Override
    public String name() {
        return "metadata";
    }

    @Override
    public Partitioner partitioner(int k, long seed) {
        return new MetadataPartitioner(MetadataPartitioner.Field.parse(field), k);
    }
}
