package org.cbtm.fewshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import org.cbtm.corpus.SplitAssigner;
import org.cbtm.text.token.Tokenizer;

/**
 * Makes k-shot prompts (methods 1.5):
 *
 * <pre>
 * EOD  demo_1 + task prompt + verbalizer(label_1)  delimiter  ...  demo_k + ... + delimiter  test input + task prompt
 * </pre>
 *
 * then each option (a verbalizer) is scored after it. The prompt starts with the end-of-document token because
 * the models learned documents that follow one (training packs documents with EOD between them): it marks "a new
 * document starts here", and gives the first real token something to be predicted from.
 *
 * <p>Parts are tokenized separately and concatenated, so an input's tokens are the same in every prompt, and the
 * option tokens are exactly {@code tokenizer.encode(verbalizer)} (the verbalizer's leading space makes that the way
 * it would tokenize in running text).
 *
 * <p>Demonstrations come from the task's training pool only, balanced over labels where possible, and depend
 * only on the task, the seed and k. Thread-safe.
 */
public final class PromptBuilder {

    private final Tokenizer tokenizer;
    private final PromptFormat format;
    private final int[] delimiter;
    private final int[] contentFreeInput;
    private final ConcurrentHashMap<String, Parts> parts = new ConcurrentHashMap<>();

    /** The tokens of a task's fixed text. */
    private record Parts(int[] taskPrompt, int[][] options, int maxOption) {
    }

    public PromptBuilder(Tokenizer tokenizer) {
        this(tokenizer, PromptFormat.standard());
    }

