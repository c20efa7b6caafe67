package org.cbtm.fewshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cbtm.eval.EvalSequence;
import org.cbtm.lm.LanguageModel;
import org.cbtm.route.Router;
import org.cbtm.route.RoutingWeights;
import org.cbtm.text.token.Tokenizer;

/** Small tasks and fake models for the few-shot tests (no training, no corpus). */
final class Fixtures {

    static final Tokenizer TOKENIZER = Tokenizer.fullGpt2();

    private Fixtures() {
    }

    /** A labelled text. */
    record Item(String id, String text, int label) {
    }

    /** A task built directly from texts, tokenized with {@link #TOKENIZER}, inputs cut to {@code inputTokens}. */
    static Task task(String name, Map<String, String> verbalizers, String prompt, List<Item> train, List<Item> test,
                     int inputTokens) {
        List<String> labels = List.copyOf(verbalizers.keySet());
        List<Example> tr = examples(train, inputTokens);
        List<Example> te = examples(test, inputTokens);
        int[] trainCounts = new int[labels.size()];
        int[] testCounts = new int[labels.size()];
        tr.forEach(e -> trainCounts[e.label()]++);
        te.forEach(e -> testCounts[e.label()]++);
        TaskCard card = new TaskCard(name, List.of("test"), "label", labels, List.copyOf(verbalizers.values()), prompt,
                Arrays.stream(trainCounts).boxed().toList(), Arrays.stream(testCounts).boxed().toList(), inputTokens,
                Double.NaN, "", "");
        return new Task(card, tr, te);
    }

    static List<Example> examples(List<Item> items, int inputTokens) {
        List<Example> out = new ArrayList<>();
        for (Item i : items) {
            int[] t = TaskSuite.cut(TOKENIZER, TOKENIZER.encode(TaskSuite.normalize(i.text())), inputTokens);
            out.add(new Example(i.id(), i.id(), TOKENIZER.decode(t), t, i.label()));
        }
        return out;
    }

    static Map<String, String> verbalizers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The single token of {@code word}; fails when it is not one token. */
    static int token(String word) {
        int[] t = TOKENIZER.encode(word);
        if (t.length != 1) {
            throw new IllegalStateException("'" + word + "' is " + t.length + " tokens");
        }
        return t[0];
    }

    /** A model that only implements {@link LanguageModel#optionLogProbs} (the few-shot code needs nothing else). */
    abstract static class OptionModel implements LanguageModel {
        private final int context;

        OptionModel(int context) {
            this.context = context;
        }

        @Override
        public int vocabSize() {
            return TOKENIZER.vocabSize();
        }

        @Override
        public int contextLength() {
            return context;
        }

        @Override
        public long inferenceParameters() {
            return 0;
        }

        @Override
        public float[][] nextTokenLogProbs(List<int[]> contexts) {
            throw new UnsupportedOperationException("not needed");
        }

        @Override
        public float[] sequenceLogProbs(int[] tokens) {
            throw new UnsupportedOperationException("not needed");
        }

        @Override
        public abstract double[] optionLogProbs(int[] prompt, List<int[]> options);
    }

    /**
     * The planted model: it reads the test input only (the tokens after the last delimiter) and, if it finds the
     * marker token of class c there, gives option c log-probability -1 and every other option -3; without a marker
     * every option gets -2 (so calibration by the content-free prompt changes nothing). It checks that every prompt
     * plus option fits its context.
     */
    static final class PlantedModel extends OptionModel {
        private final int[] markers;
        private final int delimiter;

        PlantedModel(int context, String... markerWords) {
            super(context);
            this.markers = Arrays.stream(markerWords).mapToInt(Fixtures::token).toArray();
            this.delimiter = token("\n\n");
        }

        @Override
        public String name() {
            return "planted";
        }

        @Override
        public double[] optionLogProbs(int[] prompt, List<int[]> options) {
            for (int[] o : options) {
                if (prompt.length + o.length > contextLength()) {
                    throw new IllegalArgumentException("prompt of " + prompt.length + " + option of " + o.length
                            + " exceeds the context " + contextLength());
                }
            }
            int found = -1;
            for (int t = prompt.length - 1; t >= 0 && prompt[t] != delimiter && found < 0; t--) {
                for (int c = 0; c < markers.length; c++) {
                    if (prompt[t] == markers[c]) {
                        found = c;
                    }
                }
            }
            double[] out = new double[options.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = found < 0 ? -2 : i == found ? -1 : -3;
            }
            return out;
        }
    }

    /** A model whose option scores are fixed, counting its calls. */
    static final class FixedModel extends OptionModel {
        private final double[] scores;
        int calls;

        FixedModel(double... scores) {
            super(Integer.MAX_VALUE);
            this.scores = scores;
        }

        @Override
        public String name() {
            return "fixed " + Arrays.toString(scores);
        }

        @Override
        public synchronized double[] optionLogProbs(int[] prompt, List<int[]> options) {
            calls++;
            return scores.clone();
        }
    }

    /**
     * A model with deterministic per-position scores, {@code log p(x_t | x_<t) = f(x_t, t)}, that leaves option
     * scoring to the interface's default (prompt + option, summed over the option's positions).
     */
    static final class PositionModel implements LanguageModel {
        static double score(int token, int position) {
            return -0.01 * (token % 97) - 0.001 * position;
        }

        @Override
        public int vocabSize() {
            return TOKENIZER.vocabSize();
        }

        @Override
        public int contextLength() {
            return Integer.MAX_VALUE;
        }

        @Override
        public long inferenceParameters() {
            return 0;
        }

        @Override
        public String name() {
            return "position model";
        }

        @Override
        public float[][] nextTokenLogProbs(List<int[]> contexts) {
            throw new UnsupportedOperationException("not needed");
        }

        @Override
        public float[] sequenceLogProbs(int[] tokens) {
            float[] out = new float[Math.max(0, tokens.length - 1)];
            for (int t = 1; t < tokens.length; t++) {
                out[t - 1] = (float) score(tokens[t], t);
            }
            return out;
        }
    }

    /** A router giving the same weights to every prompt. */
    record FixedRouter(double... weights) implements Router {
        @Override
        public int numExperts() {
            return weights.length;
        }

        @Override
        public int maxActiveExperts() {
            return weights.length;
        }

        @Override
        public RoutingWeights route(EvalSequence sequence) {
            return RoutingWeights.constant(sequence.positions(), weights.clone());
        }

        @Override
        public double[] nextWeights(EvalSequence context) {
            return weights.clone();
        }

        @Override
        public long inferenceParameters() {
            return 0;
        }

        @Override
        public String name() {
            return "fixed";
        }
    }
}
