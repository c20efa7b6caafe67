package org.cbtm.corpus.sources;

import org.cbtm.text.token.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Small text-cleaning helpers shared by the source converters. */
public final class Texts {

    private static final Pattern TRAILING_SPACE = Pattern.compile("[ \\t]+\\n");
    private static final Pattern MANY_BLANK_LINES = Pattern.compile("\\n{3,}");

    private Texts() {
    }

    /** Reads a file as UTF-8, or as Windows-1252 when it is not valid UTF-8 (old mail and fortune files). */
    public static String readLenient(Path file) {
        try {
            return decodeLenient(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** UTF-8 if the bytes are valid UTF-8, else Windows-1252 (a superset of Latin-1 for text). */
    public static String decodeLenient(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, Charset.forName("windows-1252"));
        }
    }

    /** Decodes bytes in the named charset, falling back to {@link #decodeLenient} for unknown or bad names. */
    public static String decode(byte[] bytes, String charset) {
        if (charset == null || charset.isBlank()) {
            return decodeLenient(bytes);
        }
        String cs = charset.trim().toLowerCase(java.util.Locale.ROOT);
        if (cs.equals("us-ascii") || cs.equals("ascii") || cs.equals("iso-8859-1") || cs.equals("latin1")) {
            cs = "windows-1252"; // mails labelled ASCII/Latin-1 very often hold Windows-1252 quotes
        }
        if (cs.equals("utf-8") || cs.equals("utf8")) {
            return decodeLenient(bytes);
        }
        try {
            return new String(bytes, Charset.forName(cs));
        } catch (RuntimeException e) {
            return decodeLenient(bytes);
        }
    }

    /** Removes terminal overstriking ({@code c\b}: a character followed by a backspace), as in old fortune files. */
    public static String removeOverstrike(String s) {
        if (s.indexOf('\b') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\b') {
                if (!b.isEmpty()) {
                    b.setLength(b.length() - 1);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The common final cleaning: CRLF/CR to LF, lone surrogates to U+FFFD, control characters other than tab and
     * newline removed, trailing spaces removed, at most one blank line in a row, stripped.
     */
    public static String normalize(String s) {
        s = s.replace("\r\n", "\n").replace('\r', '\n');
        s = removeOverstrike(s);
        s = Tokenizer.sanitize(s);
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\t' || !(Character.isISOControl(c) || c == '\uFEFF')) {
                b.append(c == '\u00A0' ? ' ' : c);
            }
        }
        s = TRAILING_SPACE.matcher(b).replaceAll("\n");
        s = MANY_BLANK_LINES.matcher(s).replaceAll("\n\n");
        return s.strip();
    }
}
