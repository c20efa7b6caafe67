package org.cbtm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.train.CbtmExperts;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.ExpertKind;
import org.cbtm.train.TokenShard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

class ModelComparisonTest {

    private static PerplexityResult result(String model, long params, int tokens, double nll) {
        return new PerplexityResult(model, params, 128,
                List.of(new PerplexityResult.DocumentScore("d", "s", 0, tokens, nll)), 1.5, "cpu (2 cores)");
    }

    @Test
    void oneRowPerModelWithTheAccounting() {
        Table t = new ModelComparison()
                .add("ensemble", result("e", 40, 10, 20), ComputeAccount.neural(1000, 10, 3.0, "gpu(0)"), 500)
                .add("counts", result("c", 7, 10, 30), ComputeAccount.counting(1000, 0.5, "cpu"), 0)
                .add("unknown", result("u", 1, 10, 25), ComputeAccount.unknown(), 0)
                .table();
        assertEquals(3, t.rowCount());
        assertEquals(Math.exp(2.0), t.doubleColumn("perplexity").get(0), 1e-12);
        assertEquals(500L, t.longColumn("seed_tokens").get(0));
        assertEquals(6.0 * 10 * 1000, t.doubleColumn("training_flops").get(0), 1e-9);
        assertTrue(t.doubleColumn("training_flops").isMissing(1), "no FLOPs for a count model");
        assertTrue(t.longColumn("training_tokens").isMissing(2));
        assertEquals(40L, t.longColumn("inference_params").get(0));
        assertEquals("gpu(0)", t.stringColumn("train_device").get(0));
        assertEquals("cpu (2 cores)", t.stringColumn("eval_device").get(1));
        assertEquals(1.5, t.doubleColumn("eval_wall_s").get(2), 1e-12);
    }

    @Test
    void refusesModelsScoredOnOtherTokens() {
        ModelComparison c = new ModelComparison().add("a", result("a", 1, 10, 20), ComputeAccount.unknown(), 0);
        var e = assertThrows(IllegalArgumentException.class,
                () -> c.add("b", result("b", 1, 11, 20), ComputeAccount.unknown(), 0));
        assertTrue(e.getMessage().contains("same test sequences"), e.getMessage());
    }

    @Test
    void accountsOfNgramExpertsFollowTheEqualSplit(@TempDir Path dir) {
        Random r = new Random(3);
        List<TokenShard> shards = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            List<int[]> docs = new ArrayList<>();
            for (int d = 0; d < 30; d++) {
                docs.add(r.ints(12, 1, 30).toArray());
            }
            shards.add(TokenShard.ofDocuments(docs, 30));
        }
        CbtmExperts experts = CbtmTraining.run(
                CbtmTraining.Plan.of(new ExpertKind.Ngram(new NgramConfig(2)), 0, 500),
                new CbtmTraining.Data(shards, shards.get(0), null), dir.resolve("seed"), dir.resolve("experts"));
        ComputeAccount one = ModelComparison.account(experts, 1);
        assertEquals(250, one.trainingTokens());
        assertTrue(one.trainingSeconds() >= 0 && Double.isFinite(one.trainingSeconds()));
        assertTrue(Double.isNaN(one.trainingFlops()));
        ComputeAccount all = ModelComparison.account(experts);
        assertEquals(500, all.trainingTokens());
        assertEquals(experts.expertSeconds(), all.trainingSeconds(), 1e-9);
    }
}
