package org.cbtm.extension;

import java.util.List;

import org.cbtm.cluster.FittedPartition;
import org.cbtm.cluster.PartitionSpec;
import org.cbtm.cluster.Partitioner;

/** A toy partition spec from outside the library: a document's part is its text length mod K. */
public record LengthSpec() implements PartitionSpec {

    @Override
    public String name() {
        return "length";
    }

    @Override
    public Partitioner partitioner(int k, long seed) {
        return (texts, labels) -> new FittedPartition() {
            @Override
            public int numClusters() {
                return k;
            }

            @Override
            public int[] predict(List<String> docs, List<String> docLabels) {
                return docs.stream().mapToInt(t -> t.length() % k).toArray();
            }

            @Override
            public String describe() {
                return "length mod " + k;
            }
        };
    }
}
