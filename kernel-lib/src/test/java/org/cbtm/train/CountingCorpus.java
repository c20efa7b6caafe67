package org.cbtm.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.cbtm.corpus.TokenShard;

/**
 * A tiny "language" for trainer tests: each document counts upwards from a random start (ids 1..vocab-1, wrapping)
 * for 5 to 12 tokens, so every token but the first of a document (and the EOD) is determined by the previous one.
 */
public final class CountingCorpus {

    private CountingCorpus() {
    }

    public static TokenShard of(int docs, long seed, int vocab) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            int[] doc = new int[5 + r.nextInt(8)];
            int start = r.nextInt(vocab - 1);
            for (int i = 0; i < doc.length; i++) {
                doc[i] = 1 + (start + i) % (vocab - 1);
            }
            out.add(doc);
        }
        return TokenShard.ofDocuments(out, vocab);
    }
}
