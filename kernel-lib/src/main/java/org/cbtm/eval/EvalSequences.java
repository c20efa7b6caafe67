package org.cbtm.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.cbtm.cluster.FittedPartition;
import org.cbtm.corpus.Document;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.corpus.TokenShard;

/** Builds evaluation sequences (methods 1.5: one held-out document per sequence, ending with EOD). */
public final class EvalSequences {

    private EvalSequences() {
    }

    /**
     * Tokenises {@code documents} (in parallel, order kept), appends EOD, and labels each with its source and, when
     * {@code partition} is not null, its cluster (the partition's prediction on the whole text, as the corpus is
     * assigned). Documents with empty text are skipped.
     */
    public static List<EvalSequence> of(Tokenizer tokenizer, List<Document> documents, FittedPartition partition) {
        List<Document> kept = documents.stream().filter(d -> !d.text().isEmpty()).toList();
        int[] clusters = partition == null ? null
                : partition.assign(kept);
        int[][] encoded = IntStream.range(0, kept.size()).parallel()
                .mapToObj(i -> tokenizer.encode(kept.get(i).text())).toArray(int[][]::new);
        List<EvalSequence> out = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            int[] t = java.util.Arrays.copyOf(encoded[i], encoded[i].length + 1);
            t[t.length - 1] = Tokenizer.EOD;
            Document d = kept.get(i);
            out.add(new EvalSequence(d.id(), t, d.source(), clusters == null ? EvalSequence.NO_CLUSTER : clusters[i]));
        }
        return out;
    }

    /** The documents of a shard without labels (ids are the document indices). */
    public static List<EvalSequence> of(TokenShard shard) {
        return of(shard, null, null);
    }

    /**
     * The documents of a shard, with optional per-document {@code clusters} and {@code sources} (either may be
     * null; otherwise one per document).
     */
    public static List<EvalSequence> of(TokenShard shard, int[] clusters, List<String> sources) {
        int n = shard.numDocuments();
        if (clusters != null && clusters.length != n) {
            throw new IllegalArgumentException(clusters.length + " clusters for " + n + " documents");
        }
        if (sources != null && sources.size() != n) {
            throw new IllegalArgumentException(sources.size() + " sources for " + n + " documents");
        }
        List<EvalSequence> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new EvalSequence(Integer.toString(i), shard.document(i), sources == null ? "" : sources.get(i),
                    clusters == null ? EvalSequence.NO_CLUSTER : clusters[i]));
        }
        return out;
    }
}
