package org.cbtm.experiment;

import org.cbtm.cluster.PartitionSpec;
import org.cbtm.train.NgramExperts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.train.ExpertKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

class CbtmExperimentTest {

    private static final ExpertKind KN2 = new NgramExperts(new NgramConfig(2));

    @Test
    void gridRunsCachesAndInvalidates(@TempDir Path dir) {
        List<CbtmConfig> grid = List.of(
                CbtmConfig.dense(KN2, 4_000),
                CbtmConfig.balanced(2, KN2, 4_000),
                CbtmConfig.balanced(2, KN2, 4_000).withPartition(PartitionSpec.random()),
                CbtmConfig.balanced(2, KN2, 4_000).withTopK(1));
        Table first;
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            first = exp.runGrid(grid).table();
        }
        assertEquals(4, first.rowCount());
        assertEquals(List.of("dense", "balanced", "random", "balanced"), first.stringColumn("clustering").asList());
        for (int r = 0; r < 4; r++) {
            double ppl = first.doubleColumn("perplexity").get(r);
            assertTrue(ppl > 1 && Double.isFinite(ppl), "perplexity " + ppl);
            assertEquals("no", first.stringColumn("cached").get(r));
        }
        // an expert runs on a whole document when any position selects it: top-1 runs between 1 and K experts
        double top1 = first.doubleColumn("experts_per_token").get(3);
        assertTrue(top1 >= 1 && top1 < first.doubleColumn("experts_per_token").get(1), "top-1 ran " + top1);
        assertEquals(2.0, first.doubleColumn("experts_per_token").get(1), 1e-9, "all experts run when top-k = K");
        assertEquals(first.longColumn("test_tokens").get(0), first.longColumn("test_tokens").get(1));

        Table again;
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            again = exp.runGrid(grid).table();
            CbtmResult moreTokens = exp.run(grid.get(1).withBudget(3_000));
            assertFalse(moreTokens.reused(), "a changed budget is a new artifact");
        }
        for (int r = 0; r < 4; r++) {
            assertEquals("yes", again.stringColumn("cached").get(r));
            assertEquals(first.doubleColumn("perplexity").get(r), again.doubleColumn("perplexity").get(r));
        }
    }

    @Test
    void invalidConfigsFailClearly() {
        var e = assertThrows(IllegalArgumentException.class, () -> CbtmConfig.balanced(0, KN2, 100));
        assertTrue(e.getMessage().contains("K must be at least 1"));
        e = assertThrows(IllegalArgumentException.class, () -> CbtmConfig.balanced(8, KN2, 4));
        assertTrue(e.getMessage().contains("cannot be split"));
    }

    @Test
    void theGridAndTheNotebooksShareOneStoreOfClusterings(@TempDir Path dir) {
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            CbtmConfig c = CbtmConfig.balanced(2, KN2, 4_000).withSeed(7);
            var partitioner = org.cbtm.cluster.KMeansPartitioner.reference(2, true, 7);
            assertFalse(StoredModels.hasClustering(exp.store(), partitioner, exp.trainTexts()));
            var fitted = (org.cbtm.cluster.ClusterModel) exp.partition(c);
            assertTrue(StoredModels.hasClustering(exp.store(), partitioner, exp.trainTexts()),
                    "the grid's fit is the artifact a notebook asks StoredModels for");
            var stored = StoredModels.clustering(exp.store(), partitioner, exp.trainTexts());
            assertEquals(fitted.provenance().created(), stored.provenance().created(), "found, not fitted again");
        }
    }

    @Test
    void tooSmallBudgetsWarnWithTheReason(@TempDir Path dir) {
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            var refused = assertThrows(IllegalArgumentException.class, () -> CbtmConfig.balanced(2, KN2, 2));
            assertTrue(refused.getMessage().contains("raise the budget"), refused.getMessage());
            CbtmConfig tiny = CbtmConfig.balanced(2, KN2, 400);
            assertTrue(tiny.budgetWarning().orElseThrow().contains("200 tokens"), tiny.budgetWarning().toString());
            CbtmResult r = exp.run(tiny);
            assertFalse(r.warnings().isEmpty());
            assertTrue(r.warnings().get(0).contains("raise the budget or lower K"), r.warnings().toString());
            assertEquals("all", exp.runGrid(List.of(tiny)).table().stringColumn("top_k").get(0));
        }
    }
}
