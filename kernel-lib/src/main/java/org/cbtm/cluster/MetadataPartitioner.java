package org.cbtm.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.cbtm.corpus.Document;

/**
 * Partition by a metadata field (cluster = the field's value, as BTM's domains): fitting collects the distinct values,
 * sorted, and cluster {@code j} is the {@code j}-th value. Predicting a value not seen at fit time is an error.
 * {@link #fit(List, List)} takes the values directly; {@link #fitDocuments} reads the configured field.
 */
public final class MetadataPartitioner implements Partitioner {

    /** Which metadata field of a {@link Document} the parts follow. */
    public enum Field {
        SOURCE(Document::source), LABEL(Document::label);

        private final Function<Document, String> read;

        Field(Function<Document, String> read) {
            this.read = read;
        }

        /** The field's value for each document. */
        public List<String> values(List<Document> documents) {
            return documents.stream().map(read).toList();
        }

        /** "source" or "label" (any case). */
        public static Field parse(String name) {
            if (name != null) {
                for (Field f : values()) {
                    if (f.name().equalsIgnoreCase(name.trim())) {
                        return f;
                    }
                }
            }
            throw new IllegalArgumentException("unknown metadata field '" + name + "': use \"source\" or \"label\"");
        }

        public String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Field field;
    private final int expectedK;

    /** Parts by the documents' labels, as many as there are values. */
    public MetadataPartitioner() {
        this(Field.LABEL, 0);
    }

    /**
     * Parts by {@code field}; {@code expectedK} > 0 requires that many values (so that a grid's K and the metadata
     * agree), 0 takes as many as there are.
     */
    public MetadataPartitioner(Field field, int expectedK) {
        this.field = field;
        this.expectedK = expectedK;
    }

    @Override
    public FittedPartition fitDocuments(List<Document> documents) {
        return fit(documents.stream().map(Document::text).toList(), field.values(documents));
    }

    @Override
    public Partition fit(List<String> texts, List<String> labels) {
        if (labels == null) {
            throw new IllegalArgumentException("a metadata partition needs one " + field.lower() + " per document");
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
                throw new IllegalArgumentException("a document without a " + field.lower());
            }
            values.add(l);
        }
        if (expectedK > 0 && values.size() != expectedK) {
            throw new IllegalArgumentException("the " + field.lower() + " field takes " + values.size()
                    + " values in the training documents " + values + ", so a metadata partition has K = " + values.size()
                    + ", not " + expectedK);
        }
        return new Partition(new ArrayList<>(values), field);
    }

    /** The fitted metadata partition: cluster {@code j} = {@code labels().get(j)}. */
    public record Partition(List<String> labels, Field field) implements FittedPartition {
        public Partition {
            labels = List.copyOf(labels);
            field = field == null ? Field.LABEL : field;
        }

        public Partition(List<String> labels) {
            this(labels, Field.LABEL);
        }

        @Override
        public int numClusters() {
            return labels.size();
        }

        @Override
        public int[] assign(List<Document> documents) {
            return predict(null, field.values(documents));
        }

        @Override
        public int[] predict(List<String> texts, List<String> docLabels) {
            if (docLabels == null) {
                throw new IllegalArgumentException("a metadata partition needs the documents' " + field.lower() + "s");
            }
            Map<String, Integer> index = IntStream.range(0, labels.size()).boxed()
                    .collect(Collectors.toMap(labels::get, i -> i));
            int[] out = new int[docLabels.size()];
            for (int i = 0; i < out.length; i++) {
                Integer c = index.get(docLabels.get(i));
                if (c == null) {
                    throw new IllegalArgumentException(field.lower() + " '" + docLabels.get(i) + "' of document " + i
                            + " was not seen at fit time (known: " + labels + ")");
                }
                out[i] = c;
            }
            return out;
        }

        @Override
        public String describe() {
            return "metadata partition over " + labels.size() + " " + field.lower() + "s";
        }
    }
}
