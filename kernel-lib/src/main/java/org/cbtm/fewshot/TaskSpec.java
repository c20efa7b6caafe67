package org.cbtm.fewshot;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.cbtm.corpus.Document;

/**
 * What a few-shot classification task is before any data is read: which documents, which field holds the class,
 * how raw values group into classes, the verbalizer of each class and the task prompt. {@link TaskSuite} turns a
 * spec into a {@link Task} by reading the corpus.
 *
 * @param name        short id for tables, e.g. {@code "spam"} or {@code "brown-genre"} (no whitespace)
 * @param sources     the corpus sources the examples come from
 * @param labelField  where the raw class is read: {@code "label"} ({@link Document#label()}), {@code "source"}
 *                    ({@link Document#source()}) or a metadata key such as {@code "pos"} or {@code "testament"}
 * @param grouping    raw value to class name; empty when the raw value is the class. A raw value that maps to no
 *                    class (or, without grouping, is not a class) keeps its document out of the task
 * @param verbalizers class name to verbalizer, in label order. A verbalizer is a short word with a leading space,
 *                    so that after the task prompt it tokenizes as a word, as it would in running text
 * @param taskPrompt  the text after every input, e.g. {@code " The topic is"} (leading space: it follows the input)
 * @param notes       how the classes were chosen or grouped; shown in the task card
 */
public record TaskSpec(String name, List<String> sources, String labelField, Map<String, String> grouping,
                       Map<String, String> verbalizers, String taskPrompt, String notes) {

    public TaskSpec {
        if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a task needs a name without whitespace, got '" + name + "'");
        }
        sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("task " + name + " needs at least one source");
        }
        if (labelField == null || labelField.isBlank()) {
            throw new IllegalArgumentException("task " + name + " needs a label field (label, source or a metadata key)");
        }
        verbalizers = ordered(Objects.requireNonNull(verbalizers, "verbalizers"));
        grouping = ordered(grouping == null ? Map.of() : grouping);
        if (verbalizers.size() < 2) {
            throw new IllegalArgumentException("task " + name + " needs at least two classes, got " + verbalizers.keySet());
        }
        Set<String> words = new HashSet<>();
        for (Map.Entry<String, String> e : verbalizers.entrySet()) {
            String v = e.getValue();
            if (v == null || !v.startsWith(" ") || v.isBlank()) {
                throw new IllegalArgumentException("task " + name + ": the verbalizer of class '" + e.getKey()
                        + "' must be a word with a leading space (it follows the task prompt), got '" + v + "'");
            }
            if (!words.add(v)) {
                throw new IllegalArgumentException("task " + name + ": two classes share the verbalizer '" + v + "'");
            }
        }
        for (Map.Entry<String, String> e : grouping.entrySet()) {
            if (!verbalizers.containsKey(e.getValue())) {
                throw new IllegalArgumentException("task " + name + " groups '" + e.getKey() + "' into '" + e.getValue()
                        + "', which is not one of its classes " + verbalizers.keySet());
            }
        }
        if (taskPrompt == null || taskPrompt.isBlank()) {
            throw new IllegalArgumentException("task " + name + " needs a task prompt such as \" The topic is\"");
        }
        notes = notes == null ? "" : notes;
    }

    /** A spec whose raw values are the classes (no grouping). */
    public static TaskSpec of(String name, List<String> sources, String labelField, Map<String, String> verbalizers,
                              String taskPrompt, String notes) {
        return new TaskSpec(name, sources, labelField, Map.of(), verbalizers, taskPrompt, notes);
    }

    /** The class names, in label order. */
    public List<String> labels() {
        return List.copyOf(verbalizers.keySet());
    }

    /** The raw value of {@link #labelField()} in {@code d}, or null when the document has none. */
    public String rawValue(Document d) {
        return switch (labelField) {
            case "label" -> d.label().isEmpty() ? null : d.label();
            case "source" -> d.source().isEmpty() ? null : d.source();
            default -> d.metaString(labelField, null);
        };
    }

    /** The class of {@code d} in this task, or null when the document is not part of it. */
    public String classOf(Document d) {
        if (!sources.contains(d.source())) {
            return null;
        }
        String raw = rawValue(d);
        if (raw == null) {
            return null;
        }
        String cls = grouping.isEmpty() ? raw : grouping.get(raw);
        return cls != null && verbalizers.containsKey(cls) ? cls : null;
    }

    private static Map<String, String> ordered(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
