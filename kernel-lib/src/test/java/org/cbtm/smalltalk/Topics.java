package org.cbtm.smalltalk;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;

/** Synthetic token documents from disjoint topics: topic c draws its tokens from {@code [1 + 20c, 21 + 20c)}, EOD last. */
final class Topics {
    static final int PER_TOPIC = 20;

    private Topics() {
    }

    static int vocab(int topics) {
        return 1 + PER_TOPIC * topics;
    }

    static int[] document(SplittableRandom r, int topic, int length) {
        int[] d = new int[length];
        for (int i = 0; i < length - 1; i++) {
            d[i] = 1 + PER_TOPIC * topic + r.nextInt(PER_TOPIC);
        }
        d[length - 1] = 0;
        return d;
    }

    /** {@code n} documents cycling over the topics, lengths 12 to 40. */
    static List<int[]> documents(int n, int topics, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(document(r, i % topics, 12 + r.nextInt(29)));
        }
        return out;
    }

    /** A KN model of {@code order} trained on the documents of one topic. */
    static KneserNeyLM expert(List<int[]> docs, int topic, int topics, int order) {
        List<int[]> mine = new ArrayList<>();
        for (int i = topic; i < docs.size(); i += topics) {
            int[] d = docs.get(i);
            mine.add(java.util.Arrays.copyOf(d, d.length - 1)); // ofDocuments appends the EOD
        }
        return KneserNeyLM.train(TokenShard.ofDocuments(mine, vocab(topics)), new NgramConfig(order));
    }
}
