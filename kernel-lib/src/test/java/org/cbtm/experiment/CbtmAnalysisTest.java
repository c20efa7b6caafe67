package org.cbtm.experiment;

import org.cbtm.cluster.PartitionSpec;
import org.cbtm.train.NgramExperts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.cbtm.train.ComputeAccount;
import org.cbtm.eval.EvalConfig;
import org.cbtm.eval.PerplexityResult;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.train.ExpertKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/** The analyses on a small real experiment (the committed samples, KN-2 experts). */
class CbtmAnalysisTest {

    private static final ExpertKind KN2 = new NgramExperts(new NgramConfig(2));
    private static final EvalConfig EVAL = CbtmAnalysis.evalConfig(64);

    @Test
    void oracleScoresEachClusterWithItsOwnExpert(@TempDir Path dir) {
        CbtmConfig c = CbtmConfig.balanced(3, KN2, 6_000);
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            PerplexityResult oracle = CbtmAnalysis.oracle(exp, c, EVAL);
            Table matrix = CbtmAnalysis.expertByCluster(exp, c, EVAL);
            Table byCluster = oracle.byCluster(ComputeAccount.unknown());
            int compared = 0;
            for (int i = 0; i < byCluster.rowCount(); i++) {
                int cluster = byCluster.intColumn("cluster").getInt(i);
                for (int r = 0; r < matrix.rowCount(); r++) {
                    if (matrix.intColumn("expert").getInt(r) == cluster && matrix.intColumn("cluster").getInt(r) == cluster) {
                        // the oracle's perplexity on cluster k is expert k's alone on cluster k
                        assertEquals(matrix.doubleColumn("perplexity").getDouble(r),
                                byCluster.doubleColumn("perplexity").getDouble(i), 1e-6 * byCluster.doubleColumn("perplexity").getDouble(i));
                        compared++;
                    }
                }
            }
            assertTrue(compared >= 2, "clusters compared: " + compared);
            // every cluster with test documents has K rows, and its best expert a ratio of exactly 1
            assertEquals(0, matrix.rowCount() % 3);
            for (int r = 0; r < matrix.rowCount(); r++) {
                assertTrue(matrix.doubleColumn("ratio_to_best").getDouble(r) >= 1.0);
            }
            long ones = matrix.doubleColumn("ratio_to_best").asList().stream().filter(x -> x == 1.0).count();
            assertEquals(matrix.rowCount() / 3, ones);

            var random = c.withPartition(PartitionSpec.random());
            var e = assertThrows(IllegalArgumentException.class, () -> CbtmAnalysis.oracle(exp, random, EVAL));
            assertTrue(e.getMessage().contains("learned clusters"), e.getMessage());
        }
    }

    @Test
    void sizesAgreementAndDataUse(@TempDir Path dir) {
        CbtmConfig balanced = CbtmConfig.balanced(3, KN2, 6_000);
        CbtmConfig random = balanced.withPartition(PartitionSpec.random());
        try (CbtmExperiment exp = SampleExperiment.in(dir)) {
            Table sizes = CbtmAnalysis.clusterSizes(exp, List.of(balanced, random));
            assertEquals(2, sizes.rowCount());
            for (int r = 0; r < 2; r++) {
                double min = sizes.doubleColumn("min").get(r);
                double max = sizes.doubleColumn("max").get(r);
                assertTrue(min <= 1 && max >= 1, "relative sizes around 1: " + min + ".." + max);
                assertEquals(max - min, sizes.doubleColumn("range").get(r), 1e-12);
            }
            int[] a = CbtmAnalysis.assignment(exp, balanced);
            assertEquals(exp.trainDocuments().size(), a.length);

            Table agree = CbtmAnalysis.sourceAgreement(exp, List.of(balanced, random));
            assertEquals(List.of("balanced", "random"), agree.stringColumn("clustering").asList());
            for (double nmi : agree.doubleColumn("nmi")) {
                assertTrue(nmi >= 0 && nmi <= 1, "nmi " + nmi);
            }

            // a budget far above the data: every expert counts all of its cluster, below its budget
            CbtmConfig huge = balanced.withBudget(3_000_000);
            Table use = CbtmAnalysis.dataUse(exp, List.of(balanced, huge));
            assertEquals(1_000_000L, use.longColumn("budget per expert").get(1));
            assertEquals(3, use.intColumn("experts below budget").get(1));
            assertEquals((long) exp.trainShard().numTokens(), (long) use.longColumn("tokens counted").get(1));
            assertTrue(use.longColumn("tokens counted").get(0) <= 6_000);
        }
    }
}