    public PromptBuilder(Tokenizer tokenizer, PromptFormat format) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.format = Objects.requireNonNull(format, "format");
        this.delimiter = tokenizer.encode(format.delimiter());
        String cf = TaskSuite.normalize(format.contentFreeInput());
        this.contentFreeInput = tokenizer.encode(cf);
    }

    public PromptFormat format() {
        return format;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    private Parts parts(Task task) {
        return parts.computeIfAbsent(task.name() + "\u0000" + task.card().taskPrompt() + "\u0000"
                + task.card().verbalizers(), k -> {
            List<String> verbalizers = task.card().verbalizers();
            int[][] options = new int[verbalizers.size()][];
            int max = 0;
            for (int i = 0; i < options.length; i++) {
                options[i] = tokenizer.encode(verbalizers.get(i));
                if (options[i].length == 0) {
                    throw new IllegalArgumentException("task " + task.name() + ": verbalizer '" + verbalizers.get(i)
                            + "' has no tokens");
                }
                max = Math.max(max, options[i].length);
            }
            return new Parts(tokenizer.encode(task.card().taskPrompt()), options, max);
        });
    }

    /** The option tokens of the task's classes (its verbalizers), in label order. */
    public List<int[]> options(Task task) {
        return Arrays.stream(parts(task).options()).map(int[]::clone).toList();
    }

    /** The longest option of the task, in tokens: a prompt leaves room for it. */
    public int maxOptionLength(Task task) {
        return parts(task).maxOption();
    }

    /** Tokens every demonstration adds besides its input, at most: task prompt + longest verbalizer + delimiter. */
    int demonstrationOverhead(Task task) {
        Parts p = parts(task);
        return p.taskPrompt().length + p.maxOption() + delimiter.length;
    }

    /**
     * {@code k} demonstrations from the task's training pool, balanced over labels: each label in turn (in a seeded
     * order) gives its next example (each label's examples in a seeded order) until k are drawn, so labels differ by
     * at most one where the pool allows, and a label that runs out leaves its turn to the others. The draws are
     * nested (the 4 demonstrations of a seed are among its 8); the prompt order is then shuffled with (seed, k),
     * so that the last demonstration's label is not always the same. Deterministic per (task, seed, k); never a
     * test example.
     */
    public List<Example> demonstrations(Task task, int k, long seed) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        List<Example> pool = task.train();
        int n = Math.min(k, pool.size());
        if (n == 0) {
            return List.of();
        }
        long base = SplitAssigner.hash64("fewshot-demonstrations:" + task.name() + ":" + seed);
        int labels = task.numLabels();
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int c = 0; c < labels; c++) {
            byLabel.add(new ArrayList<>());
        }
        for (int i = 0; i < pool.size(); i++) {
            byLabel.get(pool.get(i).label()).add(i);
        }
        // one generator per label, so a label's order does not depend on how many draws the others made
        int[][] order = new int[labels][];
        for (int c = 0; c < labels; c++) {
            order[c] = partialShuffle(byLabel.get(c), n, new SplittableRandom(mix(base + 31L * (c + 1))));
        }
        int[] labelOrder = partialShuffle(range(labels), labels, new SplittableRandom(mix(base)));
        List<Example> drawn = new ArrayList<>(n);
        int[] next = new int[labels];
        while (drawn.size() < n) {
            boolean any = false;
            for (int c : labelOrder) {
                if (drawn.size() == n) {
                    break;
                }
                if (next[c] < order[c].length) {
                    drawn.add(pool.get(order[c][next[c]++]));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        SplittableRandom shuffle = new SplittableRandom(mix(base ^ (0x9E3779B97F4A7C15L * (k + 1))));
        for (int i = drawn.size() - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            Example t = drawn.get(i);
            drawn.set(i, drawn.get(j));
            drawn.set(j, t);
        }
        return List.copyOf(drawn);
    }

    /**
     * The prompt for {@code input} after {@code demonstrations} (in that order), sized so that the prompt plus the
     * task's longest option fits {@code contextLength}: demonstrations are dropped from the front until it does
     * ({@link Prompt#shotsFit()} says how many stayed); if none is left and it still does not fit, the test input is
     * cut (its beginning kept).
     *
     * @throws IllegalArgumentException if a demonstration is not in the task's training pool, or the context cannot
     *                                  even hold the task prompt and an option
     */
    public Prompt prompt(Task task, List<Example> demonstrations, Example input, int contextLength) {
        return build(task, demonstrations, input.tokens(), contextLength);
    }

    /**
     * The content-free prompt of calibration: the same demonstrations, then {@link PromptFormat#contentFreeInput()}
     * (empty by default: the task prompt alone) and the task prompt.
     */
    public Prompt contentFreePrompt(Task task, List<Example> demonstrations, int contextLength) {
        return build(task, demonstrations, contentFreeInput, contextLength);
    }

    /** The text of a prompt (the EOD token decodes to nothing). */
    public String text(Prompt prompt) {
        return tokenizer.decode(prompt.tokens());
    }

    private Prompt build(Task task, List<Example> demos, int[] input, int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be >= 2, got " + contextLength);
        }
        Parts p = parts(task);
        for (Example d : demos) {
            if (!task.isTrainExample(d)) {
                throw new IllegalArgumentException("task " + task.name() + ": demonstration " + d.id()
                        + " is not in the training pool; demonstrations come from the train split only");
            }
        }
        long room = (long) contextLength - p.maxOption();
        long fixed = 1L + p.taskPrompt().length; // EOD + the task prompt after the test input
        if (fixed > room) {
            throw new IllegalArgumentException("a context of " + contextLength + " tokens cannot hold the end-of-document "
                    + "token, task " + task.name() + "'s prompt (" + p.taskPrompt().length + " tokens) and its longest option ("
                    + p.maxOption() + " tokens)");
        }
        long[] demoLength = new long[demos.size()];
        long total = fixed + input.length;
        for (int i = 0; i < demos.size(); i++) {
            Example d = demos.get(i);
            demoLength[i] = d.tokens().length + p.taskPrompt().length + p.options()[d.label()].length + delimiter.length;
            total += demoLength[i];
        }
        int drop = 0;
        while (total > room && drop < demos.size()) {
            total -= demoLength[drop++];
        }
        int inputKept = input.length;
        if (total > room) {
            inputKept = (int) (input.length - (total - room));
            total = room;
        }
        int[] out = new int[(int) total];
        int at = 0;
        out[at++] = Tokenizer.EOD;
        for (int i = drop; i < demos.size(); i++) {
            Example d = demos.get(i);
            at = put(out, at, d.tokens(), d.tokens().length);
            at = put(out, at, p.taskPrompt(), p.taskPrompt().length);
            int[] o = p.options()[d.label()];
            at = put(out, at, o, o.length);
            at = put(out, at, delimiter, delimiter.length);
        }
        at = put(out, at, input, inputKept);
        at = put(out, at, p.taskPrompt(), p.taskPrompt().length);
        if (at != out.length) {
            throw new IllegalStateException("prompt of " + at + " tokens, expected " + out.length);
        }
        return new Prompt(out, demos.size(), demos.size() - drop, inputKept < input.length);
    }

    private static int put(int[] out, int at, int[] src, int n) {
        System.arraycopy(src, 0, out, at, n);
        return at + n;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private static int[] partialShuffle(List<Integer> items, int first, SplittableRandom rng) {
        int[] a = items.stream().mapToInt(Integer::intValue).toArray();
        return partialShuffle(a, first, rng);
    }

    /** The first {@code first} entries of a Fisher-Yates shuffle of {@code a} (the same whatever {@code first}). */
    private static int[] partialShuffle(int[] a, int first, SplittableRandom rng) {
        int m = Math.min(first, a.length);
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return Arrays.copyOf(a, m);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
