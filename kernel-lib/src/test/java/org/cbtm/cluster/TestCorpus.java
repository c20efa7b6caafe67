package org.cbtm.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A small synthetic corpus: documents drawn from a few topic vocabularies, with the topic as label. */
final class TestCorpus {
    static final String[][] TOPICS = {
        {"river", "boat", "water", "fish", "bank", "shore", "current", "sail", "harbor", "tide", "wave", "anchor"},
        {"court", "judge", "law", "trial", "jury", "verdict", "lawyer", "appeal", "evidence", "witness", "sentence", "crime"},
        {"planet", "star", "orbit", "galaxy", "telescope", "comet", "moon", "gravity", "nebula", "cosmos", "rocket", "asteroid"},
        {"bread", "flour", "oven", "butter", "sugar", "bake", "dough", "yeast", "crust", "recipe", "cake", "kitchen"},
    };

    final List<String> texts = new ArrayList<>();
    final List<String> labels = new ArrayList<>();

    TestCorpus(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int t = r.nextInt(TOPICS.length);
            StringBuilder sb = new StringBuilder("The ");
            for (int w = 0; w < 15; w++) {
                String[] voc = r.nextInt(5) == 0 ? TOPICS[r.nextInt(TOPICS.length)] : TOPICS[t];
                sb.append(voc[r.nextInt(voc.length)]).append(r.nextInt(4) == 0 ? ", and " : " ");
            }
            sb.append(1900 + r.nextInt(100)).append('.');
            texts.add(sb.toString());
            labels.add("topic" + t);
        }
    }
}
