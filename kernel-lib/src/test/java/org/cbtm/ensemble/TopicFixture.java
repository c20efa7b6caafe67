package org.cbtm.ensemble;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.cbtm.cluster.ClusterModel;
import org.cbtm.cluster.KMeans;
import org.cbtm.cluster.KMeansPartitioner;
import org.cbtm.eval.EvalSequence;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.text.token.TokenizerConfig;

/**
 * A small four-topic corpus with everything the routing tests need: a tokenizer fitted on it (rare pieces, such
 * as the CJK and accented words, fall back to byte tokens or GPT-2 tokens that split characters), a balanced
 * k-means clustering (K = 4, 8-d embedding), and one add-one bigram expert per cluster trained on its documents.
 */
public final class TopicFixture {
    static final String[][] TOPICS = {
        {"river", "boat", "water", "fish", "bank", "shore", "current", "sail", "harbor", "tide", "wave", "anchor"},
        {"court", "judge", "law", "trial", "jury", "verdict", "lawyer", "appeal", "evidence", "witness", "crime", "naïve"},
        {"planet", "star", "orbit", "galaxy", "telescope", "comet", "moon", "gravity", "nebula", "東京", "rocket", "asteroid"},
        {"bread", "flour", "oven", "butter", "sugar", "bake", "dough", "yeast", "crust", "café", "cake", "kitchen"},
    };
    public static final int K = 4;

    public final List<String> texts = new ArrayList<>();
    public final List<String> testTexts = new ArrayList<>();
    public final Tokenizer tokenizer;
    public final ClusterModel clusters;
    public final List<AddOneBigram> experts = new ArrayList<>();
    public final List<EvalSequence> test = new ArrayList<>();

    private static TopicFixture shared;

    /** One instance per test JVM (fitting takes a moment). */
    public static synchronized TopicFixture get() {
        if (shared == null) {
            shared = new TopicFixture();
        }
        return shared;
    }

    private TopicFixture() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 240; i++) {
            texts.add(text(r, i % K));
        }
        for (int i = 0; i < 24; i++) {
            testTexts.add(text(r, i % K));
        }
        tokenizer = Tokenizer.train(texts, new TokenizerConfig(0, 3));
        clusters = new KMeansPartitioner(TfidfSvdEmbedder.Config.reference(3).withDimensions(8),
                KMeans.reference(K, true, 3)).fit(texts);
        int[] assigned = clusters.predict(texts);
        List<List<int[]>> perCluster = new ArrayList<>();
        for (int k = 0; k < K; k++) {
            perCluster.add(new ArrayList<>());
        }
        for (int i = 0; i < texts.size(); i++) {
            perCluster.get(assigned[i]).add(withEod(tokenizer.encode(texts.get(i))));
        }
        for (int k = 0; k < K; k++) {
            experts.add(AddOneBigram.train(perCluster.get(k), tokenizer.vocabSize(), "bigram-" + k));
        }
        int[] testClusters = clusters.predict(testTexts);
        for (int i = 0; i < testTexts.size(); i++) {
            test.add(new EvalSequence("test-" + i, withEod(tokenizer.encode(testTexts.get(i))), "topic" + (i % K),
                    testClusters[i]));
        }
    }

    private static String text(SplittableRandom r, int topic) {
        StringBuilder sb = new StringBuilder("The ");
        for (int w = 0; w < 14; w++) {
            String[] voc = r.nextInt(6) == 0 ? TOPICS[r.nextInt(K)] : TOPICS[topic];
            sb.append(voc[r.nextInt(voc.length)]).append(r.nextInt(4) == 0 ? ", and " : " ");
        }
        return sb.append("— fin.").toString();
    }

    public static int[] withEod(int[] tokens) {
        int[] t = java.util.Arrays.copyOf(tokens, tokens.length + 1);
        t[tokens.length] = Tokenizer.EOD;
        return t;
    }
}
