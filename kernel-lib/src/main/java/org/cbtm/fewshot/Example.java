package org.cbtm.fewshot;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled input of a task, as the models see it: the document's text with whitespace collapsed and cut to
 * the task's input length, and its token ids.
 *
 * @param id     the corpus record's id
 * @param docId  the id of the document it was cut from (train and test never share one)
 * @param text   the text the models see ({@code tokenizer.decode(tokens)})
 * @param tokens its token ids (not copied: do not modify)
 * @param label  the index of its class in the task's labels
 */
public record Example(String id, String docId, String text, int[] tokens, int label) {

    public Example {
        Objects.requireNonNull(id, "id");
        docId = docId == null || docId.isEmpty() ? id : docId;
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(tokens, "tokens");
        if (label < 0) {
            throw new IllegalArgumentException("example " + id + " has label index " + label);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Example e && id.equals(e.id) && docId.equals(e.docId) && text.equals(e.text)
                && label == e.label && Arrays.equals(tokens, e.tokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, docId, text, label) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Example[" + id + ", label " + label + ", " + tokens.length + " tokens]";
    }
}
