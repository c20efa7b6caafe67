package org.cbtm.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Jsonl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks cut from a small synthetic corpus: which documents, which splits, grouping, dropping, skipping, input cuts. */
class TaskSuiteTest {

    @TempDir
    Path dir;

    private static Document doc(String id, String source, String label, String split, Map<String, Object> meta,
                                String text) {
        return new Document(id, text, source, label, id, split, meta);
    }

    /**
     * News source: labels sport / politics / weather / recipes in train, valid and test; "weather" is in no test
     * document and "recipes" only in valid; meta "mood" on some documents.
     */
    private Corpus corpus() {
        List<Document> docs = new ArrayList<>();
        String[] splits = {"train", "train", "train", "test", "valid"};
        for (int i = 0; i < 40; i++) {
            String split = splits[i % splits.length];
            docs.add(doc("news:s" + i, "news", "sport", split, Map.of("mood", "happy"),
                    "The team won   the\n\nmatch number " + i + " after a long and very hard season of games"));
            docs.add(doc("news:p" + i, "news", "politics", split, Map.of("mood", "sad"),
                    "The minister said the vote number " + i + " would come soon"));
            if (!split.equals("test")) {
                docs.add(doc("news:w" + i, "news", "weather", split, Map.of(), "Rain and wind " + i));
            }
            if (split.equals("valid")) {
                docs.add(doc("news:r" + i, "news", "recipes", split, Map.of(), "Stir the soup " + i));
            }
        }
        docs.add(doc("other:x", "other", "sport", "test", Map.of(), "another source"));
        Path file = dir.resolve("news.jsonl");
        Jsonl.write(file, docs);
        return Corpus.of(List.of(file));
    }

    @Test
    void tasksComeFromTheLabelsOfTheTrainAndTestSplitsOnly() {
        TaskSpec spec = new TaskSpec("news-topic", List.of("news"), "label",
                Map.of("sport", "games", "politics", "state", "weather", "sky"),
                Fixtures.verbalizers("games", " sport", "state", " politics", "sky", " weather"), " The topic is",
                "grouped for the test");
        TaskSuite suite = TaskSuite.of(corpus(), Fixtures.TOKENIZER, TaskConfig.defaults(), List.of(spec));
        Task task = suite.task("news-topic");
        TaskCard card = task.card();
        assertEquals(List.of("games", "state"), card.labels(), "weather has no test documents: dropped");
        assertEquals(List.of(" sport", " politics"), card.verbalizers());
        assertTrue(card.notes().contains("sky (24 train, 0 test)"), card.notes());
        assertEquals(List.of(24, 24), card.trainCounts());
        assertEquals(List.of(8, 8), card.testCounts());
        assertEquals(0.5, card.majorityAccuracy(), 1e-12);
        assertEquals("label (grouped)", card.labelField());
        for (Example e : task.train()) {
            assertTrue(e.id().matches("news:[sp](0|1|2|5|6|7|10|11|12|15|16|17|20|21|22|25|26|27|30|31|32|35|36|37)"),
                    "train split only: " + e.id());
        }
        for (Example e : task.test()) {
            assertTrue(e.id().matches("news:[sp]\\d+") && Integer.parseInt(e.id().substring(6)) % 5 == 3,
                    "test split of the task's source only: " + e.id());
            assertFalse(e.text().contains("  ") || e.text().contains("\n"), "whitespace collapsed: " + e.text());
        }
        assertEquals(1, suite.cardTable().rowCount());
    }

    @Test
    void aTaskWithoutTwoClassesInBothSplitsIsSkippedWithAReason() {
        TaskSpec noField = TaskSpec.of("by-colour", List.of("news"), "colour",
                Fixtures.verbalizers("red", " red", "blue", " blue"), " The colour is", "");
        TaskSpec oneClass = TaskSpec.of("weather-or-recipes", List.of("news"), "label",
                Fixtures.verbalizers("weather", " weather", "recipes", " food"), " The topic is", "");
        TaskSpec noSource = TaskSpec.of("missing", List.of("brown"), "label",
                Fixtures.verbalizers("news", " news", "fiction", " fiction"), " The genre is", "");
        TaskSpec mood = TaskSpec.of("mood", List.of("news"), "mood",
                Fixtures.verbalizers("happy", " happy", "sad", " sad"), " The mood is", "");
        TaskSuite suite = TaskSuite.of(corpus(), Fixtures.TOKENIZER, TaskConfig.defaults(),
                List.of(noField, oneClass, noSource, mood));
        assertEquals(List.of("mood"), suite.tasks().stream().map(Task::name).toList());
        assertEquals(4, suite.cards().size());
        assertEquals(3, suite.skipped().size());
        for (TaskCard c : suite.skipped()) {
            assertFalse(c.skipReason().isEmpty());
        }
        assertTrue(suite.skipped().get(2).skipReason().contains("no train or test documents of brown"),
                suite.skipped().get(2).skipReason());
        var e = assertThrows(IllegalArgumentException.class, () -> suite.task("by-colour"));
        assertTrue(e.getMessage().contains("skipped"), e.getMessage());
    }

    @Test
    void inputsAreCutSoThatTheMostShotsFitTheContext() {
        TaskSpec spec = TaskSpec.of("news-topic", List.of("news"), "label",
                Fixtures.verbalizers("sport", " sport", "politics", " politics"), " The topic is", "");
        int context = 100;
        TaskSuite suite = TaskSuite.of(corpus(), Fixtures.TOKENIZER, TaskConfig.forContext(context), List.of(spec));
        Task task = suite.task("news-topic");
        int budget = task.card().inputTokens();
        // EOD + 8 x (input + 3 prompt + 1 verbalizer + 1 delimiter) + input + 3 + 1 <= 100
        assertEquals((100 - 1 - 8 * 5 - 4) / 9, budget);
        assertTrue(task.train().stream().anyMatch(e -> e.tokens().length == budget), "long inputs are cut to the budget");
        PromptBuilder builder = new PromptBuilder(Fixtures.TOKENIZER);
        for (int seed = 0; seed < 5; seed++) {
            List<Example> demos = builder.demonstrations(task, 8, seed);
            for (Example test : task.test()) {
                assertTrue(test.tokens().length <= budget);
                Prompt p = builder.prompt(task, demos, test, context);
                assertEquals(8, p.shotsFit(), "8 demonstrations fit the context the suite was cut for");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> TaskSpec.of("bad", List.of("news"), "label",
                Fixtures.verbalizers("sport", "sport", "politics", " politics"), " The topic is", ""),
                "a verbalizer needs its leading space");
    }
}
