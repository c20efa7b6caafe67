package org.cbtm.notebook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a cell shows: one representation per MIME type ({@code text/plain}, {@code text/html}, ...).
 * A front end picks the richest one it can render; {@code text/plain} is the fallback every bundle carries.
 */
public record MimeBundle(Map<String, String> data) {

    public static final String TEXT = "text/plain";
    public static final String HTML = "text/html";

    public MimeBundle {
        Objects.requireNonNull(data, "data");
        if (!data.containsKey(TEXT)) {
            throw new IllegalArgumentException("a MIME bundle needs a text/plain fallback, got " + data.keySet());
        }
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static MimeBundle of(String plain, String html) {
        var m = new LinkedHashMap<String, String>();
        m.put(TEXT, plain);
        m.put(HTML, html);
        return new MimeBundle(m);
    }

    /** Text only: what a console shows, and the fallback of every richer bundle. */
    public static MimeBundle plain(String text) {
        return new MimeBundle(Map.of(TEXT, text));
    }

    public String plain() {
        return data.get(TEXT);
    }

    public String html() {
        return data.get(HTML);
    }
}
