package org.cbtm.fewshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.cbtm.corpus.SplitAssigner;
import org.cbtm.text.tfidf.CsrMatrix;
import org.cbtm.text.tfidf.TfidfVectorizer;

import smile.classification.LogisticRegression;
import smile.classification.SparseLogisticRegression;
import smile.data.SampleInstance;
import smile.data.SparseDataset;
import smile.util.SparseArray;

/**
 * The reference points of every few-shot table: always the majority class, uniform random guessing, and a
 * supervised tf-idf logistic regression trained on the same k demonstrations the prompts get, or on the whole
 * training pool (a ceiling). They read the same (cut) input text the language models see.
 */
public final class Baselines {

    public static final String MAJORITY = "majority class";
    public static final String UNIFORM = "uniform random";
    public static final String LOGISTIC_SHOTS = "tf-idf logistic regression, k shots";
    public static final String LOGISTIC_FULL = "tf-idf logistic regression, full train";

    /**
     * L2 penalty of the logistic regressions: Smile minimises {@code -log-likelihood + lambda/2 ||w||^2}, so 1 is
     * scikit-learn's default {@code C = 1}. Without one, a few separable shots send the weights to infinity.
     */
    public static final double LAMBDA = 1.0;

    private Baselines() {
    }

    /** Predicted label and its probability, per test example. */
    public record Predictions(int[] predicted, double[] confidence) {
        public Predictions {
            if (predicted.length != confidence.length) {
                throw new IllegalArgumentException(predicted.length + " predictions, " + confidence.length + " confidences");
            }
        }
    }

    /**
     * Always the training pool's most frequent class (the first of equal ones), with its training frequency as the
     * confidence.
     */
    public static Predictions majority(Task task, List<Example> test) {
        int[] counts = new int[task.numLabels()];
        task.train().forEach(e -> counts[e.label()]++);
        int best = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        int[] p = new int[test.size()];
        Arrays.fill(p, best);
        double[] conf = new double[test.size()];
        Arrays.fill(conf, (double) counts[best] / task.train().size());
        return new Predictions(p, conf);
    }

    /** A label drawn uniformly per example (seeded by the task and {@code seed}), with confidence 1 / #labels. */
    public static Predictions uniform(Task task, List<Example> test, long seed) {
        SplittableRandom rng = new SplittableRandom(SplitAssigner.hash64("fewshot-uniform:" + task.name() + ":" + seed));
        int[] p = new int[test.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = rng.nextInt(task.numLabels());
        }
        double[] conf = new double[test.size()];
        Arrays.fill(conf, 1.0 / task.numLabels());
        return new Predictions(p, conf);
    }

    /**
     * Logistic regression (Smile, L2 penalty {@link #LAMBDA}) on tf-idf features fitted on {@code train}'s texts
     * (the project's scikit-learn-like vectoriser, no pruning). Only the classes present in {@code train} can be
     * predicted; with a single class it is always that class (confidence 1). A test input without any word of the
     * training texts gets the most frequent training class (equal ones: a draw seeded by the example's id), with its
     * training frequency as the confidence.
     */
    public static Predictions logistic(List<Example> train, List<Example> test) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("logistic regression needs at least one training example");
        }
        int[] present = train.stream().mapToInt(Example::label).distinct().sorted().toArray();
        if (present.length == 1) {
            int[] p = new int[test.size()];
            Arrays.fill(p, present[0]);
            double[] conf = new double[test.size()];
            Arrays.fill(conf, 1.0);
            return new Predictions(p, conf);
        }
        // Smile wants the classes 0..m-1: index the present ones
        int maxLabel = present[present.length - 1];
        int[] index = new int[maxLabel + 1];
        Arrays.fill(index, -1);
        for (int i = 0; i < present.length; i++) {
            index[present[i]] = i;
        }
        var fit = TfidfVectorizer.fitTransform(train.stream().map(Example::text).toList(),
                TfidfVectorizer.Config.reference());
        int cols = fit.vectorizer().vocabularySize();
        SparseArray[] x = rows(fit.matrix());
        List<SampleInstance<SparseArray, Integer>> data = new ArrayList<>(train.size());
        for (int i = 0; i < train.size(); i++) {
            data.add(new SampleInstance<>(x[i], index[train.get(i).label()]));
        }
        SparseLogisticRegression model = SparseLogisticRegression.fit(new SparseDataset<>(data, cols),
                new LogisticRegression.Options(LAMBDA, 1e-5, 500));
        SparseArray[] tx = rows(fit.vectorizer().transform(test.stream().map(Example::text).toList()));
        int[] trainCounts = new int[present.length];
        train.forEach(e -> trainCounts[index[e.label()]]++);
        int[] p = new int[test.size()];
        double[] conf = new double[test.size()];
        double[] post = new double[present.length];
        for (int i = 0; i < tx.length; i++) {
            if (tx[i].isEmpty()) {
                // No word the training texts had: the regression has no evidence, only its intercepts, which with a
                // few balanced shots differ by optimisation noise that favours one class for every such input (with
                // 4 shots most test inputs are like that). The class frequencies are what the intercepts stand for.
                int c = mostFrequent(trainCounts, test.get(i).id());
                p[i] = present[c];
                conf[i] = (double) trainCounts[c] / train.size();
                continue;
            }
            int c = model.predict(tx[i], post);
            p[i] = present[c];
            conf[i] = post[c];
        }
        return new Predictions(p, conf);
    }

    /** The most frequent class; equal ones are broken by a draw seeded by the example's id (no class is favoured). */
    static int mostFrequent(int[] counts, String exampleId) {
        int max = Arrays.stream(counts).max().orElseThrow();
        int[] tied = java.util.stream.IntStream.range(0, counts.length).filter(c -> counts[c] == max).toArray();
        if (tied.length == 1) {
            return tied[0];
        }
        return tied[new SplittableRandom(SplitAssigner.hash64("fewshot-logistic-tie:" + exampleId)).nextInt(tied.length)];
    }

    private static SparseArray[] rows(CsrMatrix m) {
        SparseArray[] out = new SparseArray[m.rows()];
        int[] ptr = m.rowPtr();
        int[] col = m.colIdx();
        double[] val = m.vals();
        for (int i = 0; i < out.length; i++) {
            SparseArray a = new SparseArray(ptr[i + 1] - ptr[i]);
            for (int q = ptr[i]; q < ptr[i + 1]; q++) {
                a.append(col[q], val[q]);
            }
            out[i] = a;
        }
        return out;
    }
}
