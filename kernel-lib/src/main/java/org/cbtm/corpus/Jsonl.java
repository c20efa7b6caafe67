package org.cbtm.corpus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cbtm.base.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes documents as JSON Lines, one JSON object per line, optionally gzip-compressed (detected from the
 * content when reading, chosen by a {@code .gz} file name when writing).
 *
 * <p>Reading is streaming. Malformed JSON, a line that is not an object, or a missing/non-string {@code id} or
 * {@code text} throws a {@link CorpusFormatException} naming the file and line. Documents whose text is empty or
 * only whitespace are skipped and reported to the {@code skipped} counter, never silently dropped. Blank lines are
 * ignored.
 */
public final class Jsonl {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> CORE = Set.of("id", "text", "source", "label", "doc_id", "split");

    private Jsonl() {
    }

    /** Streams the documents of one file; close the stream. {@code skipped} receives 1 for each empty document. */
    public static Stream<Document> read(Path file, LongConsumer skipped) {
        Utf8Lines reader = new Utf8Lines(openStream(file));
        Iterator<Document> it = new Iterator<>() {
            long line;
            Document next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    String s;
                    try {
                        s = reader.readLine();
                    } catch (java.nio.charset.CharacterCodingException e) {
                        throw new CorpusFormatException(file, line + 1, "not valid UTF-8 (" + e.getMessage() + "). Corpus files "
                                + "must be UTF-8: convert the file (e.g. iconv -f latin1 -t utf-8), fix or delete this "
                                + "line, or rebuild the corpus.", e);
                    } catch (IOException e) {
                        throw new UncheckedIOException("Could not read " + file + " after line " + line + ": "
                                + e.getMessage() + " (a truncated .gz file? rebuild it)", e);
                    }
                    if (s == null) {
                        return false;
                    }
                    line++;
                    if (s.isBlank()) {
                        continue;
                    }
                    Document d = parse(file, line, s);
                    if (d.text().isBlank()) {
                        skipped.accept(1);
                        continue;
                    }
                    next = d;
                }
                return true;
            }

            @Override
            public Document next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Document d = next;
                next = null;
                return d;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(() -> {
                    try {
                        reader.close();
                    } catch (IOException ignored) {
                        // closing a read-only file
                    }
                });
    }

    /** Parses one line; {@code file} and {@code line} only name the place in error messages. */
    public static Document parse(Path file, long line, String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CorpusFormatException(file, line, "malformed JSON (" + e.getOriginalMessage()
                    + "). Each line must be one JSON object; fix or delete this line, or rebuild the corpus.", e);
        }
        if (node == null || !node.isObject()) {
            throw new CorpusFormatException(file, line, "expected a JSON object {\"id\": ..., \"text\": ...}", null);
        }
        JsonNode id = node.get("id");
        JsonNode text = node.get("text");
        if (id == null || !(id.isTextual() || id.isNumber())) {
            throw new CorpusFormatException(file, line, "missing \"id\" (every document needs a string id)", null);
        }
        if (text == null || !text.isTextual()) {
            throw new CorpusFormatException(file, line, "missing \"text\" (or it is not a string) in document "
                    + id.asText() + ": give every line a \"text\" string, or delete the line", null);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!CORE.contains(e.getKey())) {
                meta.put(e.getKey(), plain(e.getValue()));
            }
        });
        return new Document(id.asText(), text.asText(), str(node, "source"), str(node, "label"),
                str(node, "doc_id"), str(node, "split"), meta);
    }

    private static String str(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static Object plain(JsonNode v) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        return v.toString();
    }

    /** The JSON object of one document, in the file's field order. */
    public static ObjectNode toJson(Document d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", d.id());
        o.put("text", d.text());
        o.put("source", d.source());
        o.put("label", d.label());
        o.put("doc_id", d.docId());
        if (!d.split().isEmpty()) {
            o.put("split", d.split());
        }
        d.meta().forEach((k, v) -> {
            switch (v) {
                case String s -> o.put(k, s);
                case Integer i -> o.put(k, i);
                case Long l -> o.put(k, l);
                case Double x -> o.put(k, x);
                case Boolean b -> o.put(k, b);
                default -> o.put(k, v.toString());
            }
        });
        return o;
    }

    /** Writes documents to {@code out}, one per line (the caller closes {@code out}). Returns how many. */
    public static long write(OutputStream out, Iterable<Document> docs) throws IOException {
        long n = 0;
        JsonGenerator g = new JsonFactory(MAPPER).createGenerator(out);
        g.setRootValueSeparator(null);
        for (Document d : docs) {
            MAPPER.writeTree(g, toJson(d));
            g.flush();
            out.write('\n');
            n++;
        }
        g.flush();
        return n;
    }

    /** Writes a file atomically (gzip when the name ends in {@code .gz}); never leaves a half-written file. */
    public static long write(Path file, Iterable<Document> docs) {
        long[] n = new long[1];
        AtomicFiles.write(file, raw -> {
            if (file.getFileName().toString().endsWith(".gz")) {
                GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16);
                n[0] = write(gz, docs);
                gz.finish();
            } else {
                n[0] = write(raw, docs);
            }
        });
        return n[0];
    }

    /**
     * Lines of a byte stream decoded as strict UTF-8 (malformed bytes are reported, not replaced with U+FFFD), so that
     * a bad line is named by its own number. A line ends at {@code \n}; a {@code \r} before it is dropped.
     */
    private static final class Utf8Lines implements java.io.Closeable {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int end;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        private final java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);

        Utf8Lines(InputStream in) {
            this.in = in;
        }

        String readLine() throws IOException {
            line.reset();
            boolean any = false;
            while (true) {
                if (pos == end) {
                    end = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        return any ? decode() : null;
                    }
                }
                any = true;
                int start = pos;
                while (pos < end && buf[pos] != '\n') {
                    pos++;
                }
                line.write(buf, start, pos - start);
                if (pos < end) {
                    pos++; // the '\n'
                    return decode();
                }
            }
        }

        private String decode() throws java.nio.charset.CharacterCodingException {
            byte[] b = line.toByteArray();
            int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(b, 0, n);
            java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(n);
            java.nio.charset.CoderResult r = decoder.reset().decode(bytes, chars, true);
            if (!r.isError()) {
                r = decoder.flush(chars);
            }
            if (r.isError()) {
                int at = bytes.position();
                throw new NotUtf8(String.format(java.util.Locale.ROOT, "byte 0x%02X at byte %d of the line",
                        b[Math.min(at, n - 1)] & 0xff, at + 1));
            }
            return chars.flip().toString();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A line that is not valid UTF-8, with the offending byte and where it is. */
    private static final class NotUtf8 extends java.nio.charset.CharacterCodingException {
        private final String where;

        NotUtf8(String where) {
            this.where = where;
        }

        @Override
        public String getMessage() {
            return where;
        }

    }

    private static InputStream openStream(Path file) {
        try {
            InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            in.mark(2);
            int b1 = in.read();
            int b2 = in.read();
            in.reset();
            if (b1 == 0x1f && b2 == 0x8b) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open corpus file " + file + ": " + e.getMessage(), e);
        }
    }
}
