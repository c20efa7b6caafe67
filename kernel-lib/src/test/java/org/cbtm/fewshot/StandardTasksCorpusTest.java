package org.cbtm.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.CorpusManifest;
import org.cbtm.text.token.Tokenizer;
import org.junit.jupiter.api.Test;

/** The standard tasks on the real corpus (skipped when the corpus is not built). */
class StandardTasksCorpusTest {

    @Test
    void standardTaskCardsHaveTheExpectedLabels() {
        assumeTrue(CorpusManifest.exists(Corpora.dir()), "the corpus is not built at " + Corpora.dir()
                + " (run datasets/build, or set CBTM_DATA_DIR to a folder holding corpus/): skipping the real-text test");
        Tokenizer tokenizer = Corpora.tokenizer();
        TaskSuite suite = TaskSuite.standard(Corpora.load(), tokenizer,
                TaskConfig.forContext(128).withMaxTrainExamples(3000));
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("spam", List.of("spam", "ham"));
        expected.put("brown-genre", List.of("press", "fiction", "nonfiction"));
        expected.put("fortunes-topic", List.of("people", "definitions", "computers", "songs-poems", "politics", "work",
                "science", "men-women"));
        expected.put("wordnet-pos", List.of("noun", "verb", "adjective", "adverb"));
        expected.put("wordnet-lexname", List.of("noun.artifact", "noun.person", "noun.plant", "noun.animal",
                "noun.act", "noun.communication", "noun.state", "noun.location"));
        expected.put("bible-testament", List.of("old", "new"));
        expected.put("foldoc-vs-jargon", List.of("foldoc", "jargon"));
        assertEquals(List.of(), suite.skipped(), "every standard task is built from the corpus");
        assertEquals(List.copyOf(expected.keySet()), suite.tasks().stream().map(Task::name).toList());
        PromptBuilder builder = new PromptBuilder(tokenizer);
        for (Task task : suite.tasks()) {
            TaskCard card = task.card();
            System.out.println(card);
            assertEquals(expected.get(task.name()), card.labels(), task.name());
            for (int c = 0; c < card.numLabels(); c++) {
                assertTrue(card.trainCounts().get(c) > 0 && card.testCounts().get(c) > 0, card.toString());
            }
            assertTrue(card.majorityAccuracy() > 1.0 / card.numLabels() - 1e-9 && card.majorityAccuracy() < 1);
            assertTrue(card.inputTokens() >= 4, "a context of 128 leaves a few tokens per input: " + card);
            // 8 demonstrations and a test input fit the context the suite was cut for
            List<Example> demos = builder.demonstrations(task, 8, 0);
            for (Example e : task.test(50)) {
                assertTrue(e.tokens().length <= card.inputTokens());
                assertEquals(8, builder.prompt(task, demos, e, 128).shotsFit(), task.name() + " " + e.id());
            }
        }
        // labels and counts checked against the built corpus (datasets/build is deterministic)
        TaskCard bible = suite.task("bible-testament").card();
        assertEquals(List.of(71, 37), bible.testCounts());
        TaskCard spam = suite.task("spam").card();
        assertEquals(List.of(163, 286), spam.testCounts());
    }
}
