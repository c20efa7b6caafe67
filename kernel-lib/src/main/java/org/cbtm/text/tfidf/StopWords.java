package org.cbtm.text.tfidf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** Stop-word lists. */
public final class StopWords {
    private static final Set<String> ENGLISH = load("sklearn-english-stop-words.txt");

    private StopWords() {
    }

    /**
     * scikit-learn's {@code ENGLISH_STOP_WORDS} (318 words, lowercase), the list the C-BTM reference clusterer
     * uses (plus its number placeholder, which {@link TfidfTokenizer} handles itself).
     */
    public static Set<String> english() {
        return ENGLISH;
    }

    private static Set<String> load(String resource) {
        try (InputStream in = StopWords.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            Set<String> words = new LinkedHashSet<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String w = line.strip();
                    if (!w.isEmpty() && !w.startsWith("#")) {
                        words.add(w);
                    }
                }
            }
            return Collections.unmodifiableSet(words);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
