package org.cbtm.corpus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One document (or one passage of a longer document) of a corpus, as stored in a JSON Lines file:
 * {@code {"id", "text", "source", "label", "doc_id", "split", ...metadata}}.
 *
 * @param id     unique id of this record (a passage id looks like {@code brown:ca01#p3})
 * @param text   the plain text
 * @param source the corpus it comes from ({@code brown}, {@code spamassassin}, ...)
 * @param label  the source's own class label (genre, spam/ham, book, topic, ...); may be empty, never null
 * @param docId  the id of the original document this passage was cut from (equal to {@code id} when not split)
 * @param split  {@code train}, {@code valid} or {@code test}; empty when not assigned yet
 * @param meta   any further metadata of the source (values are strings, numbers or booleans), in insertion order
 */
public record Document(String id, String text, String source, String label, String docId, String split,
                       Map<String, Object> meta) {

    public Document {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        if (id.isBlank()) {
            throw new IllegalArgumentException("A document needs a non-blank id");
        }
        source = source == null ? "" : source;
        label = label == null ? "" : label;
        docId = docId == null || docId.isEmpty() ? id : docId;
        split = split == null ? "" : split;
        meta = meta == null || meta.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    }

    /** A whole (unsplit) document without a split yet. */
    public static Document of(String id, String text, String source, String label, Map<String, Object> meta) {
        return new Document(id, text, source, label, id, "", meta);
    }

    /** The split as an enum, or null when not assigned. */
    public Split splitOrNull() {
        return split.isEmpty() ? null : Split.parse(split);
    }

    public Document withSplit(Split s) {
        return new Document(id, text, source, label, docId, s.id(), meta);
    }

    public Document withText(String newId, String newText, Map<String, Object> newMeta) {
        return new Document(newId, newText, source, label, docId, split, newMeta);
    }

    /** A metadata value as a string, or {@code fallback} when absent. */
    public String metaString(String key, String fallback) {
        Object v = meta.get(key);
        return v == null ? fallback : v.toString();
    }
}
