package org.cbtm.fewshot;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A built task: its card, the training pool (demonstrations and supervised baselines draw only from it: the
 * corpus's train split) and the test examples (the corpus's test split, in the seeded order of the task config, so
 * that the first N are a seeded sample).
 */
public final class Task {

    private final TaskCard card;
    private final List<Example> train;
    private final List<Example> test;
    private final Set<String> trainIds;

    /**
     * Checks that the card describes a built task, every label is one of the card's, both lists are non-empty, and
     * no record or document is both a training and a test example.
     */
    public Task(TaskCard card, List<Example> train, List<Example> test) {
        this.card = Objects.requireNonNull(card, "card");
        if (card.isSkipped()) {
            throw new IllegalArgumentException("task " + card.name() + " was skipped (" + card.skipReason()
                    + "): it has no examples");
        }
        this.train = List.copyOf(train);
        this.test = List.copyOf(test);
        if (this.train.isEmpty() || this.test.isEmpty()) {
            throw new IllegalArgumentException("task " + card.name() + " needs training and test examples, got "
                    + this.train.size() + " and " + this.test.size());
        }
        Set<String> ids = new HashSet<>();
        Set<String> docs = new HashSet<>();
        for (Example e : this.train) {
            checkLabel(e);
            ids.add(e.id());
            docs.add(e.docId());
        }
        for (Example e : this.test) {
            checkLabel(e);
            if (ids.contains(e.id()) || docs.contains(e.docId())) {
                throw new IllegalArgumentException("task " + card.name() + ": " + e.id() + " (document " + e.docId()
                        + ") is both a training and a test example; demonstrations must never come from the test split");
            }
        }
        this.trainIds = Set.copyOf(ids);
    }

    private void checkLabel(Example e) {
        if (e.label() >= card.numLabels()) {
            throw new IllegalArgumentException("task " + card.name() + ": example " + e.id() + " has label " + e.label()
                    + " but the task has " + card.numLabels() + " classes");
        }
    }

    public TaskCard card() {
        return card;
    }

    public String name() {
        return card.name();
    }

    public List<String> labels() {
        return card.labels();
    }

    public int numLabels() {
        return card.numLabels();
    }

    /** The training pool. */
    public List<Example> train() {
        return train;
    }

    /** All test examples, in the seeded order. */
    public List<Example> test() {
        return test;
    }

    /** The first {@code max} test examples (a seeded sample of the test split). */
    public List<Example> test(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        return test.subList(0, Math.min(max, test.size()));
    }

    /** Whether {@code e} is in the training pool (by record id). */
    public boolean isTrainExample(Example e) {
        return trainIds.contains(e.id());
    }

    @Override
    public String toString() {
        return "Task[" + card + "]";
    }
}
