package org.cbtm.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cbtm.corpus.Document;
import org.cbtm.corpus.Samples;
import org.cbtm.eval.EvalConfig;
import org.cbtm.eval.ResultColumns;
import org.cbtm.experiment.ArtifactStore;
import org.cbtm.experiment.CbtmConfig;
import org.cbtm.experiment.CbtmExperiment;
import org.cbtm.experiment.CbtmResult;
import org.cbtm.experiment.GridResults;
import org.cbtm.text.token.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

/**
 * The extension points, exercised from outside the library: a new expert kind ({@link UnigramExperts}), a new
 * router ({@link FirstTokenRouting}) and a new partition ({@link LengthSpec}), each one class in this test source
 * set, run through the real pipeline (partition, shards, training driver, ensemble, evaluation, cache, results)
 * with no edit to the library.
 */
class ExtensionTest {

    private static CbtmExperiment experiment(Path store, Tokenizer tokenizer) {
        List<Document> all = Samples.all();
        List<Document> train = new ArrayList<>();
        List<Document> test = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 5 == 4 ? test : train).add(all.get(i));
        }
        return new CbtmExperiment(train, test, tokenizer, new ArtifactStore(store),
                EvalConfig.defaults().withContextLength(64).withProgress(false));
    }

    @Test
    void aToyKindRouterAndPartitionRunThroughTheRealPipeline(@TempDir Path dir) {
        Tokenizer tokenizer = Tokenizer.fullGpt2();
        UnigramExperts unigram = new UnigramExperts(tokenizer.vocabSize());
        CbtmConfig toy = CbtmConfig.balanced(2, unigram, 20_000).withRouting(new FirstTokenRouting());
        CbtmConfig toyPartition = toy.withPartition(new LengthSpec());
        CbtmConfig dense = CbtmConfig.dense(unigram, 20_000);
        GridResults first;
        try (CbtmExperiment exp = experiment(dir, tokenizer)) {
            first = exp.runGrid(List.of(dense, toy, toyPartition));
        }
        Table t = first.table();
        assertEquals(List.of("dense", "balanced", "length"), t.stringColumn(ResultColumns.METHOD).asList());
        assertEquals(List.of("unigram", "unigram", "unigram"), t.stringColumn(ResultColumns.EXPERT).asList());
        assertEquals(List.of("none", "first-token", "first-token"), t.stringColumn(ResultColumns.ROUTER).asList());
        assertEquals("1", t.stringColumn(ResultColumns.TOP_K).get(1), "one expert of two is kept");
        for (CbtmResult r : first) {
            assertTrue(r.perplexity() > 1 && Double.isFinite(r.perplexity()), r.config().label() + ": " + r.perplexity());
            assertTrue(r.trainingTokens() > 0 && r.trainingTokens() <= 20_000, "tokens actually counted");
            assertEquals(r.config().seed(), r.provenance().seed());
            assertTrue(r.provenance().config().contains("UnigramExperts"), r.provenance().config());
        }
        assertEquals(1.0, first.get(toy).expertsPerToken(), 1e-9, "top-1 routing by the first token runs one expert");
        // a unigram expert of one part of the data is no better than the dense unigram on all of it, but it is a
        // proper model: every ensemble scores the same test tokens
        assertEquals(first.get(dense).testTokens(), first.get(toy).testTokens());

        GridResults again;
        try (CbtmExperiment exp = experiment(dir, tokenizer)) {
            again = exp.runGrid(List.of(dense, toy, toyPartition));
        }
        for (CbtmResult r : again) {
            assertTrue(r.reused(), "the cache keys the new kind, router and partition like the built-in ones");
            assertEquals(first.perplexity(r.config()), r.perplexity());
        }
        try (CbtmExperiment exp = experiment(dir, tokenizer)) {
            assertFalse(exp.run(toy.withBudget(10_000)).reused(), "a changed budget is a new artifact");
        }
    }
}
