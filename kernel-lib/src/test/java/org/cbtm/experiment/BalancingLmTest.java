package org.cbtm.experiment;

import org.cbtm.cluster.PartitionSpec;
import org.cbtm.train.NgramExperts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cbtm.corpus.Document;
import org.cbtm.corpus.Samples;
import org.cbtm.eval.EvalConfig;
import org.cbtm.eval.PerplexityResult;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.present.BalancingPlots;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.train.ExpertKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;
import tech.tablesaw.plotly.components.Figure;

class BalancingLmTest {
    private static final ExpertKind KN2 = new NgramExperts(new NgramConfig(2));

    @Test
    void sizesCountPassagesTokensAndTheBudgetEachExpertCanUse() {
        // 6 documents in 3 clusters: cluster 0 holds 3 documents of 10 tokens, cluster 1 two of 40, cluster 2 one of 5
        int[] assignment = {0, 1, 0, 2, 1, 0};
        long[] tokens = {10, 40, 10, 5, 40, 10};
        Table t = BalancingLm.sizes("unbalanced", 3, 7, assignment, tokens, 30);
        assertEquals(List.of(3, 2, 1), t.intColumn("size").asList());
        assertEquals(List.of(30L, 80L, 5L), t.longColumn("tokens").asList());
        assertEquals(1.5, t.doubleColumn("relative").getDouble(0), 1e-12);
        assertEquals(80.0 * 3 / 115, t.doubleColumn("token share").getDouble(1), 1e-12);
        assertEquals(List.of(30L, 30L, 5L), t.longColumn("expert tokens").asList(), "min(tokens, budget / K)");
        assertEquals(5 / 30.0, t.doubleColumn("budget used").getDouble(2), 1e-12);
        assertEquals(BalancingLm.SET, t.stringColumn("set").get(0));
        assertEquals(7L, t.longColumn("seed").getLong(0));

        Table use = BalancingLm.budgetUse(t);
        assertEquals(1, use.rowCount());
        assertEquals(1 / 3.0, use.doubleColumn("experts short of data").getDouble(0), 1e-12);
        assertEquals(5 / 30.0, use.doubleColumn("min budget used").getDouble(0), 1e-12);
        assertEquals(65 / 90.0, use.doubleColumn("tokens trained / budget").getDouble(0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> BalancingLm.sizes("x", 3, 0, new int[] {0}, tokens, 30));
    }

    @Test
    void perClusterComparesWithDenseOnTheSameDocuments() {
        Table sizes = BalancingLm.sizes("balanced", 2, 0, new int[] {0, 1}, new long[] {10, 10}, 10);
        var d = List.of(new PerplexityResult.DocumentScore("a", "s", 0, 4, 4.0),
                new PerplexityResult.DocumentScore("b", "s", 1, 2, 6.0),
                new PerplexityResult.DocumentScore("c", "s", 1, 2, 2.0));
        var dense = List.of(new PerplexityResult.DocumentScore("c", "s", 0, 2, 3.0),
                new PerplexityResult.DocumentScore("a", "s", 0, 4, 8.0),
                new PerplexityResult.DocumentScore("b", "s", 0, 2, 3.0));
        Table t = BalancingLm.perCluster(sizes, result(d), result(dense));
        assertEquals(List.of(1, 2), t.intColumn("test docs").asList());
        assertEquals(Math.exp(1.0), t.doubleColumn("perplexity").getDouble(0), 1e-12);
        assertEquals(Math.exp(2.0), t.doubleColumn("dense perplexity").getDouble(0), 1e-12);
        assertEquals(Math.exp(2.0), t.doubleColumn("perplexity").getDouble(1), 1e-12);
        assertEquals(Math.exp(1.5), t.doubleColumn("dense perplexity").getDouble(1), 1e-12);
        assertEquals(Math.exp(0.5), t.doubleColumn("ratio to dense").getDouble(1), 1e-12);
        var missing = List.of(new PerplexityResult.DocumentScore("a", "s", 0, 4, 8.0));
        assertThrows(IllegalArgumentException.class, () -> BalancingLm.perCluster(sizes, result(d), result(missing)));
        Table bands = BalancingLm.bySizeBand(t, 0.5, 1.5);
        assertEquals(1, bands.rowCount(), "both clusters have relative size 1");
        assertEquals(2, bands.intColumn("clusters").getInt(0));
        assertEquals(2, bands.intColumn("K").getInt(0));
        assertEquals("0.5 to 1.5", bands.stringColumn("size band").get(0));
        assertEquals(Math.exp((4 + 8) / 8.0), bands.doubleColumn("perplexity").getDouble(0), 1e-9);
        assertEquals(Math.exp((8 + 6) / 8.0), bands.doubleColumn("dense perplexity").getDouble(0), 1e-9);
        assertEquals(0, BalancingLm.bySizeBand(t, 1.5).rowCount(), "below the first edge: left out");
        Figure f = BalancingPlots.clusterRatios(t, "ratios");
        assertEquals(1, f.getTraces().length, "one method (the line at 1 is a layout shape)");
    }

    private static PerplexityResult result(List<PerplexityResult.DocumentScore> docs) {
        return new PerplexityResult("m", 1, 64, docs, 0, "cpu");
    }

    private static CbtmResult result(CbtmConfig c, double ppl) {
        Table empty = Table.create("empty");
        return new CbtmResult(c, ppl, Math.log(ppl), 100, 0, c.totalTokens(), Double.NaN, 1, 1, 0, 0, 0, "cpu",
                false, empty, empty, List.of(), null);
    }

    @Test
    void balancingEffectPairsSeeds() {
        CbtmConfig base = CbtmConfig.balanced(2, KN2, 1000);
        List<CbtmConfig> configs = new ArrayList<>();
        List<CbtmResult> results = new ArrayList<>();
        double[][] ppl = {{100, 110}, {100, 90}}; // seed 0: balanced better by 10%; seed 1: unbalanced better
        configs.add(base.withK(1));
        results.add(result(base.withK(1), 120));
        for (int s = 0; s < 2; s++) {
            for (int m = 0; m < 2; m++) {
                CbtmConfig c = base.withSeed(s).withPartition(m == 0 ? PartitionSpec.balanced()
                        : PartitionSpec.unbalanced());
                configs.add(c);
                results.add(result(c, ppl[s][m]));
            }
        }
        Table grid = CbtmExperiment.table(results); // the grid table has a seed column
        Table e = BalancingLm.balancingEffect(grid);
        assertEquals(1, e.rowCount());
        assertEquals(100, e.doubleColumn("balanced").getDouble(0), 1e-12);
        assertEquals(0, e.doubleColumn("unbalanced vs balanced %").getDouble(0), 1e-9);
        assertEquals(-10, e.doubleColumn("min %").getDouble(0), 1e-9);
        assertEquals(10, e.doubleColumn("max %").getDouble(0), 1e-9);
        assertEquals("1 of 2", e.stringColumn("balanced better").get(0));

        Table over = BalancingLm.overSeeds(grid);
        assertEquals(3, over.rowCount(), "dense, balanced and unbalanced");
        assertEquals(90, over.doubleColumn("min").getDouble(2), 1e-12);
        Table doubled = CbtmExperiment.table(List.of(results.get(1), results.get(1)));
        assertThrows(IllegalArgumentException.class, () -> BalancingLm.balancingEffect(doubled));

        Figure f = BalancingPlots.perplexityOverSeeds(grid, BalancingLm.overSeeds(grid), "K");
        assertEquals(5, f.getTraces().length, "mean and seeds per method, and dense");

        // sizes: seed 0's balanced experts use all their budget, its unbalanced ones 80%; seed 1 the other way
        List<Table> sizes = new ArrayList<>();
        sizes.add(BalancingLm.sizes("balanced", 2, 0, new int[] {0, 1}, new long[] {500, 500}, 500));
        sizes.add(BalancingLm.sizes("unbalanced", 2, 0, new int[] {0, 1}, new long[] {900, 300}, 500));
        sizes.add(BalancingLm.sizes("balanced", 2, 1, new int[] {0, 1}, new long[] {300, 900}, 500));
        sizes.add(BalancingLm.sizes("unbalanced", 2, 1, new int[] {0, 1}, new long[] {500, 600}, 500));
        Table stacked = sizes.get(0).copy();
        for (Table s : sizes.subList(1, 4)) {
            stacked.append(s);
        }
        Table pairs = BalancingLm.pairs(grid, stacked);
        assertEquals(2, pairs.rowCount());
        assertEquals(10, pairs.doubleColumn("unbalanced vs balanced %").getDouble(0), 1e-9);
        assertEquals(-0.2, pairs.doubleColumn("difference").getDouble(0), 1e-12);
        assertEquals(0.2, pairs.doubleColumn("difference").getDouble(1), 1e-12);
        assertEquals(-1, BalancingLm.correlation(pairs, "difference", "unbalanced vs balanced %"), 1e-12);
        assertEquals(1, BalancingPlots.changeVsTokens(pairs, "x").getTraces().length, "one trace: K = 2");
    }

    @Test
    void onARealExperimentTheDocumentScoresAgreeWithTheGrid(@TempDir Path dir) {
        List<Document> all = Samples.all();
        List<Document> train = new ArrayList<>();
        List<Document> test = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 5 == 4 ? test : train).add(all.get(i));
        }
        try (CbtmExperiment exp = new CbtmExperiment(train, test, Tokenizer.fullGpt2(), new ArtifactStore(dir),
                EvalConfig.defaults().withContextLength(64).withProgress(false))) {
            CbtmConfig dense = CbtmConfig.dense(KN2, 4_000);
            CbtmConfig c = CbtmConfig.balanced(2, KN2, 4_000).withPartition(PartitionSpec.unbalanced());
            Table sizes = BalancingLm.trainingSizes(exp, c);
            assertEquals(train.size(), (int) sizes.intColumn("size").sum());
            assertEquals(exp.trainShard().numTokens(), (long) sizes.longColumn("tokens").sum());
            PerplexityResult scored = BalancingLm.scoreDocuments(exp, c, 64);
            assertEquals(exp.run(c).perplexity(), scored.perplexity(), 1e-9 * scored.perplexity());
            PerplexityResult denseScored = BalancingLm.scoreDocuments(exp, dense, 64);
            assertEquals(exp.run(dense).perplexity(), denseScored.perplexity(), 1e-9 * denseScored.perplexity());
            Table per = BalancingLm.perCluster(sizes, scored, denseScored);
            assertEquals(2, per.rowCount());
            // the clusters' token-weighted log perplexities add up to the whole
            double nll = 0;
            for (int j = 0; j < 2; j++) {
                nll += per.longColumn("test tokens").getLong(j) * Math.log(per.doubleColumn("perplexity").getDouble(j));
            }
            assertEquals(Math.log(scored.perplexity()), nll / scored.tokens(), 1e-9);
            assertTrue(sizes.longColumn("expert tokens").sum() <= 4_000);
        }
    }
}
