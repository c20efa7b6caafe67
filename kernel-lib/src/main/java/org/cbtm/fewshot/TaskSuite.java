package org.cbtm.fewshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.SplitAssigner;
import org.cbtm.text.token.Tokenizer;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Few-shot classification tasks cut from the corpus's own labels and metadata: test examples from the test split
 * only, the training pool (demonstrations, supervised baselines) from the train split only. A task whose classes are
 * not in the corpus is skipped, with the reason in its card.
 *
 * <pre>{@code
 * TaskSuite suite = TaskSuite.standard(Corpora.load(), Corpora.tokenizer(), TaskConfig.forContext(128));
 * suite.cardTable();            // labels, verbalizers, counts, majority-class accuracy
 * suite.tasks();                // the built tasks
 * }</pre>
 */
public final class TaskSuite {

    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final TaskConfig config;
    private final List<Task> tasks;
    private final List<TaskCard> cards;

    private TaskSuite(TaskConfig config, List<Task> tasks, List<TaskCard> cards) {
        this.config = config;
        this.tasks = List.copyOf(tasks);
        this.cards = List.copyOf(cards);
    }

    /**
     * The standard tasks (checked against the built corpus: label names and counts per split):
     * <ul>
     * <li>{@code spam}: SpamAssassin spam vs ham;</li>
     * <li>{@code brown-genre}: Brown's 15 categories in three coarse groups, press / fiction / nonfiction;</li>
     * <li>{@code fortunes-topic}: the 8 largest topical fortune files;</li>
     * <li>{@code wordnet-pos}: a WordNet gloss's part of speech (meta {@code pos}, 4 classes);</li>
     * <li>{@code wordnet-lexname}: the lexicographer class of noun glosses, the 8 largest noun classes;</li>
     * <li>{@code bible-testament}: King James Bible, Old vs New Testament (meta {@code testament});</li>
     * <li>{@code foldoc-vs-jargon}: which dictionary an entry is from, FOLDOC or the Jargon File (the source).</li>
     * </ul>
     */
    public static List<TaskSpec> standardSpecs() {
        List<TaskSpec> specs = new ArrayList<>();
        specs.add(TaskSpec.of("spam", List.of("spamassassin"), "label",
                map("spam", " spam", "ham", " legitimate"), " This email is",
                "SpamAssassin's own labels; ham is verbalized as ' legitimate', the plain-English word for it."));
        Map<String, String> brown = new LinkedHashMap<>();
        for (String g : List.of("news", "editorial", "reviews")) {
            brown.put(g, "press");
        }
        for (String g : List.of("fiction", "romance", "adventure", "mystery", "science_fiction", "humor")) {
            brown.put(g, "fiction");
        }
        for (String g : List.of("learned", "government", "hobbies", "lore", "belles_lettres", "religion")) {
            brown.put(g, "nonfiction");
        }
        specs.add(new TaskSpec("brown-genre", List.of("brown"), "label", brown,
                map("press", " news", "fiction", " fiction", "nonfiction", " nonfiction"), " The genre is",
                "Brown's 15 categories grouped: press = news, editorial, reviews; fiction = fiction, romance, "
                        + "adventure, mystery, science_fiction, humor; nonfiction = learned, government, hobbies, lore, "
                        + "belles_lettres, religion. Brown is split by text, so some categories (hobbies, government, "
                        + "reviews, religion, humor, science_fiction in this build) have no test passages."));
        specs.add(TaskSpec.of("fortunes-topic", List.of("fortunes"), "label",
                map("people", " people", "definitions", " definitions", "computers", " computers",
                        "songs-poems", " poetry", "politics", " politics", "work", " work", "science", " science",
                        "men-women", " relationships"), " The topic is",
                "The 8 largest topical fortune files. Left out although large: cookie and miscellaneous (grab bags "
                        + "without a topic) and zippy, knghtbrd, fortunes (collections named after a source)."));
        specs.add(TaskSpec.of("wordnet-pos", List.of("wordnet"), "pos",
                map("noun", " noun", "verb", " verb", "adjective", " adjective", "adverb", " adverb"),
                " The part of speech is",
                "WordNet synsets (lemmas: gloss) by part of speech; satellite adjectives count as adjectives. "
                        + "' adverb' is two tokens."));
        specs.add(TaskSpec.of("wordnet-lexname", List.of("wordnet"), "label",
                map("noun.artifact", " artifact", "noun.person", " person", "noun.plant", " plant",
                        "noun.animal", " animal", "noun.act", " act", "noun.communication", " communication",
                        "noun.state", " state", "noun.location", " location"), " The category is",
                "The 8 largest noun lexicographer files; other parts of speech are left out (wordnet-pos asks for "
                        + "them), so the task is about meaning."));
        specs.add(TaskSpec.of("bible-testament", List.of("bible"), "testament",
                map("old", " Old", "new", " New"), " The testament is",
                "King James Bible chapters (passages) by testament."));
        specs.add(TaskSpec.of("foldoc-vs-jargon", List.of("foldoc", "jargon"), "source",
                map("foldoc", " computing", "jargon", " slang"), " The dictionary is",
                "Which dictionary an entry comes from: FOLDOC (the Free On-line Dictionary of Computing, ' computing') "
                        + "or the Jargon File (hacker slang, ' slang'). FOLDOC took in many Jargon File entries."));
        return List.copyOf(specs);
    }

