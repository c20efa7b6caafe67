package org.cbtm.route;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * An incremental UTF-8 decoder: bytes arrive a token at a time and only complete characters come out; the bytes of
 * a character split across tokens wait for the rest. Malformed input becomes U+FFFD as in
 * {@code new String(bytes, UTF_8)}. ASCII bytes with nothing pending take a fast path. Not thread-safe.
 */
final class Utf8Stream {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer in = ByteBuffer.allocate(16);
    private CharBuffer out = CharBuffer.allocate(64);

    /** Decodes {@code bytes} after everything fed before; appends the completed characters to {@code sink}. */
    void feed(byte[] bytes, StringBuilder sink) {
        if (in.position() == 0 && isAscii(bytes)) {
            for (byte b : bytes) {
                sink.append((char) b);
            }
            return;
        }
        if (in.remaining() < bytes.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(in.capacity() * 2, in.position() + bytes.length));
            in.flip();
            bigger.put(in);
            in = bigger;
        }
        in.put(bytes);
        in.flip();
        while (true) {
            CoderResult r = decoder.decode(in, out, false);
            out.flip();
            sink.append(out);
            out.clear();
            if (!r.isOverflow()) {
                break;
            }
        }
        in.compact(); // keeps the bytes of an unfinished character
    }

    /** Whether no bytes of an unfinished character are waiting. */
    boolean idle() {
        return in.position() == 0;
    }

    /** Forgets pending bytes. */
    void reset() {
        in.clear();
        out.clear();
        decoder.reset();
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
