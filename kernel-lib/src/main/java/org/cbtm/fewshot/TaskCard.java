package org.cbtm.fewshot;

import java.util.ArrayList;
import java.util.List;

/**
 * What a task holds, for the notebook reader: where its examples come from, its classes and their verbalizers, the
 * task prompt, how many examples each class has in the training pool and the test split, the input length, the
 * accuracy of always answering the training split's majority class, and how classes were chosen. A task that could
 * not be built from the corpus has a card too, with {@link #skipReason()} saying why.
 *
 * @param name             the task's name
 * @param sources          the corpus sources
 * @param labelField       where the class is read (label, source or a metadata key)
 * @param labels           the class names, in label order
 * @param verbalizers      the verbalizer of each class, in label order
 * @param taskPrompt       the text after every input
 * @param trainCounts      training-pool examples per class (the pool demonstrations and baselines draw from)
 * @param testCounts       test-split examples per class (an evaluation may use a seeded sample of them)
 * @param inputTokens      inputs are cut to at most this many tokens
 * @param majorityAccuracy test accuracy of always predicting the training pool's most frequent class
 * @param notes            how the classes were chosen, grouped or dropped
 * @param skipReason       empty for a built task; otherwise why the task was skipped
 */
public record TaskCard(String name, List<String> sources, String labelField, List<String> labels,
                       List<String> verbalizers, String taskPrompt, List<Integer> trainCounts,
                       List<Integer> testCounts, int inputTokens, double majorityAccuracy, String notes,
                       String skipReason) {

    public TaskCard {
        sources = List.copyOf(sources);
        labels = List.copyOf(labels);
        verbalizers = List.copyOf(verbalizers);
        trainCounts = List.copyOf(trainCounts);
        testCounts = List.copyOf(testCounts);
        notes = notes == null ? "" : notes;
        skipReason = skipReason == null ? "" : skipReason;
        if (verbalizers.size() != labels.size()) {
            throw new IllegalArgumentException("task " + name + ": " + verbalizers.size() + " verbalizers for "
                    + labels.size() + " labels");
        }
        if (skipReason.isEmpty() && (trainCounts.size() != labels.size() || testCounts.size() != labels.size())) {
            throw new IllegalArgumentException("task " + name + ": counts for " + trainCounts.size() + " / "
                    + testCounts.size() + " classes, " + labels.size() + " labels");
        }
    }

    /** The card of a task that could not be built. */
    public static TaskCard skipped(TaskSpec spec, String reason, String notes) {
        return new TaskCard(spec.name(), spec.sources(), spec.labelField(), spec.labels(),
                new ArrayList<>(spec.verbalizers().values()), spec.taskPrompt(), List.of(), List.of(), 0, Double.NaN,
                notes, reason);
    }

    public boolean isSkipped() {
        return !skipReason.isEmpty();
    }

    public int numLabels() {
        return labels.size();
    }

    /** Training-pool examples of all classes. */
    public int trainSize() {
        return trainCounts.stream().mapToInt(Integer::intValue).sum();
    }

    /** Test-split examples of all classes. */
    public int testSize() {
        return testCounts.stream().mapToInt(Integer::intValue).sum();
    }

    /** {@code "ham 5697, spam 2763"}: the counts of {@code counts} by class. */
    public String countsText(List<Integer> counts) {
        if (counts.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < labels.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(labels.get(i)).append(' ').append(counts.get(i));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        if (isSkipped()) {
            return name + ": skipped (" + skipReason + ")";
        }
        return name + ": " + labels.size() + " classes; train " + countsText(trainCounts) + "; test "
                + countsText(testCounts) + "; prompt '" + taskPrompt + "'; inputs <= " + inputTokens
                + " tokens; majority " + String.format("%.3f", majorityAccuracy);
    }
}
