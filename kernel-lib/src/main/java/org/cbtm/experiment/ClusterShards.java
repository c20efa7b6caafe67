package org.cbtm.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cbtm.cluster.FittedPartition;
import org.cbtm.corpus.Document;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.corpus.TokenShard;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * The training data of K experts: every document assigned to a cluster by a fitted partition (nearest centroid
 * for k-means, methods 1.2: balancing only estimated the centres), then tokenised into one {@link TokenShard}
 * per cluster. This is the file-level interface between clustering and the independent expert jobs: each job
 * reads one shard and nothing else.
 *
 * @param assignment the cluster of each input document, in input order
 * @param shards     shard k holds the documents of cluster k in input order (possibly empty: zero documents)
 */
public record ClusterShards(int[] assignment, List<TokenShard> shards) {

    public ClusterShards {
        shards = List.copyOf(shards);
    }

    /** Assigns {@code documents} with {@code partition} and tokenises each cluster's documents. */
    public static ClusterShards build(FittedPartition partition, List<Document> documents, Tokenizer tokenizer) {
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("no documents to split into clusters");
        }
        int[] assignment = partition.assign(documents);
        return fromAssignment(assignment, partition.numClusters(), documents, tokenizer);
    }

    /** Tokenises documents already assigned to {@code k} clusters. */
    public static ClusterShards fromAssignment(int[] assignment, int k, List<Document> documents, Tokenizer tokenizer) {
        if (assignment.length != documents.size()) {
            throw new IllegalArgumentException(assignment.length + " cluster ids for " + documents.size() + " documents");
        }
        TokenShard all = TokenShard.encode(tokenizer, documents);
        if (all.numDocuments() != documents.size()) {
            throw new IllegalArgumentException((documents.size() - all.numDocuments())
                    + " documents have empty text; drop them before clustering");
        }
        List<TokenShard> shards = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            int cluster = c;
            int[] members = java.util.stream.IntStream.range(0, assignment.length)
                    .filter(i -> assignment[i] == cluster).toArray();
            shards.add(members.length == 0
                    ? TokenShard.ofDocuments(List.of(), tokenizer.vocabSize())
                    : all.select(members));
        }
        return new ClusterShards(assignment.clone(), shards);
    }

    public int numClusters() {
        return shards.size();
    }

    public TokenShard shard(int k) {
        return shards.get(k);
    }

    /** Documents and tokens per cluster. */
    public Table sizes() {
        IntColumn cluster = IntColumn.create("cluster");
        IntColumn docs = IntColumn.create("documents");
        LongColumn tokens = LongColumn.create("tokens");
        for (int c = 0; c < shards.size(); c++) {
            cluster.append(c);
            docs.append(shards.get(c).numDocuments());
            tokens.append(shards.get(c).numTokens());
        }
        return Table.create("cluster shards", cluster, docs, tokens);
    }

    /** Writes {@code shard-<k>.bin} for every cluster into {@code dir} (each file atomically). */
    public List<Path> save(Path dir) {
        List<Path> paths = new ArrayList<>();
        for (int c = 0; c < shards.size(); c++) {
            paths.add(shards.get(c).save(shardPath(dir, c)));
        }
        return paths;
    }

    /** Where {@link #save} puts cluster {@code k}'s shard. */
    public static Path shardPath(Path dir, int k) {
        return dir.resolve("shard-" + k + ".bin");
    }

    /** True when every shard file of a K-cluster split exists in {@code dir}. */
    public static boolean saved(Path dir, int k) {
        for (int c = 0; c < k; c++) {
            if (!Files.isRegularFile(shardPath(dir, c))) {
                return false;
            }
        }
        return true;
    }

}
