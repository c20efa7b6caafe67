package org.cbtm.corpus.sources;

import org.cbtm.corpus.Document;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A dictd dictionary ({@code NAME.index} + {@code NAME.dict.dz} or {@code NAME.dict}), as in Debian
 * {@code dict-foldoc} and {@code dict-jargon}: one document per entry (several headwords that point at the same
 * definition give one document, the first headword being its title). The {@code 00-database-*} entries are skipped,
 * {@code {cross references}} lose their braces, the body is dedented.
 *
 * <p>Labels: FOLDOC: the first {@code <subject>} tag of the entry (e.g. {@code programming}), else {@code none};
 * Jargon File: the part of speech of the entry ({@code noun}, {@code adjective}, ...), else {@code none}.
 */
public final class DictdDictionary {

    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final Pattern FOLDOC_SUBJECT = Pattern.compile("<([a-z][a-z0-9 \\-]*)(?:,[^<>\\n]*)?>");
    private static final Pattern BRACES = Pattern.compile("\\{\\s*([^{}]*?)\\s*\\}");
    private static final Pattern JARGON_POS = Pattern.compile(
            "(?:^|[ ,/])(n|adj|adv|v|vt|vi|interj|prep|pron|conj|excl|prov|pref|suff|abbrev|num)\\.");
    private static final Map<String, String> POS = Map.ofEntries(
            Map.entry("n", "noun"), Map.entry("adj", "adjective"), Map.entry("adv", "adverb"),
            Map.entry("v", "verb"), Map.entry("vt", "verb"), Map.entry("vi", "verb"),
            Map.entry("interj", "interjection"), Map.entry("excl", "interjection"), Map.entry("prep", "other"),
            Map.entry("pron", "other"), Map.entry("conj", "other"), Map.entry("prov", "other"),
            Map.entry("pref", "other"), Map.entry("suff", "other"), Map.entry("abbrev", "other"),
            Map.entry("num", "other"));

    private DictdDictionary() {
    }

    /** FOLDOC from {@code dir/foldoc.index} and {@code dir/foldoc.dict(.dz)}. */
    public static List<Document> readFoldoc(Path dir) {
        return read(dir, "foldoc", "foldoc");
    }

    /** The Jargon File from {@code dir/jargon.index} and {@code dir/jargon.dict(.dz)}. */
    public static List<Document> readJargon(Path dir) {
        return read(dir, "jargon", "jargon");
    }

    public static List<Document> read(Path dir, String name, String source) {
        Path index = dir.resolve(name + ".index");
        Path dict = Files.isRegularFile(dir.resolve(name + ".dict.dz")) ? dir.resolve(name + ".dict.dz")
                : dir.resolve(name + ".dict");
        if (!Files.isRegularFile(index) || !Files.isRegularFile(dict)) {
            throw new IllegalArgumentException("Expected " + index + " and " + name + ".dict(.dz) in " + dir);
        }
        byte[] data = readDict(dict);
        Map<String, List<String>> byPlace = new LinkedHashMap<>();
        int lineNo = 0;
        try {
            for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 3) {
                    throw new IllegalArgumentException(index + ":" + lineNo
                            + ": expected 'headword<TAB>offset<TAB>length', got: " + line);
                }
                if (f[0].startsWith("00-database") || f[0].startsWith("00database")) {
                    continue;
                }
                byPlace.computeIfAbsent(f[1] + "\t" + f[2], k -> new ArrayList<>()).add(f[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + index + ": " + e.getMessage(), e);
        }
        List<Document> out = new ArrayList<>();
        Map<String, Integer> seen = new java.util.HashMap<>();
        for (var e : byPlace.entrySet()) {
            String[] place = e.getKey().split("\t");
            long off = b64(place[0]);
            long len = b64(place[1]);
            if (off < 0 || len < 0 || off + len > data.length) {
                throw new IllegalArgumentException(index + ": entry '" + e.getValue().getFirst()
                        + "' points outside " + dict + " (offset " + off + ", length " + len + ")");
            }
            String raw = new String(data, (int) off, (int) len, StandardCharsets.UTF_8);
            // a headword with several separate entries: the second gets id ...~2, and so on
            int k = seen.merge(e.getValue().getFirst(), 1, Integer::sum);
            out.add(entry(source, e.getValue(), raw, k == 1 ? "" : "~" + k));
        }
        return out;
    }

    private static Document entry(String source, List<String> headwords, String raw, String idSuffix) {
        String body = raw.replace("\r\n", "\n");
        int nl = body.indexOf('\n');
        String title = nl < 0 ? body.strip() : body.substring(0, nl).strip();
        String rest = nl < 0 ? "" : dedent(body.substring(nl + 1));
        String label = "none";
        if (source.equals("foldoc")) {
            Matcher m = FOLDOC_SUBJECT.matcher(rest);
            if (m.find()) {
                label = m.group(1).strip();
            }
        } else {
            String first = rest.strip().lines().findFirst().orElse("");
            Matcher m = JARGON_POS.matcher(first.toLowerCase(Locale.ROOT));
            if (first.length() < 80 && m.find()) {
                label = POS.get(m.group(1));
            }
        }
        String text = Texts.normalize(title + "\n" + BRACES.matcher(rest).replaceAll("$1"));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("headword", headwords.getFirst());
        if (headwords.size() > 1) {
            meta.put("aliases", String.join(" | ", headwords.subList(1, headwords.size())));
        }
        return Document.of(source + ":" + headwords.getFirst() + idSuffix, text, source, label, meta);
    }

    /**
     * Strips the first non-blank line (an alias or the Jargon File's pronunciation / part-of-speech line) and
     * removes the common indentation of the indented lines after it.
     */
    static String dedent(String s) {
        String lead = s.stripLeading();
        int nl = lead.indexOf('\n');
        if (nl < 0) {
            return lead.strip();
        }
        return lead.substring(0, nl).strip() + "\n" + dedentLines(lead.substring(nl + 1));
    }

    private static String dedentLines(String s) {
        int min = Integer.MAX_VALUE;
        for (String line : s.split("\n")) {
            int i = 0;
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            if (i > 0 && i < line.length()) {
                min = Math.min(min, i);
            }
        }
        if (min == Integer.MAX_VALUE) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (String line : s.split("\n", -1)) {
            int i = 0;
            while (i < line.length() && i < min && line.charAt(i) == ' ') {
                i++;
            }
            b.append(line, i, line.length()).append('\n');
        }
        return b.toString();
    }

    /** A dictd base-64 number. */
    static long b64(String s) {
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = B64.indexOf(s.charAt(i));
            if (d < 0) {
                return -1;
            }
            v = v * 64 + d;
        }
        return v;
    }

    private static byte[] readDict(Path dict) {
        try (InputStream in = dict.toString().endsWith(".dz")
                ? new GZIPInputStream(Files.newInputStream(dict), 1 << 16) : Files.newInputStream(dict)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + dict + ": " + e.getMessage(), e);
        }
    }
}
