package org.cbtm.eval;

import org.cbtm.train.ComputeAccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.cbtm.corpus.Document;
import org.cbtm.ensemble.AddOneBigram;
import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.ensemble.TopicFixture;
import org.cbtm.route.OracleRouter;
import org.cbtm.corpus.TokenShard;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class PerplexityTest {
    private static final TopicFixture F = TopicFixture.get();
    private static final EvalConfig QUIET = EvalConfig.defaults().withProgress(false);

    @Test
    void followsTheProtocolByHand() {
        // vocabulary {0 = EOD, 1, 2, 3}; two documents ending with EOD
        AddOneBigram m = AddOneBigram.train(List.of(new int[]{1, 2, 2, 0}, new int[]{3, 1, 0}), 4, "tiny");
        List<EvalSequence> docs = List.of(new EvalSequence("a", new int[]{1, 2, 0}, "s1", 0),
                new EvalSequence("b", new int[]{3, 3, 1, 0}, "s2", 1));
        double nll = 0;
        int tokens = 0;
        for (EvalSequence d : docs) {
            int[] t = d.tokens();
            for (int i = 1; i < t.length; i++) { // the first token is not predicted; EOD (last) is
                nll -= (float) m.logProb(t[i - 1], t[i]);
                tokens++;
            }
        }
        PerplexityResult r = Perplexity.evaluate(m, docs, QUIET);
        assertEquals(5, tokens);
        assertEquals(tokens, r.tokens());
        assertEquals(nll / tokens, r.meanNll(), 1e-12);
        assertEquals(Math.exp(nll / tokens), r.perplexity(), 1e-12);
        assertEquals(2, r.scoredDocuments());

        // truncated to a context of 3 tokens: document b loses its last two predictions
        PerplexityResult cut = Perplexity.evaluate(m.withContextLength(3), docs, QUIET);
        assertEquals(4, cut.tokens());
        assertEquals(3, cut.contextLength());
        PerplexityResult cut2 = Perplexity.evaluate(m, docs, QUIET.withContextLength(2));
        assertEquals(2, cut2.tokens());
        double first = -((float) m.logProb(1, 2)) - ((float) m.logProb(3, 3));
        assertEquals(first / 2, cut2.meanNll(), 1e-12);
    }

    @Test
    void parallelAndBatchedEqualSequential() {
        AddOneBigram m = F.experts.get(1);
        PerplexityResult seq = Perplexity.evaluate(m, F.test, QUIET.withBatchSize(1));
        PerplexityResult par = Perplexity.evaluate(m, F.test, QUIET.withThreads(3).withBatchSize(5));
        assertEquals(seq.perplexity(), par.perplexity(), 0);
        assertEquals(seq.documents(), par.documents());
        // an ensemble reads the labels (oracle routing) also in parallel
        SparseEnsemble oracle = new SparseEnsemble(F.experts, new OracleRouter(TopicFixture.K));
        assertEquals(Perplexity.evaluate(oracle, F.test, QUIET).perplexity(),
                Perplexity.evaluate(oracle, F.test, QUIET.withThreads(4).withBatchSize(2)).perplexity(), 0);
    }

    @Test
    void groupTablesCarryTheAccounting() {
        AddOneBigram m = F.experts.get(0);
        PerplexityResult r = Perplexity.evaluate(m, F.test, QUIET);
        ComputeAccount acc = ComputeAccount.counting(12_345, 1.5, "cpu");
        Table summary = r.summary(acc);
        assertEquals(1, summary.rowCount());
        for (String c : List.of("model", "documents", "tokens", "mean_nll", "perplexity", "inference_params",
                "training_tokens", "training_flops", "train_wall_s", "train_device", "eval_wall_s", "eval_device")) {
            assertTrue(summary.columnNames().contains(c), c);
        }
        assertEquals(r.perplexity(), summary.doubleColumn("perplexity").get(0), 1e-12);
        assertEquals(12_345L, summary.longColumn("training_tokens").get(0));
        assertEquals(m.inferenceParameters(), summary.longColumn("inference_params").get(0));
        assertTrue(summary.doubleColumn("training_flops").isMissing(0), "a count model has no FLOPs");

        Table bySource = r.bySource(acc);
        assertEquals(4, bySource.rowCount());
        long tokens = 0;
        for (int i = 0; i < bySource.rowCount(); i++) {
            String source = bySource.stringColumn("source").get(i);
            List<EvalSequence> mine = F.test.stream().filter(s -> s.source().equals(source)).toList();
            assertEquals(Perplexity.evaluate(m, mine, QUIET).perplexity(), bySource.doubleColumn("perplexity").get(i), 1e-9);
            tokens += bySource.longColumn("tokens").get(i);
        }
        assertEquals(r.tokens(), tokens);

        Table byCluster = r.byCluster(ComputeAccount.unknown());
        assertEquals(TopicFixture.K, byCluster.rowCount());
        assertEquals(0, byCluster.intColumn("cluster").get(0));
        assertTrue(byCluster.longColumn("training_tokens").isMissing(0));
        assertEquals(F.test.size(), r.perDocument().rowCount());
    }

    @Test
    void computeAccountAddsUp() {
        ComputeAccount a = ComputeAccount.neural(1000, 50, 2.0, "cpu");
        assertEquals(6.0 * 50 * 1000, a.trainingFlops());
        ComputeAccount b = ComputeAccount.neural(500, 50, 1.0, "cuda:0");
        ComputeAccount s = ComputeAccount.sum(List.of(a, b));
        assertEquals(1500, s.trainingTokens());
        assertEquals(6.0 * 50 * 1500, s.trainingFlops());
        assertEquals(3.0, s.trainingSeconds());
        assertEquals(org.cbtm.base.DeviceNames.localCpu() + " + cuda:0", s.device(), "one name per device");
        assertEquals("gpu:0", ComputeAccount.neural(1, 1, 1, "gpu(0)").device());
        assertTrue(Double.isNaN(a.plus(ComputeAccount.unknown()).trainingFlops()));
        assertEquals(-1, a.plus(ComputeAccount.unknown()).trainingTokens());
        assertThrows(IllegalArgumentException.class, () -> new ComputeAccount(1, -1, 0, "", ""));
    }

    @Test
    void sequencesFromDocumentsAndShards() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            docs.add(Document.of("d" + i, F.testTexts.get(i), "topic" + (i % 4), "", null));
        }
        docs.add(Document.of("empty", "", "x", "", null));
        List<EvalSequence> seqs = EvalSequences.of(F.tokenizer, docs, F.clusters);
        assertEquals(8, seqs.size(), "empty texts are skipped");
        int[] clusters = F.clusters.predict(F.testTexts.subList(0, 8));
        for (int i = 0; i < 8; i++) {
            assertEquals(F.test.get(i).tokens().length, seqs.get(i).tokens().length);
            assertEquals(0, seqs.get(i).tokens()[seqs.get(i).length() - 1], "ends with EOD");
            assertEquals(clusters[i], seqs.get(i).cluster());
            assertEquals("d" + i, seqs.get(i).id());
        }
        TokenShard shard = TokenShard.encodeTexts(F.tokenizer, F.testTexts.subList(0, 8));
        List<EvalSequence> fromShard = EvalSequences.of(shard, clusters, null);
        for (int i = 0; i < 8; i++) {
            assertEquals(seqs.get(i).withTokens(fromShard.get(i).tokens()).tokens().length, seqs.get(i).length());
            assertEquals(clusters[i], fromShard.get(i).cluster());
        }
        assertThrows(IllegalArgumentException.class, () -> EvalSequences.of(shard, new int[3], null));
    }

    @Test
    void rejectsTokensOutsideTheVocabulary() {
        AddOneBigram m = AddOneBigram.train(List.of(new int[]{1, 0}), 3, "tiny");
        assertThrows(IllegalArgumentException.class,
                () -> Perplexity.evaluate(m, List.of(EvalSequence.of(new int[]{1, 5, 0})), QUIET));
        assertThrows(IllegalArgumentException.class, () -> QUIET.withContextLength(1));
        assertThrows(IllegalArgumentException.class, () -> QUIET.withThreads(0));
    }
}
