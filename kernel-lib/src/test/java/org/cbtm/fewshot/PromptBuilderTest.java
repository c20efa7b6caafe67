package org.cbtm.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.cbtm.eval.EvalSequence;
import org.cbtm.fewshot.Fixtures.Item;
import org.cbtm.text.token.Tokenizer;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {

    /** Three classes of unequal size (30 / 12 / 3 training examples), 6 test examples. */
    static Task threeClasses() {
        List<Item> train = new ArrayList<>();
        int[] sizes = {30, 12, 3};
        String[] words = {"red", "green", "blue"};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < sizes[c]; i++) {
                train.add(new Item("train-" + words[c] + i, "a " + words[c] + " thing, number " + i, c));
            }
        }
        List<Item> test = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            test.add(new Item("test-" + i, "a " + words[i % 3] + " test thing " + i, i % 3));
        }
        return Fixtures.task("colours", Fixtures.verbalizers("red", " red", "green", " green", "blue", " blue"),
                " The colour is", train, test, 64);
    }

    private final PromptBuilder builder = new PromptBuilder(Fixtures.TOKENIZER);

    @Test
    void demonstrationsAreDeterministicPerSeed() {
        Task task = threeClasses();
        PromptBuilder other = new PromptBuilder(Fixtures.TOKENIZER);
        for (int k : List.of(0, 1, 4, 8)) {
            for (int seed = 0; seed < 5; seed++) {
                assertEquals(builder.demonstrations(task, k, seed), other.demonstrations(task, k, seed));
            }
        }
        Set<List<String>> draws = new HashSet<>();
        for (int seed = 0; seed < 5; seed++) {
            draws.add(builder.demonstrations(task, 8, seed).stream().map(Example::id).sorted().toList());
        }
        assertTrue(draws.size() > 1, "different seeds draw different demonstrations");
    }

    @Test
    void demonstrationsNeverComeFromTheTestSplit() {
        Task task = threeClasses();
        Set<String> trainIds = new HashSet<>(task.train().stream().map(Example::id).toList());
        Set<String> testIds = new HashSet<>(task.test().stream().map(Example::id).toList());
        for (int seed = 0; seed < 20; seed++) {
            for (Example d : builder.demonstrations(task, 8, seed)) {
                assertTrue(trainIds.contains(d.id()), d.id());
                assertTrue(!testIds.contains(d.id()), d.id());
            }
        }
        // a test example passed as a demonstration is refused
        var e = assertThrows(IllegalArgumentException.class,
                () -> builder.prompt(task, List.of(task.test().get(1)), task.test().get(0), 1000));
        assertTrue(e.getMessage().contains("train"), e.getMessage());
        // and a task whose training and test examples share a document cannot be made
        assertThrows(IllegalArgumentException.class, () -> new Task(task.card(), task.train(),
                List.of(new Example("other-id", task.train().get(0).docId(), "x", new int[]{5}, 0))));
    }

    @Test
    void demonstrationsAreBalancedOverLabelsAndNested() {
        Task task = threeClasses();
        for (int seed = 0; seed < 10; seed++) {
            List<Example> eight = builder.demonstrations(task, 8, seed);
            assertEquals(8, eight.size());
            assertEquals(8, eight.stream().map(Example::id).distinct().count());
            int[] counts = new int[3];
            eight.forEach(d -> counts[d.label()]++);
            assertTrue(IntStream.of(counts).max().getAsInt() - IntStream.of(counts).min().getAsInt() <= 1,
                    "3 / 3 / 2: " + java.util.Arrays.toString(counts));
            Set<String> ids = new HashSet<>(eight.stream().map(Example::id).toList());
            for (int k : List.of(1, 4)) {
                assertTrue(builder.demonstrations(task, k, seed).stream().allMatch(d -> ids.contains(d.id())),
                        "the " + k + " demonstrations of a seed are among its 8");
            }
            // a label that runs out leaves its turn to the others: 20 shots, blue has only 3
            int[] twenty = new int[3];
            builder.demonstrations(task, 20, seed).forEach(d -> twenty[d.label()]++);
            assertArrayEquals(new int[]{9, 8, 3}, sortedDesc(twenty), java.util.Arrays.toString(twenty));
        }
    }

    private static int[] sortedDesc(int[] a) {
        return IntStream.of(a).boxed().sorted((x, y) -> y - x).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void promptIsDemonstrationsThenInputThenTaskPrompt() {
        Task task = threeClasses();
        Tokenizer tok = Fixtures.TOKENIZER;
        List<Example> demos = builder.demonstrations(task, 2, 3);
        Example input = task.test().get(0);
        Prompt p = builder.prompt(task, demos, input, 10_000);
        StringBuilder demoText = new StringBuilder();
        for (Example d : demos) {
            demoText.append(d.text()).append(" The colour is").append(task.card().verbalizers().get(d.label()))
                    .append("\n\n");
        }
        assertEquals(demoText + input.text() + " The colour is", builder.text(p));
        assertEquals(Tokenizer.EOD, p.tokens()[0], "a prompt starts a document");
        assertEquals(2, p.shotsFit());
        assertEquals(List.of(" red", " green", " blue"),
                builder.options(task).stream().map(tok::decode).toList());
        // calibration's content-free prompt: the same demonstrations and the task prompt alone
        assertEquals(demoText + " The colour is", builder.text(builder.contentFreePrompt(task, demos, 10_000)));
        PromptBuilder na = new PromptBuilder(tok, PromptFormat.standard().withContentFreeInput("N/A"));
        assertEquals(demoText + "N/A The colour is", na.text(na.contentFreePrompt(task, demos, 10_000)));
    }

    @Test
    void promptsNeverExceedTheContextAndDropDemonstrationsFromTheFront() {
        Task task = threeClasses();
        int option = builder.maxOptionLength(task);
        for (int context : List.of(20, 30, 45, 60, 90, 200)) {
            for (int seed = 0; seed < 3; seed++) {
                List<Example> demos = builder.demonstrations(task, 8, seed);
                for (Example input : task.test()) {
                    Prompt p = builder.prompt(task, demos, input, context);
                    assertTrue(p.length() + option <= context, p + " in " + context);
                    assertEquals(8, p.shotsRequested());
                    // the demonstrations kept are the last shotsFit, in order
                    List<Example> kept = demos.subList(8 - p.shotsFit(), 8);
                    Prompt same = builder.prompt(task, kept, input, Integer.MAX_VALUE);
                    if (!p.inputCut()) {
                        assertArrayEquals(same.tokens(), p.tokens());
                    }
                    if (p.shotsFit() < 8 && !p.inputCut()) {
                        // one more demonstration would not have fitted
                        Prompt more = builder.prompt(task, demos.subList(8 - p.shotsFit() - 1, 8), input, Integer.MAX_VALUE);
                        assertTrue(more.length() + option > context);
                    }
                }
            }
        }
    }

    @Test
    void theInputIsCutOnlyWhenNoDemonstrationIsLeft() {
        Task task = threeClasses();
        Example input = task.test().get(0);
        int option = builder.maxOptionLength(task);
        int promptTokens = Fixtures.TOKENIZER.encode(" The colour is").length;
        int context = 1 + 2 + promptTokens + option; // EOD, two input tokens, the task prompt, an option
        Prompt p = builder.prompt(task, builder.demonstrations(task, 4, 0), input, context);
        assertEquals(0, p.shotsFit());
        assertTrue(p.inputCut());
        assertEquals(context - option, p.length());
        assertThrows(IllegalArgumentException.class, () -> builder.prompt(task, List.of(), input, promptTokens),
                "a context that cannot hold the task prompt and an option");
    }

    @Test
    void aMultiTokenVerbalizerIsScoredByTheSumOverItsTokens() {
        List<Item> train = List.of(new Item("t0", "first training text", 0), new Item("t1", "second training text", 1));
        List<Item> test = List.of(new Item("x0", "some test input", 0));
        Task task = Fixtures.task("multi", Fixtures.verbalizers("long", " xylophonist", "short", " cat"),
                " The answer is", train, test, 16);
        List<int[]> options = builder.options(task);
        int[] xylophonist = Fixtures.TOKENIZER.encode(" xylophonist");
        assertTrue(xylophonist.length > 1, "the verbalizer must span several tokens for this test");
        assertArrayEquals(xylophonist, options.get(0));
        assertEquals(xylophonist.length, builder.maxOptionLength(task));
        Prompt p = builder.prompt(task, builder.demonstrations(task, 2, 0), task.test().get(0), 10_000);
        OptionScores s = new ModelScorer(new Fixtures.PositionModel())
                .score(new EvalSequence("x0", p.tokens(), "", EvalSequence.NO_CLUSTER), options);
        for (int o = 0; o < 2; o++) {
            double expected = 0;
            int[] opt = options.get(o);
            for (int j = 0; j < opt.length; j++) {
                expected += (float) Fixtures.PositionModel.score(opt[j], p.length() + j);
            }
            assertEquals(expected, s.logProbs()[o], 1e-9, "option " + o);
        }
        assertNotEquals(s.logProbs()[0], s.logProbs()[1]);
    }
}
