package org.cbtm.eval;

import org.cbtm.train.ComputeAccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.corpus.TokenShard;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class ExpertClusterMatrixTest {

    private static final int VOCAB = 41;
    private static final int K = 3;
    private static final EvalConfig QUIET = EvalConfig.defaults().withProgress(false);

    /** A document of cluster {@code c}: ids counting up by {@code c + 1} (mod the vocabulary, never 0) from a random start. */
    private static int[] document(int c, Random r) {
        int[] doc = new int[10 + r.nextInt(10)];
        int t = 1 + r.nextInt(VOCAB - 1);
        for (int i = 0; i < doc.length; i++) {
            doc[i] = t;
            t = 1 + (t - 1 + c + 1) % (VOCAB - 1);
        }
        return doc;
    }

    /** KN-2 expert k trained on cluster k's pattern only. */
    private static List<LanguageModel> experts() {
        Random r = new Random(11);
        List<LanguageModel> out = new ArrayList<>();
        for (int c = 0; c < K; c++) {
            List<int[]> docs = new ArrayList<>();
            for (int d = 0; d < 40; d++) {
                docs.add(document(c, r));
            }
            out.add(KneserNeyLM.train(TokenShard.ofDocuments(docs, VOCAB), new NgramConfig(2)));
        }
        return out;
    }

    /** Held-out documents of every cluster (labelled), ending with EOD. */
    private static List<EvalSequence> test(int perCluster) {
        Random r = new Random(5);
        List<EvalSequence> out = new ArrayList<>();
        for (int i = 0; i < perCluster * K; i++) {
            int c = i % K;
            int[] d = document(c, r);
            int[] t = java.util.Arrays.copyOf(d, d.length + 1);
            out.add(new EvalSequence("doc-" + i, t, "src", c));
        }
        return out;
    }

    @Test
    void expertsTrainedOnTheirClusterWinTheDiagonal() {
        List<EvalSequence> test = test(6);
        ExpertClusterMatrix m = ExpertClusterMatrix.evaluate(experts(), test, QUIET);
        assertEquals(K, m.k());
        assertEquals(K, m.diagonalWins());
        assertTrue(m.diagonalRatio() < 0.5, "diagonal / off-diagonal " + m.diagonalRatio());
        for (int c = 0; c < K; c++) {
            assertEquals(c, m.bestExpert(c));
            assertEquals(6, m.documents(c));
            assertTrue(m.ownVersusOthers(c) < 1);
        }
        // the columns are exactly the per-cluster perplexities of each expert's own result
        for (int e = 0; e < K; e++) {
            Table byCluster = m.result(e).byCluster(ComputeAccount.unknown());
            for (int c = 0; c < K; c++) {
                assertEquals(byCluster.doubleColumn("perplexity").get(c), m.perplexity(e, c), 1e-9);
                assertEquals(byCluster.longColumn("tokens").get(c), m.tokens(c));
            }
        }
        double diag = 0;
        double off = 0;
        for (int e = 0; e < K; e++) {
            for (int c = 0; c < K; c++) {
                if (e == c) {
                    diag += m.perplexity(e, c) / K;
                } else {
                    off += m.perplexity(e, c) / (K * (K - 1));
                }
            }
        }
        assertEquals(diag, m.diagonalMean(), 1e-9);
        assertEquals(off, m.offDiagonalMean(), 1e-9);
        assertTrue(m.summary().contains("**3 of 3**"), m.summary());
        assertTrue(m.verdict().contains("clean diagonal"), m.verdict());
    }

    @Test
    void expertsInTheWrongOrderLoseTheDiagonal() {
        List<LanguageModel> experts = experts();
        // rotate: "expert" c is now the one trained on cluster c + 1
        List<LanguageModel> rotated = List.of(experts.get(1), experts.get(2), experts.get(0));
        ExpertClusterMatrix m = ExpertClusterMatrix.evaluate(rotated, test(4), QUIET);
        assertEquals(0, m.diagonalWins());
        assertTrue(m.diagonalRatio() > 1);
        assertEquals(List.of("no", "no", "no"), m.perCluster().stringColumn("own expert wins").asList());
        assertEquals(2, m.bestExpert(0));
        assertTrue(m.verdict().contains("only 0 of 3") && m.verdict().contains("does not reproduce"), m.verdict());
        // one expert in place of three: partial
        ExpertClusterMatrix partial = ExpertClusterMatrix.evaluate(
                List.of(experts.get(0), experts.get(2), experts.get(1)), test(4), QUIET);
        assertEquals(1, partial.diagonalWins());
        assertTrue(partial.verdict().contains("only 1 of 3"), partial.verdict());
    }

    @Test
    void tablesHaveOneCellPerExpertAndCluster() {
        ExpertClusterMatrix m = ExpertClusterMatrix.evaluate(experts(), test(3), QUIET);
        Table wide = m.wide();
        assertEquals(K, wide.rowCount());
        assertEquals(K + 1, wide.columnCount());
        assertEquals(m.perplexity(2, 1), wide.doubleColumn("cluster 1").get(2), 1e-12);
        Table longForm = m.table();
        assertEquals(K * K, longForm.rowCount());
        for (int i = 0; i < longForm.rowCount(); i++) {
            assertTrue(longForm.doubleColumn("relative to best").get(i) >= 1.0);
        }
        assertEquals(List.of("yes", "yes", "yes"), m.perCluster().stringColumn("own expert wins").asList());
    }

    @Test
    void rejectsSequencesThatDoNotMatchTheExperts() {
        List<LanguageModel> experts = experts();
        List<EvalSequence> unlabelled = List.of(EvalSequence.of(new int[] {1, 2, 3, 0}));
        var e1 = assertThrows(IllegalArgumentException.class,
                () -> ExpertClusterMatrix.evaluate(experts, unlabelled, QUIET));
        assertTrue(e1.getMessage().contains("outside [0, 3)"), e1.getMessage());
        List<EvalSequence> noCluster2 = test(2).stream().filter(s -> s.cluster() != 2).toList();
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> ExpertClusterMatrix.evaluate(experts, noCluster2, QUIET));
        assertTrue(e2.getMessage().contains("cluster 2 has no test tokens"), e2.getMessage());
        // results on different documents cannot form one matrix
        List<EvalSequence> a = test(2);
        PerplexityResult r0 = Perplexity.evaluate(experts.get(0), a, QUIET);
        PerplexityResult r1 = Perplexity.evaluate(experts.get(1), a.subList(0, 5), QUIET);
        PerplexityResult r2 = Perplexity.evaluate(experts.get(2), a, QUIET);
        assertThrows(IllegalArgumentException.class, () -> ExpertClusterMatrix.of(List.of(r0, r1, r2)));
        assertThrows(IllegalArgumentException.class, () -> ExpertClusterMatrix.of(List.of()));
    }

    @Test
    void samplePerClusterKeepsAtMostNOfEachInOrder() {
        List<EvalSequence> all = new ArrayList<>(test(10));
        all.add(EvalSequence.of(new int[] {1, 2, 0})); // no cluster: dropped
        List<EvalSequence> s = ExpertClusterMatrix.samplePerCluster(all, 4, 3);
        assertEquals(12, s.size());
        for (int c = 0; c < K; c++) {
            int cluster = c;
            assertEquals(4, s.stream().filter(x -> x.cluster() == cluster).count());
        }
        // input order kept, deterministic for a seed, different for another seed
        List<Integer> positions = s.stream().map(all::indexOf).toList();
        assertEquals(positions.stream().sorted().toList(), positions);
        assertEquals(s, ExpertClusterMatrix.samplePerCluster(all, 4, 3));
        assertNotEquals(s, ExpertClusterMatrix.samplePerCluster(all, 4, 4));
        // a cluster smaller than n keeps all of its sequences
        assertEquals(30, ExpertClusterMatrix.samplePerCluster(all, 50, 3).size());
        assertThrows(IllegalArgumentException.class, () -> ExpertClusterMatrix.samplePerCluster(all, 0, 3));
    }
}
