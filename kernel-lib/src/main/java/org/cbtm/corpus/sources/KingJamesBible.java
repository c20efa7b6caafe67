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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The King James Bible from Debian {@code bible-kjv-text}, as printed by its {@code bible} program
 * ({@code bible -l 100000 -p DIR gen1:1-rev22:21}: a {@code Book N} line per chapter, then one
 * {@code "  V text"} line per verse). One document per chapter, verses one per line without their numbers.
 * Label: the book; metadata: testament ({@code old}/{@code new}), chapter, verses.
 */
public final class KingJamesBible {

    public static final String SOURCE = "bible";
    private static final Pattern HEADER = Pattern.compile("^((?:[1-3] )?[A-Z][A-Za-z ]*?) (\\d+)$");
    private static final Pattern VERSE = Pattern.compile("^\\s+(\\d+) (.*)$");

    /** The 27 books of the New Testament, as the bible program names them. */
    public static final java.util.Set<String> NEW_TESTAMENT = java.util.Set.of("Matthew", "Mark", "Luke", "John",
            "Acts", "Romans", "1 Corinthians", "2 Corinthians", "Galatians", "Ephesians", "Philippians", "Colossians",
            "1 Thessalonians", "2 Thessalonians", "1 Timothy", "2 Timothy", "Titus", "Philemon", "Hebrews", "James",
            "1 Peter", "2 Peter", "1 John", "2 John", "3 John", "Jude", "Revelation");

    private KingJamesBible() {
    }

    public static List<Document> read(Path textFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(textFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + textFile + ": " + e.getMessage(), e);
        }
        List<Document> out = new ArrayList<>();
        String book = null;
        int chapter = 0;
        int verses = 0;
        boolean newTestament = false;
        StringBuilder text = new StringBuilder();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                if (book != null) {
                    out.add(chapter(book, chapter, verses, newTestament, text));
                }
                book = h.group(1);
                chapter = Integer.parseInt(h.group(2));
                newTestament = NEW_TESTAMENT.contains(book);
                verses = 0;
                text.setLength(0);
                continue;
            }
            Matcher v = VERSE.matcher(line);
            if (v.matches() && book != null) {
                text.append(v.group(2).strip()).append('\n');
                verses++;
            } else if (book != null && !text.isEmpty() && !line.startsWith(" ")) {
                // a wrapped continuation line (output made without -l)
                text.setLength(text.length() - 1);
                text.append(' ').append(line.strip()).append('\n');
            } else {
                throw new IllegalArgumentException(textFile + ":" + lineNo + ": expected a 'Book N' header or a "
                        + "verse line, got: " + line);
            }
        }
        if (book != null) {
            out.add(chapter(book, chapter, verses, newTestament, text));
        }
        return out;
    }

    private static Document chapter(String book, int chapter, int verses, boolean nt, CharSequence text) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("book", book);
        meta.put("chapter", chapter);
        meta.put("testament", nt ? "new" : "old");
        meta.put("verses", verses);
        String id = SOURCE + ":" + book.toLowerCase(java.util.Locale.ROOT).replace(' ', '_') + ":" + chapter;
        return Document.of(id, Texts.normalize(text.toString()), SOURCE, book, meta);
    }
}
