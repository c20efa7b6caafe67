package org.cbtm.lm.ngram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.cbtm.corpus.TokenShard;
import org.junit.jupiter.api.Test;

class KneserNeySelectedPositionsTest {

    @Test
    void selectedPositionsScoreExactlyLikeTheWholeSequence() {
        Random r = new Random(7);
        List<int[]> docs = new ArrayList<>();
        for (int d = 0; d < 200; d++) {
            int[] doc = new int[5 + r.nextInt(30)];
            for (int i = 0; i < doc.length; i++) {
                doc[i] = 1 + (i == 0 ? r.nextInt(20) : (doc[i - 1] + r.nextInt(3)) % 20);
            }
            docs.add(doc);
        }
        TokenShard shard = TokenShard.ofDocuments(docs, 25);
        for (int order = 1; order <= 5; order++) {
            KneserNeyLM lm = KneserNeyLM.train(shard, new NgramConfig(order));
            for (int trial = 0; trial < 50; trial++) {
                int[] seq = new int[2 + r.nextInt(40)];
                for (int i = 0; i < seq.length; i++) {
                    seq[i] = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(21); // EODs inside, unseen tokens too
                }
                boolean[] mask = new boolean[seq.length - 1];
                for (int t = 0; t < mask.length; t++) {
                    mask[t] = r.nextInt(3) == 0;
                }
                float[] all = lm.sequenceLogProbs(seq);
                float[] some = lm.sequenceLogProbs(seq, mask);
                for (int t = 0; t < mask.length; t++) {
                    if (mask[t]) {
                        assertEquals(all[t], some[t], 0f, "order " + order + " position " + t);
                    }
                }
            }
        }
    }

    @Test
    void maskLengthMustMatch() {
        KneserNeyLM lm = KneserNeyLM.train(TokenShard.ofDocuments(List.of(new int[] {1, 2, 3}), 5), new NgramConfig(2));
        assertThrows(IllegalArgumentException.class, () -> lm.sequenceLogProbs(new int[] {1, 2, 3}, new boolean[3]));
    }
}
