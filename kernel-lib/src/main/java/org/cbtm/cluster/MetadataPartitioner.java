package org.cbtm.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Partition by a metadata label (cluster = label value, as BTM's domains): fitting collects the distinct labels,
 * sorted, and cluster {@code j} is the {@code j}-th label. Predicting a label not seen at fit time is an error.
 */
public final class MetadataPartitioner implements Partitioner {

    @Override
    public Partition fit(List<String> texts, List<String> labels) {
        if (labels == null) {
            throw new IllegalArgumentException("a metadata partition needs one label per document");
        }
        if (texts != null && texts.size() != labels.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + labels.size() + " labels");
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("cannot fit a metadata partition on an empty corpus");
        }
        TreeSet<String> values = new TreeSet<>();
        for (String l : labels) {
            if (l == null) {
                throw new IllegalArgumentException("null label");
            }
            values.add(l);
        }
        return new Partition(new ArrayList<>(values));
    }

    /** The fitted metadata partition: cluster {@code j} = {@code labels().get(j)}. */
    public record Partition(List<String> labels) implements FittedPartition {
        public Partition {
            labels = List.copyOf(labels);
        }

        @Override
        public int numClusters() {
            return labels.size();
        }

        @Override
        public int[] predict(List<String> texts, List<String> docLabels) {
            if (docLabels == null) {
                throw new IllegalArgumentException("a metadata partition needs the documents' labels");
            }
            Map<String, Integer> index = IntStream.range(0, labels.size()).boxed()
                    .collect(Collectors.toMap(labels::get, i -> i));
            int[] out = new int[docLabels.size()];
            for (int i = 0; i < out.length; i++) {
                Integer c = index.get(docLabels.get(i));
                if (c == null) {
                    throw new IllegalArgumentException("label '" + docLabels.get(i) + "' of document " + i
                            + " was not seen at fit time (known: " + labels + ")");
                }
                out[i] = c;
            }
            return out;
        }

        @Override
        public String describe() {
            return "metadata partition over " + labels.size() + " labels";
        }
    }
}
