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
import java.util.stream.Stream;

/**
 * Fortune cookie files (Debian {@code fortunes} and {@code fortunes-min}): one document per fortune (entries are
 * separated by a line holding only {@code %}); label: the topic, i.e. the file name. Index files ({@code .dat}),
 * the {@code .u8} links and sub-folders are skipped; overstriking is removed.
 */
public final class Fortunes {

    public static final String SOURCE = "fortunes";

    private Fortunes() {
    }

    public static List<Document> read(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) && !Files.isSymbolicLink(p))
                    .filter(p -> !p.getFileName().toString().contains(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("No fortune files in " + dir);
        }
        List<Document> out = new ArrayList<>();
        for (Path f : files) {
            out.addAll(readFile(f));
        }
        return out;
    }

    public static List<Document> readFile(Path file) {
        String topic = file.getFileName().toString();
        String[] entries = Texts.readLenient(file).replace("\r\n", "\n").split("(?m)^%\\s*$");
        List<Document> out = new ArrayList<>();
        int k = 0;
        int n = entries.length;
        if (n > 0 && entries[n - 1].isBlank()) {
            n--; // the file ends with a '%' line: nothing follows it
        }
        for (int i = 0; i < n; i++) {
            String e = entries[i];
            String text = Texts.normalize(e);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("file", topic);
            meta.put("index", k);
            // empty entries are kept here and counted (skipped) by the build, like every empty document
            out.add(Document.of(SOURCE + ":" + topic + ":" + k, text, SOURCE, topic, meta));
            k++;
        }
        return out;
    }
}