    /** The standard tasks of the built corpus, with its tokenizer. */
    public static TaskSuite standard(TaskConfig config) {
        return standard(Corpora.load(), Corpora.tokenizer(), config);
    }

    /** The {@link #standardSpecs() standard tasks} of {@code corpus}. */
    public static TaskSuite standard(Corpus corpus, Tokenizer tokenizer, TaskConfig config) {
        return of(corpus, tokenizer, config, standardSpecs());
    }

    /** The tasks of {@code specs}, built from {@code corpus} (those that cannot be built are skipped, with a card). */
    public static TaskSuite of(Corpus corpus, Tokenizer tokenizer, TaskConfig config, List<TaskSpec> specs) {
        Objects.requireNonNull(corpus, "corpus");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(config, "config");
        List<Task> tasks = new ArrayList<>();
        List<TaskCard> cards = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (TaskSpec spec : specs) {
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("two tasks are named " + spec.name());
            }
            Built built = build(corpus, tokenizer, config, spec);
            if (built.task() != null) {
                tasks.add(built.task());
            }
            cards.add(built.card());
        }
        return new TaskSuite(config, tasks, cards);
    }

    public TaskConfig config() {
        return config;
    }

    /** The built tasks, in spec order. */
    public List<Task> tasks() {
        return tasks;
    }

    /** A built task by name. */
    public Task task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no built task " + name + "; built: "
                        + tasks.stream().map(Task::name).toList() + skippedText()));
    }

    /** The cards of every task, built or skipped, in spec order. */
    public List<TaskCard> cards() {
        return cards;
    }

    /** The cards of the skipped tasks. */
    public List<TaskCard> skipped() {
        return cards.stream().filter(TaskCard::isSkipped).toList();
    }

    private String skippedText() {
        List<TaskCard> s = skipped();
        return s.isEmpty() ? "" : "; skipped: " + s;
    }

    /**
     * One row per task: task, sources, label_field, labels, verbalizers, task_prompt, train_counts, test_counts,
     * train_examples, test_examples, input_tokens, majority_accuracy, notes, skipped (the reason; empty when built).
     */
    public Table cardTable() {
        StringColumn name = StringColumn.create("task");
        StringColumn sources = StringColumn.create("sources");
        StringColumn field = StringColumn.create("label_field");
        StringColumn labels = StringColumn.create("labels");
        StringColumn verbalizers = StringColumn.create("verbalizers");
        StringColumn prompt = StringColumn.create("task_prompt");
        StringColumn train = StringColumn.create("train_counts");
        StringColumn test = StringColumn.create("test_counts");
        IntColumn trainN = IntColumn.create("train_examples");
        IntColumn testN = IntColumn.create("test_examples");
        IntColumn input = IntColumn.create("input_tokens");
        DoubleColumn majority = DoubleColumn.create("majority_accuracy");
        StringColumn notes = StringColumn.create("notes");
        StringColumn skipped = StringColumn.create("skipped");
        for (TaskCard c : cards) {
            name.append(c.name());
            sources.append(String.join(", ", c.sources()));
            field.append(c.labelField());
            labels.append(String.join(", ", c.labels()));
            verbalizers.append(String.join(",", c.verbalizers().stream().map(v -> "'" + v + "'").toList()));
            prompt.append("'" + c.taskPrompt() + "'");
            train.append(c.countsText(c.trainCounts()));
            test.append(c.countsText(c.testCounts()));
            trainN.append(c.trainSize());
            testN.append(c.testSize());
            input.append(c.inputTokens());
            majority.append(c.majorityAccuracy());
            notes.append(c.notes());
            skipped.append(c.skipReason());
        }
        return Table.create("few-shot tasks", name, sources, field, labels, verbalizers, prompt, train, test, trainN,
                testN, input, majority, notes, skipped);
    }

    // ------------------------------------------------------------------ building one task

    /**
     * The most input tokens a task may use so that {@code maxShots} demonstrations and the test input fit the
     * context: {@code EOD + k (input + prompt + longest verbalizer + delimiter) + input + prompt + longest verbalizer}.
     */
    static int inputBudget(TaskConfig config, int promptTokens, int maxOption, int delimiterTokens) {
        if (config.contextLength() == 0) {
            return config.maxInputTokens();
        }
        long k = config.maxShots();
        long fixed = 1 + k * (promptTokens + maxOption + delimiterTokens) + promptTokens + maxOption;
        long perInput = (config.contextLength() - fixed) / (k + 1);
        return (int) Math.max(0, Math.min(config.maxInputTokens(), perInput));
    }

    private record Labelled(Document doc, int label) {
    }

    /** A built task and its card, or (task null) the card of a skipped one. */
    record Built(Task task, TaskCard card) {
        static Built skipped(TaskCard card) {
            return new Built(null, card);
        }
    }

    static Built build(Corpus corpus, Tokenizer tokenizer, TaskConfig config, TaskSpec spec) {
        List<String> classes = spec.labels();
        int promptTokens = tokenizer.encode(spec.taskPrompt()).length;
        int maxOption = 0;
        for (String v : spec.verbalizers().values()) {
            maxOption = Math.max(maxOption, tokenizer.encode(v).length);
        }
        int budget = inputBudget(config, promptTokens, maxOption,
                tokenizer.encode(PromptFormat.standard().delimiter()).length);
        if (budget < 1) {
            return Built.skipped(TaskCard.skipped(spec, "a context of " + config.contextLength() + " tokens cannot hold "
                    + config.maxShots() + " demonstrations of this task and a test input", spec.notes()));
        }
        List<Labelled> trainDocs = new ArrayList<>();
        List<Labelled> testDocs = new ArrayList<>();
        long[] seen = new long[1];
        try (Stream<Document> docs = corpus.sources(spec.sources().toArray(String[]::new))
                .split(Split.TRAIN, Split.TEST).stream()) {
            docs.forEach(d -> {
                seen[0]++;
                String cls = spec.classOf(d);
                if (cls == null) {
                    return;
                }
                Labelled l = new Labelled(d, classes.indexOf(cls));
                (Split.TRAIN.id().equals(d.split()) ? trainDocs : testDocs).add(l);
            });
        }
        if (seen[0] == 0) {
            return Built.skipped(TaskCard.skipped(spec, "no train or test documents of " + String.join(", ", spec.sources())
                    + " in the corpus", spec.notes()));
        }
        int[] trainCount = new int[classes.size()];
        int[] testCount = new int[classes.size()];
        trainDocs.forEach(l -> trainCount[l.label()]++);
        testDocs.forEach(l -> testCount[l.label()]++);
        // a class needs demonstrations and test examples; the others are dropped and the card says so
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        int[] newIndex = new int[classes.size()];
        for (int c = 0; c < classes.size(); c++) {
            if (trainCount[c] > 0 && testCount[c] > 0) {
                newIndex[c] = kept.size();
                kept.add(classes.get(c));
            } else {
                newIndex[c] = -1;
                dropped.add(classes.get(c) + " (" + trainCount[c] + " train, " + testCount[c] + " test)");
            }
        }
        String notes = spec.notes() + (dropped.isEmpty() ? "" : " Dropped, not in both splits: "
                + String.join(", ", dropped) + ".");
        if (kept.size() < 2) {
            return Built.skipped(TaskCard.skipped(spec, "fewer than two of its classes have both training and test examples in "
                    + "the corpus (" + field(spec) + " values " + spec.labels() + ")", notes));
        }
        Comparator<Labelled> seeded = Comparator.comparingLong((Labelled l) ->
                SplitAssigner.hash64(config.seed() + ":" + l.doc().id())).thenComparing(l -> l.doc().id());
        List<Labelled> train = trainDocs.stream().filter(l -> newIndex[l.label()] >= 0).sorted(seeded).toList();
        List<Labelled> test = testDocs.stream().filter(l -> newIndex[l.label()] >= 0).sorted(seeded).toList();
        int pool = train.size();
        if (config.maxTrainExamples() > 0 && train.size() > config.maxTrainExamples()) {
            train = train.subList(0, config.maxTrainExamples());
            notes += " Training pool: a seeded sample of " + config.maxTrainExamples() + " of " + pool + ".";
        }
        List<Example> trainExamples = examples(train, newIndex, tokenizer, budget);
        List<Example> testExamples = examples(test, newIndex, tokenizer, budget);
        List<Integer> trainCounts = counts(trainExamples, kept.size());
        List<Integer> testCounts = counts(testExamples, kept.size());
        List<String> verbalizers = kept.stream().map(c -> spec.verbalizers().get(c)).toList();
        int majority = 0;
        for (int c = 1; c < kept.size(); c++) {
            if (trainCounts.get(c) > trainCounts.get(majority)) {
                majority = c;
            }
        }
        double majorityAccuracy = (double) testCounts.get(majority) / testExamples.size();
        TaskCard card = new TaskCard(spec.name(), spec.sources(), field(spec), kept, verbalizers, spec.taskPrompt(),
                trainCounts, testCounts, budget, majorityAccuracy, notes.strip(), "");
        return new Built(new Task(card, trainExamples, testExamples), card);
    }

    private static String field(TaskSpec spec) {
        return spec.labelField() + (spec.grouping().isEmpty() ? "" : " (grouped)");
    }

    private static List<Integer> counts(List<Example> examples, int classes) {
        int[] n = new int[classes];
        examples.forEach(e -> n[e.label()]++);
        return IntStream.of(n).boxed().toList();
    }

    /** Tokenized (in parallel, order kept) and cut to {@code budget} tokens; empty texts are left out. */
    private static List<Example> examples(List<Labelled> docs, int[] newIndex, Tokenizer tokenizer, int budget) {
        Example[] out = new Example[docs.size()];
        IntStream.range(0, docs.size()).parallel().forEach(i -> {
            Document d = docs.get(i).doc();
            String text = normalize(d.text());
            if (text.isEmpty()) {
                return;
            }
            int[] tokens = cut(tokenizer, tokenizer.encode(text), budget);
            out[i] = new Example(d.id(), d.docId(), tokenizer.decode(tokens), tokens, newIndex[docs.get(i).label()]);
        });
        List<Example> list = new ArrayList<>(out.length);
        for (Example e : out) {
            if (e != null) {
                list.add(e);
            }
        }
        return list;
    }

    /**
     * The first {@code budget} tokens, backing off (at most 3 tokens: a UTF-8 character has 4 bytes at most) when
     * the cut falls inside a character, so that the text the supervised baselines read is the text the models see.
     */
    static int[] cut(Tokenizer tokenizer, int[] tokens, int budget) {
        if (tokens.length <= budget) {
            return tokens;
        }
        int n = budget;
        while (n > Math.max(1, budget - 3) && tokenizer.decode(java.util.Arrays.copyOf(tokens, n)).endsWith("\uFFFD")) {
            n--;
        }
        return java.util.Arrays.copyOf(tokens, n);
    }

    /**
     * Whitespace runs collapsed to one space, trimmed: the layout of e-mails, verses and dictionary entries does
     * not eat the input budget, and the prompt's delimiter is the only blank line in a prompt.
     */
    static String normalize(String text) {
        return SPACES.matcher(text).replaceAll(" ").strip();
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public String toString() {
        return "TaskSuite[" + tasks.size() + " tasks" + skippedText() + "]";
    }
}
