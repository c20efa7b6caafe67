package org.cbtm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.moe.MoeConfig;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TransformerExperts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/** The MoE comparison end to end on the committed samples with a tiny GPT (seconds, not a result). */
class MoeComparisonTest {

    @BeforeAll
    static void oneThread() {
        org.cbtm.train.TestThreads.single();
    }

    static TransformerExperts tiny(int vocab) {
        return new TransformerExperts(new GptConfig(vocab, 2, 16, 2, 64, 0.0),
                TrainConfig.reference(1 << 12, 2, 32, 1e-3), 128);
    }

    @Test
    void everyModelIsTrainedAtMatchedComputeScoredOnTheSameTokensAndStored(@TempDir Path dir) throws Exception {
        MoeComparison.Settings settings = new MoeComparison.Settings(2, List.of(256L, 512L), 0.0, 7, 0.25, 3);
        MoeComparison.Result first;
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            TransformerExperts kind = tiny(exp.tokenizer().vocabSize());
            first = MoeComparison.run(exp, kind, settings);
            Table t = first.table();
            assertEquals(List.of("dense", "C-BTM", "upcycled MoE", "dense", "C-BTM", "upcycled MoE", "Branch-Train-MiX"),
                    t.stringColumn("method").asList());
            for (int i = 0; i < t.rowCount(); i++) {
                double ppl = t.doubleColumn("perplexity").getDouble(i);
                assertTrue(Double.isFinite(ppl) && ppl > 1, "row " + i + ": perplexity " + ppl);
            }
            // the MoE spends C-BTM's FLOPs, less than one optimiser step short
            long perStep = kind.training().tokensPerStep();
            for (int row : new int[] {2, 5}) {
                double cbtm = t.doubleColumn("training_flops").getDouble(row - 1);
                double moe = t.doubleColumn("training_flops").getDouble(row);
                GptConfig m = first.moes().get(row / 3).model();
                assertTrue(moe <= cbtm && cbtm - moe < m.trainingFlops(perStep), "MoE " + moe + " vs C-BTM " + cbtm);
                assertEquals(MoeConfig.upcycling(2), m.moe());
            }
            // per token the MoE runs the dense model plus one more FFN and a router in its one MoE layer
            GptConfig dense = kind.model();
            assertEquals(dense.totalParameters() + dense.ffnParameters() + 2L * dense.width(),
                    (long) t.doubleColumn("inference_params").getDouble(2));
            // BTX: an MoE layer in every block, its experts' training counted with its fine-tuning
            assertEquals(MoeConfig.branchTrainMix(2), first.btx().model().moe());
            assertTrue(t.doubleColumn("training_flops").getDouble(6) > t.doubleColumn("training_flops").getDouble(4));
            Table routing = first.routing();
            assertTrue(routing.rowCount() > 0);
            // first-choice shares of one layer and interval sum to 1
            double sum = 0;
            for (int i = 0; i < routing.rowCount(); i++) {
                if (routing.stringColumn("model").get(i).equals(first.moes().get(0).label())
                        && (long) routing.numberColumn("step").getDouble(i) == (long) routing.numberColumn("step").getDouble(0)) {
                    sum += routing.numberColumn("first_choice").getDouble(i);
                }
            }
            assertEquals(1.0, sum, 1e-5);
            Claims.Claim claim = first.claim("10");
            assertEquals(7, claim.number());
            assertEquals(2, claim.checks().size());
            assertTrue(first.moes().get(0).lossCurve().rowCount() > 0);
        }
        // a second run trains nothing: same checkpoints, untouched
        long written = Files.getLastModifiedTime(first.btx().checkpoint()).toMillis();
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            MoeComparison.Result again = MoeComparison.run(exp, tiny(exp.tokenizer().vocabSize()), settings);
            assertEquals(first.btx().checkpoint(), again.btx().checkpoint());
            assertEquals(written, Files.getLastModifiedTime(again.btx().checkpoint()).toMillis());
            assertEquals(first.table().doubleColumn("perplexity").asList(), again.table().doubleColumn("perplexity").asList());
        }
    }

    @Test
    void anMoeNeedsAnMoeCheckpointAndAtLeastOneStep(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> new MoeComparison.Settings(1, List.of(10L), 0, 1, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MoeComparison.Settings(2, List.of(10L, 5L), 0, 1, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MoeComparison.Settings(2, List.of(10L), 0, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new MoeComparison.Settings(2, List.of(10L), 0, 1, 0.1, -1));
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            TransformerExperts kind = tiny(exp.tokenizer().vocabSize());
            var experts = exp.experts(CbtmConfig.balanced(2, kind, 256));
            IllegalArgumentException dense = assertThrows(IllegalArgumentException.class, () -> MoeRuns.train(exp.store(),
                    "x", experts.seed(), kind, 128, exp.trainShard(), null, null));
            assertTrue(dense.getMessage().contains("upcycle"), dense.getMessage());
            Path init = MoeRuns.upcycle(exp.store(), experts.seed(), MoeConfig.upcycling(2), 0, 1);
            assertEquals(Checkpoint.readInfo(experts.seed()).lineageTokens(), Checkpoint.readInfo(init).lineageTokens());
            assertTrue(Checkpoint.readInfo(init).provenance().kind().contains("moe"));
            IllegalArgumentException tiny = assertThrows(IllegalArgumentException.class,
                    () -> MoeRuns.tokensAtFlops(init, 10, 64));
            assertTrue(tiny.getMessage().contains("less than one optimiser step"), tiny.getMessage());
        }
    }
}
