package org.cbtm.corpus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts long documents into passages of at most {@code maxChars} characters for LM training. Cuts fall at paragraph
 * breaks when possible, else at line breaks, else after a sentence end, else at a space, else anywhere (never
 * inside a surrogate pair). Whitespace at a cut is dropped; the text inside a passage is unchanged. Passages keep the
 * original id in {@code doc_id} and get ids {@code <id>#p<k>} plus {@code passage} / {@code passages} metadata.
 * A document no longer than {@code maxChars} stays whole with its own id.
 *
 * @param maxChars the largest passage, in characters (UTF-16 units)
 * @param minChars a last passage shorter than this is merged into the previous one when that stays within
 *                 {@code maxChars + minChars}
 */
public record PassageSplitter(int maxChars, int minChars) {

    public static final PassageSplitter DEFAULT = new PassageSplitter(2000, 200);

    public PassageSplitter {
        if (maxChars < 16) {
            throw new IllegalArgumentException("maxChars must be >= 16, got " + maxChars);
        }
        if (minChars < 0 || minChars >= maxChars) {
            throw new IllegalArgumentException("minChars must be in [0, maxChars), got " + minChars);
        }
    }

    public List<Document> split(Document doc) {
        String text = doc.text();
        if (text.length() <= maxChars) {
            return List.of(doc);
        }
        List<String> pieces = cut(text);
        List<Document> out = new ArrayList<>(pieces.size());
        for (int k = 0; k < pieces.size(); k++) {
            Map<String, Object> meta = new LinkedHashMap<>(doc.meta());
            meta.put("passage", k);
            meta.put("passages", pieces.size());
            out.add(doc.withText(doc.id() + "#p" + k, pieces.get(k), meta));
        }
        return out;
    }

    /** The passage texts of {@code text}. */
    public List<String> cut(String text) {
        List<String> out = new ArrayList<>();
        int start = skipSpace(text, 0);
        while (start < text.length()) {
            int end;
            if (text.length() - start <= maxChars) {
                end = text.length();
            } else {
                end = cutPoint(text, start, start + maxChars);
            }
            String piece = text.substring(start, end).strip();
            if (!piece.isEmpty()) {
                out.add(piece);
            }
            start = skipSpace(text, end);
        }
        int n = out.size();
        if (n >= 2 && out.get(n - 1).length() < minChars
                && out.get(n - 2).length() + out.get(n - 1).length() + 1 <= maxChars + minChars) {
            String last = out.remove(n - 1);
            out.set(n - 2, out.get(n - 2) + "\n" + last);
        }
        return out;
    }

    private int cutPoint(String s, int from, int limit) {
        int lo = from + maxChars / 2;
        int p = s.lastIndexOf("\n\n", limit - 2);
        if (p >= lo) {
            return p;
        }
        p = s.lastIndexOf('\n', limit - 1);
        if (p >= lo) {
            return p;
        }
        for (int i = limit - 1; i >= lo; i--) {
            char c = s.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && i + 1 < s.length() && Character.isWhitespace(s.charAt(i + 1))) {
                return i + 1;
            }
        }
        for (int i = limit - 1; i >= lo; i--) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return Character.isLowSurrogate(s.charAt(limit)) ? limit - 1 : limit;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
