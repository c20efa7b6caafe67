package org.cbtm.eval;

import org.cbtm.train.NgramExperts;
import org.cbtm.train.TransformerExperts;

import org.cbtm.train.ComputeAccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.TinyGpt;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.CbtmExperts;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.ExpertKind;
import org.cbtm.corpus.TokenShard;
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
        assertEquals("gpu:0", t.stringColumn("train_device").get(0));
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
                CbtmTraining.Plan.of(new NgramExperts(new NgramConfig(2)), 500),
                new CbtmTraining.Data(shards, shards.get(0), null), dir.resolve("seed"), dir.resolve("experts"));
        ComputeAccount one = experts.account(1);
        assertEquals(250, one.trainingTokens());
        assertTrue(one.trainingSeconds() >= 0 && Double.isFinite(one.trainingSeconds()));
        assertTrue(Double.isNaN(one.trainingFlops()));
        ComputeAccount all = experts.account();
        assertEquals(500, all.trainingTokens());
        assertEquals(experts.expertSeconds(), all.trainingSeconds(), 1e-9);
    }

    private static List<TokenShard> shards(int k, int vocab, long seed) {
        Random r = new Random(seed);
        List<TokenShard> shards = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            List<int[]> docs = new ArrayList<>();
            for (int d = 0; d < 30; d++) {
                docs.add(r.ints(12, 1, vocab).toArray());
            }
            shards.add(TokenShard.ofDocuments(docs, vocab));
        }
        return shards;
    }

    @Test
    void cbtmVersusDenseListsEnsembleDenseAndEveryExpert(@TempDir Path dir) {
        List<TokenShard> shards = shards(2, 30, 4);
        var plan = CbtmTraining.Plan.of(new NgramExperts(new NgramConfig(2)), 600);
        CbtmExperts experts = CbtmTraining.run(plan, new CbtmTraining.Data(shards, shards.get(0), null),
                dir.resolve("seed"), dir.resolve("k2"));
        CbtmExperts dense = CbtmTraining.run(plan, new CbtmTraining.Data(List.of(shards.get(0)), shards.get(0), null),
                dir.resolve("seed"), dir.resolve("k1"));
        List<EvalSequence> test = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            test.add(new EvalSequence("t" + i, shards.get(i % 2).document(i), "s", i % 2));
        }
        EvalConfig quiet = EvalConfig.defaults().withProgress(false);
        List<LanguageModel> models = experts.loadAll();
        ExpertClusterMatrix m = ExpertClusterMatrix.evaluate(models, test, quiet);
        PerplexityResult d = Perplexity.evaluate(dense.load(0), test, quiet);
        PerplexityResult e = Perplexity.evaluate(models.get(0), test, quiet); // a stand-in for an ensemble
        Table t = ModelComparison.cbtmVersusDense("ens", e, experts, d, dense, m).table();
        assertEquals(List.of("ens", "dense, K = 1 (same budget)", "expert 0 alone", "expert 1 alone"),
                t.stringColumn("model").asList());
        // the tokens each model actually trained on: an n-gram expert counts its cluster once, at most its budget
        assertEquals(experts.tokensTrained(0) + experts.tokensTrained(1), t.longColumn("training_tokens").get(0));
        assertEquals(dense.tokensTrained(0), t.longColumn("training_tokens").get(1));
        assertEquals(experts.tokensTrained(1), t.longColumn("training_tokens").get(3));
        assertTrue(experts.tokensTrained(1) <= 300 && experts.tokensTrained(1) > 0);
        assertEquals(m.result(1).perplexity(), t.doubleColumn("perplexity").get(3), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> ModelComparison.cbtmVersusDense("ens", e, experts, d, experts, m), "dense must be K = 1");

        Table runs = ModelComparison.trainingRuns(experts, dense);
        assertEquals(List.of("expert 0", "expert 1", "dense, K = 1"), runs.stringColumn("run").asList());
        assertTrue(runs.doubleColumn("last_valid_loss").isMissing(0), "n-grams have no held-out loss");

        var outcome = new ModelComparison.Outcome("KN-2", m, e, d);
        assertEquals(Math.min(m.result(0).perplexity(), m.result(1).perplexity()), outcome.bestSingleExpert(), 1e-12);
        Table summary = ModelComparison.summary(List.of(outcome));
        assertEquals(m.diagonalWins() + " of 2", summary.stringColumn("diagonal wins").get(0));
        assertEquals(m.diagonalRatio(), summary.doubleColumn("on / off").get(0), 1e-12);
        String verdicts = ModelComparison.verdicts(List.of(outcome));
        assertTrue(verdicts.startsWith("- **KN-2**: " + m.verdict() + "; "), verdicts);
        assertTrue(verdicts.contains(e.perplexity() < d.perplexity() ? "ensemble beats the dense" : "dense model beats"));
        PerplexityResult other = Perplexity.evaluate(models.get(0), test.subList(0, 3), quiet);
        assertThrows(IllegalArgumentException.class, () -> new ModelComparison.Outcome("x", m, other, d));
    }

    @Test
    void trainingRunsOfTransformersReadTheCheckpoints(@TempDir Path dir) {
        List<TokenShard> shards = shards(2, 30, 5);
        var kind = new TransformerExperts(TinyGpt.config(30).withContextLength(16),
                TrainConfig.reference(64 * 2, 4, 16, 3e-3), 2 * 64);
        var plan = CbtmTraining.Plan.of(kind, 2 * 64);
        CbtmExperts experts = CbtmTraining.run(plan, new CbtmTraining.Data(shards, shards.get(0), shards.get(1)),
                dir.resolve("seed"), dir.resolve("k2"));
        Table runs = ModelComparison.trainingRuns(experts, null);
        assertEquals(List.of("seed", "expert 0", "expert 1"), runs.stringColumn("run").asList());
        assertEquals(128L, runs.longColumn("tokens").get(0));
        assertEquals(64L, runs.longColumn("tokens").get(2));
        assertEquals(Checkpoint.readInfo(experts.experts().get(1)).validLoss(),
                runs.doubleColumn("last_valid_loss").get(2), 1e-12);
        ComputeAccount a = experts.account(0);
        assertEquals(kind.model().trainingFlops(64), a.trainingFlops(), 1e-6);
        assertEquals(ComputeAccount.SIX_N_D, a.flopsConvention());
    }
}
