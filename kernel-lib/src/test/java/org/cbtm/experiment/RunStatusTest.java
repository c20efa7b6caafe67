package org.cbtm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.train.NgramExperts;

import tech.tablesaw.api.Table;

class RunStatusTest {

    private static final NgramExperts KN2 = new NgramExperts(new NgramConfig(2));

    @Test
    void statesFollowTheExpertFolders(@TempDir Path dir) throws Exception {
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            CbtmConfig c = CbtmConfig.balanced(2, KN2, 4_000);
            Table before = RunStatus.of(exp, c);
            assertEquals(List.of("0", "1"), before.stringColumn("expert").asList());
            assertEquals(List.of("not started", "not started"), before.stringColumn("state").asList());

            exp.experts(c);
            Table after = RunStatus.of(exp, c);
            assertEquals(List.of("done", "done"), after.stringColumn("state").asList());
            assertTrue(after.longColumn("step").isMissing(0), "an n-gram expert has no steps");
            for (int r = 0; r < 2; r++) {
                long tokens = after.longColumn("tokens").get(r);
                assertTrue(tokens > 0 && tokens <= 2_000, "tokens counted: " + tokens);
                assertEquals(2_000, after.longColumn("budget").get(r));
                assertTrue(after.doubleColumn("tokens_per_s").get(r) > 0);
            }

            // expert 1 taken away and restarted by a Slurm array task, which writes its metrics as it goes
            Path one = exp.trainingRun(c).expertsDir().resolve("expert-1");
            Files.delete(one.resolve("model.kn"));
            Files.writeString(one.resolve(RunStatus.SLURM_FILE),
                    "{\"job\": \"41_1\", \"node\": \"n7\", \"started\": \"2026-12-05T08:00:00Z\"}");
            Table started = RunStatus.of(exp, c);
            assertEquals(List.of("done", "started"), started.stringColumn("state").asList());
            assertEquals("41_1 on n7 since 2026-12-05T08:00:00Z", started.stringColumn("slurm").get(1));

            Files.writeString(one.resolve("metrics.csv"), "step,tokens,train_loss,valid_loss,lr,tokens_per_s,elapsed_s\n"
                    + "10,5120,5.1,5.3,0.001,812.5,6.3\n20,10240,4.8,4.9,0.001,830.0,12.3\n30,153");
            Files.writeString(one.resolve("step-00000020.ckpt"), "a checkpoint");
            Table resumed = RunStatus.of(exp, c);
            assertEquals("checkpointed", resumed.stringColumn("state").get(1));
            assertEquals(20, resumed.longColumn("step").get(1), "the line cut short is skipped");
            assertEquals(10240, resumed.longColumn("tokens").get(1));
            assertEquals(830.0, resumed.doubleColumn("tokens_per_s").get(1));
            assertEquals(4.9, resumed.doubleColumn("valid_loss").get(1));
        }
    }

    @Test
    void rejectsAnEmptyRun(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> RunStatus.of(KN2, 10, 0, dir, dir));
    }
}
