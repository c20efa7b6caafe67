package org.cbtm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cbtm.lm.gpt.GptConfig;
import org.junit.jupiter.api.Test;

class ExpertKindBudgetTest {

    private static final TransformerExperts KIND =
            new TransformerExperts(new GptConfig(50, 1, 16, 2, 128, 0.0), TrainConfig.quick(1 << 20).withSchedule(
                    TrainConfig.Schedule.POLYNOMIAL, 10, 0.0), 1 << 20);

    @Test
    void aRunShorterThanThePresetWarmupGetsACappedWarmup() {
        // 8 steps of 16 x 128 tokens: the preset's 10 warmup steps must not survive into the short run
        TrainConfig t = KIND.forBudget(8 * 2048);
        assertEquals(8, t.steps());
        assertEquals(0, t.warmupSteps());
        assertEquals(1, t.evalInterval());
        TrainConfig longer = KIND.forBudget(200 * 2048);
        assertEquals(10, longer.warmupSteps());
        assertEquals(20, longer.evalInterval());
        assertEquals(50, longer.checkpointInterval());
    }

    @Test
    void aBudgetBelowOneStepFailsClearly() {
        var e = assertThrows(IllegalArgumentException.class, () -> KIND.forBudget(1000));
        assertEquals(true, e.getMessage().contains("shorter than one optimiser step"));
    }
}
