package org.cbtm.smalltalk;

import java.util.List;
import java.util.Objects;

import org.cbtm.cluster.FittedPartition;
import org.cbtm.cluster.Partitioner;
import org.cbtm.corpus.TokenShard;
import org.cbtm.text.token.Tokenizer;

/**
 * Fits SmallTalk's partition (methods 3): tokenises the documents as the experts see them (with the end-of-document
 * token), runs the router EM and shards them with the final routers ({@link RouterEm}).
 */
public record RouterLmPartitioner(RouterEmConfig em, Tokenizer tokenizer, long seed) implements Partitioner {

    public RouterLmPartitioner {
        Objects.requireNonNull(em, "em");
        Objects.requireNonNull(tokenizer, "tokenizer");
    }

    @Override
    public FittedPartition fit(List<String> texts, List<String> labels) {
        if (texts.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a router-LM partition cannot route empty texts: drop them first");
        }
        TokenShard shard = TokenShard.encodeTexts(tokenizer, texts);
        List<int[]> docs = new java.util.ArrayList<>(shard.numDocuments());
        for (int i = 0; i < shard.numDocuments(); i++) {
            docs.add(shard.document(i));
        }
        RouterEm.Result result = RouterEm.run(em, docs, tokenizer.vocabSize(), seed);
        return new RouterLmPartition(em, tokenizer, seed, texts, result);
    }
}
