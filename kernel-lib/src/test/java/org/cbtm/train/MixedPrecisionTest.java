package org.cbtm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;

import org.cbtm.base.CanonicalJson;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.Precision;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed precision on the CPU: FP16 passes with FP32 master weights (the same code path as BF16, which DJL 0.35.1's
 * stock JNI cannot make tensors of; see {@link Precision}) track the FP32 run's loss over 50 steps.
 */
class MixedPrecisionTest {

    /** Largest |loss(FP16) - loss(FP32)| allowed at any of the 50 steps, nats per token (measured: 1.4e-4). */
    static final double TOLERANCE = 0.01;

    @BeforeAll
    static void oneThread() {
        TestThreads.single();
    }

    static TrainConfig config() {
        return TrainerTest.config(50).withLogInterval(1);
    }

    static List<Double> losses(Precision precision, TokenShard train) {
        try (Trainer t = Trainer.start(TrainerTest.model(0), config().withPrecision(precision), train, null, Device.cpu())
                .showProgress(false)) {
            t.run();
            return t.metrics().stream().map(TrainMetrics::trainLoss).toList();
        }
    }

    @Test
    void fp16PassesTrackFp32LossOver50Steps() {
        TokenShard train = TrainerTest.countingCorpus(60, 1);
        List<Double> fp32 = losses(Precision.FP32, train);
        List<Double> fp16 = losses(Precision.FP16, train);
        assertEquals(50, fp32.size());
        assertEquals(50, fp16.size());
        double maxDiff = 0;
        for (int i = 0; i < 50; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(fp32.get(i) - fp16.get(i)));
        }
        System.out.printf("mixed precision: FP32 loss %.4f -> %.4f, FP16 %.4f -> %.4f, max |diff| over 50 steps %.5f%n",
                fp32.get(0), fp32.get(49), fp16.get(0), fp16.get(49), maxDiff);
        assertTrue(maxDiff < TOLERANCE, "max |diff| " + maxDiff);
        assertTrue(maxDiff > 0.0); // the 16-bit passes really ran
        assertTrue(fp16.get(49) < fp16.get(0) - 0.5); // and it learns
    }

    @Test
    void precisionIsRecordedAndResumes(@TempDir Path dir) {
        TokenShard train = TrainerTest.countingCorpus(20, 2);
        TrainConfig cfg = TrainerTest.config(6).withPrecision(Precision.FP16);
        Path file;
        try (Trainer t = Trainer.start(TrainerTest.model(0), cfg, train, null, Device.cpu()).showProgress(false)) {
            t.runSteps(3);
            assertEquals(Precision.FP16, t.model().precision());
            file = t.checkpoint().write(dir.resolve("c.ckpt"));
        }
        Checkpoint back = Checkpoint.read(file);
        assertEquals(Precision.FP16, back.info().train().precision());
        assertTrue(back.info().provenance().config().contains("\"precision\":\"FP16\""));
        try (Trainer r = Trainer.resume(back, train, null, Device.cpu()).showProgress(false)) {
            assertEquals(Precision.FP16, r.model().precision());
            r.run();
            assertEquals(6, r.step());
            assertTrue(Double.isFinite(r.metrics().getLast().trainLoss()));
        }
    }

    @Test
    void fp32IsTheDefaultAndLeavesTheHeaderAsBefore() {
        TrainConfig cfg = TrainerTest.config(6);
        assertEquals(Precision.FP32, cfg.precision());
        assertFalse(CanonicalJson.of(cfg).contains("precision"));
        assertTrue(CanonicalJson.of(cfg.withPrecision(Precision.BF16)).contains("\"precision\":\"BF16\""));
        assertEquals(Precision.FP32, cfg.withPrecision(null).precision());
    }

    @Test
    void bf16WithoutThePatchedJniIsRefusedNotFatal() {
        org.junit.jupiter.api.Assumptions.assumeFalse("1".equals(System.getenv("CBTM_JNI_BF16")));
        TokenShard train = TrainerTest.countingCorpus(10, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Trainer.start(TrainerTest.model(0),
                TrainerTest.config(3).withPrecision(Precision.BF16), train, null, Device.cpu()));
        assertTrue(e.getMessage().contains("CBTM_JNI_BF16"));
    }

    @Test
    void mixedPrecisionIsForDenseModels() {
        GptConfig moe = TrainerTest.model(0).withMoe(org.cbtm.lm.moe.MoeConfig.upcycling(2));
        try (Gpt g = Gpt.create(moe, Device.cpu(), 0)) {
            assertThrows(IllegalArgumentException.class, () -> g.computeIn(Precision.FP16));
        }
    }
}
