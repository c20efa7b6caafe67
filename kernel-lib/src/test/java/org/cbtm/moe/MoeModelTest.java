package org.cbtm.moe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.CorpusManifest;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptLM;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.lm.moe.MoeConfig;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.CheckpointInfo;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoeModelTest {

    static final int VOCAB = 30;

    @BeforeAll
    static void oneThread() {
        org.cbtm.train.TestThreads.single();
    }

    static GptConfig dense(int vocab) {
        return new GptConfig(vocab, 4, 32, 2, 32, 0.0);
    }

    static TokenShard counting(int docs, long seed) {
        return org.cbtm.train.CountingCorpus.of(docs, seed, VOCAB);
    }

    static TrainConfig config(long steps) {
        return TrainConfig.reference(steps * 4 * 16, 4, 16, 3e-3).withEval(0, 64).withCheckpointInterval(0)
                .withLogInterval(5);
    }

    static double maxAbs(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void upcycledAtInitialisationComputesTheDenseModelOnRealText() {
        assumeTrue(CorpusManifest.exists(Corpora.dir()), "the corpus is not built at " + Corpora.dir() + ": skipping");
        var tokenizer = Corpora.tokenizer();
        TokenShard text = TokenShard.encode(tokenizer, Corpora.load().sources("brown").split(Split.TEST).sample(6, 3));
        GptConfig cfg = dense(tokenizer.vocabSize());
        GptWeights denseWeights;
        try (Gpt gpt = Gpt.create(cfg, Device.cpu(), 21)) {
            denseWeights = gpt.weights();
        }
        GptWeights moe = Upcycling.upcycle(denseWeights, MoeConfig.upcycling(4), 0.0, 8);
        assertEquals(List.of(1, 3), List.of(1, 3).stream().filter(i -> moe.config().moeBlock(i)).toList());
        assertFalse(moe.config().moeBlock(0));
        try (GptLM a = GptLM.of(denseWeights, Device.cpu()); GptLM b = GptLM.of(moe, Device.cpu())) {
            double worst = 0;
            for (int d = 0; d < text.numDocuments(); d++) {
                int[] doc = text.document(d);
                int[] seq = java.util.Arrays.copyOf(doc, Math.min(doc.length, cfg.contextLength()));
                worst = Math.max(worst, maxAbs(a.sequenceLogProbs(seq), b.sequenceLogProbs(seq)));
            }
            assertTrue(worst < 1e-4, "upcycled log-probs differ from the dense model's by " + worst);
        }
        // with noise the copies differ, and so does the function
        GptWeights noisy = Upcycling.upcycle(denseWeights, MoeConfig.upcycling(4), 1e-2, 8);
        assertTrue(noisy.tensor("h1.moe.e0.fc.weight")[0] != noisy.tensor("h1.moe.e1.fc.weight")[0]);
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> Upcycling.upcycle(moe, MoeConfig.upcycling(4), 0, 1));
        assertTrue(again.getMessage().contains("already"), again.getMessage());
    }

    @Test
    void branchTrainMixOfIdenticalExpertsEqualsTheSourceModel() {
        GptWeights source;
        try (Gpt gpt = Gpt.create(dense(VOCAB), Device.cpu(), 4)) {
            source = gpt.weights();
        }
        GptWeights btx = BranchTrainMix.merge(List.of(source, source, source), MoeConfig.branchTrainMix(3), 2);
        for (int i = 0; i < 4; i++) {
            assertTrue(btx.config().moeBlock(i), "BTX puts an MoE layer in every block");
        }
        int[] seq = counting(1, 5).document(0);
        try (GptLM a = GptLM.of(source, Device.cpu()); GptLM b = GptLM.of(btx, Device.cpu())) {
            double diff = maxAbs(a.sequenceLogProbs(seq), b.sequenceLogProbs(seq));
            assertTrue(diff < 1e-5, "BTX of identical experts differs from its source by " + diff);
        }
        assertThrows(IllegalArgumentException.class, () -> BranchTrainMix.merge(List.of(source), MoeConfig.branchTrainMix(2), 1));
    }

    @Test
    void mergedExpertsKeepTheirOwnFeedForwardAndAverageTheRest() {
        GptWeights a;
        GptWeights b;
        try (Gpt ga = Gpt.create(dense(VOCAB), Device.cpu(), 1); Gpt gb = Gpt.create(dense(VOCAB), Device.cpu(), 2)) {
            a = ga.weights();
            b = gb.weights();
        }
        GptWeights btx = BranchTrainMix.merge(List.of(a, b), MoeConfig.branchTrainMix(2), 3);
        assertEquals(a.tensor("h2.mlp.fc.weight")[7], btx.tensor("h2.moe.e0.fc.weight")[7]);
        assertEquals(b.tensor("h2.mlp.proj.bias")[0], btx.tensor("h2.moe.e1.proj.bias")[0]);
        assertEquals((a.tensor("h0.attn.qkv.weight")[3] + (double) b.tensor("h0.attn.qkv.weight")[3]) / 2,
                btx.tensor("h0.attn.qkv.weight")[3], 1e-7);
        float[] router = btx.tensor("h0.moe.router.weight");
        for (float v : router) {
            assertTrue(v >= 0 && v < 1, "router initialised uniform in [0, 1)");
        }
    }

    @Test
    void parameterCountsSeparateStoredFromActive() {
        GptConfig d = new GptConfig(100, 4, 64, 4, 32, 0);
        GptConfig m = d.withMoe(MoeConfig.upcycling(8));
        long ffn = 8L * 64 * 64 + 5 * 64;
        assertEquals(d.nonEmbeddingParameters() + 2 * (7 * ffn + 8 * 64), m.nonEmbeddingParameters());
        assertEquals(d.nonEmbeddingParameters() + 2 * (ffn + 8 * 64), m.activeNonEmbeddingParameters());
        assertEquals(6.0 * m.activeNonEmbeddingParameters() * 1000, m.trainingFlops(1000));
        assertEquals(d.nonEmbeddingParameters(), d.activeNonEmbeddingParameters());
        assertEquals("GPT 4L/64d MoE 8x top-2", m.shortName());
        assertTrue(Gpt.parameterShapes(m).containsKey("h3.moe.e7.proj.bias"));
        assertFalse(Gpt.parameterShapes(m).containsKey("h3.mlp.fc.weight"));
        assertThrows(IllegalArgumentException.class, () -> new GptConfig(100, 1, 64, 4, 32, 0, MoeConfig.upcycling(2)));
    }

    @Test
    void resumedMoeRunEqualsUninterruptedRunBitForBit(@TempDir Path dir) {
        TokenShard train = counting(12, 3);
        GptWeights init;
        try (Gpt gpt = Gpt.create(dense(VOCAB), Device.cpu(), 9)) {
            init = Upcycling.upcycle(gpt.weights(), new MoeConfig(4, 2, 1.0, 0.01, 1e-3, MoeConfig.Placement.EVERY_OTHER), 1e-3, 6);
        }
        TrainConfig cfg = config(10).withOptimizer(TrainConfig.Optimizer.ADAMW, 0.9, 0.95, 1e-8, 0.1);
        Checkpoint straight;
        try (Trainer t = Trainer.startFrom(init, 1234, null, null, cfg, train, null, Device.cpu()).showProgress(false)) {
            t.run();
            straight = t.checkpoint();
        }
        assertEquals(1234 + 10 * 4 * 16, straight.info().lineageTokens());
        Path saved = dir.resolve("mid.ckpt");
        try (Trainer t = Trainer.startFrom(init, 1234, null, null, cfg, train, null, Device.cpu()).showProgress(false)) {
            t.runSteps(4);
            t.checkpoint().write(saved);
        }
        Checkpoint read = Checkpoint.read(saved);
        assertEquals(init.config(), read.info().model(), "the MoE config survives the checkpoint header");
        try (Trainer t = Trainer.resume(read, train, null, Device.cpu()).showProgress(false)) {
            CheckpointInfo done = t.run();
            assertEquals(10, done.step());
            Checkpoint resumed = t.checkpoint();
            assertTrue(resumed.weights().sameValues(straight.weights()),
                    "max difference " + resumed.weights().maxAbsDifference(straight.weights()));
            assertTrue(resumed.optimizer().sameValues(straight.optimizer()));
        }
        // training moved the experts apart and the routers
        GptWeights end = straight.weights();
        assertTrue(end.tensor("h1.moe.router.weight")[0] != init.tensor("h1.moe.router.weight")[0]);
    }

    @Test
    void anExpertThatGetsNoTokenIsNotMovedByMomentumOrWeightDecay() {
        TokenShard train = counting(12, 4);
        GptWeights init;
        try (Gpt gpt = Gpt.create(dense(VOCAB), Device.cpu(), 9)) {
            init = Upcycling.upcycle(gpt.weights(), MoeConfig.upcycling(4), 0, 6);
        }
        // every router row equal: all logits tie, and ties go to the lower experts, so experts 2 and 3 get no token
        java.util.Map<String, float[]> tensors = new java.util.LinkedHashMap<>(init.tensors());
        for (String layer : List.of("h1", "h3")) {
            float[] r = tensors.get(layer + ".moe.router.weight").clone();
            for (int e = 1; e < 4; e++) {
                System.arraycopy(r, 0, r, e * 32, 32);
            }
            tensors.put(layer + ".moe.router.weight", r);
        }
        init = new GptWeights(init.config(), tensors);
        TrainConfig cfg = config(1).withOptimizer(TrainConfig.Optimizer.ADAMW, 0.9, 0.95, 1e-8, 0.1);
        try (Trainer t = Trainer.startFrom(init, 0, null, null, cfg, train, null, Device.cpu()).showProgress(false)) {
            t.run();
            GptWeights end = t.checkpoint().weights();
            for (String layer : List.of("h1", "h3")) {
                assertTrue(java.util.Arrays.equals(init.tensor(layer + ".moe.e3.fc.weight"), end.tensor(layer + ".moe.e3.fc.weight")),
                        "the idle expert of " + layer + " must not change under AdamW with weight decay");
                assertFalse(java.util.Arrays.equals(init.tensor(layer + ".moe.e0.fc.weight"), end.tensor(layer + ".moe.e0.fc.weight")),
                        "a used expert of " + layer + " is trained");
            }
        }
    }
}
