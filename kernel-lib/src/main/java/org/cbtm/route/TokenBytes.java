package org.cbtm.route;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cbtm.text.token.Tokenizer;

/**
 * The UTF-8 bytes of every token id. A router decodes a prefix one token at a time; a byte-fallback token or a
 * GPT-2 token can hold part of a character, so it needs bytes, not {@code decode(new int[]{id})} (which would turn
 * the part into U+FFFD). Concatenating the bytes of a sequence and decoding them gives
 * {@link Tokenizer#decode(int[])}. Built once per tokenizer (cached by its sha256).
 */
public final class TokenBytes {
    private static final byte[] NONE = new byte[0];
    private static final Map<String, TokenBytes> CACHE = new ConcurrentHashMap<>();

    private final byte[][] bytes;
    private final boolean[] ascii;

    private TokenBytes(byte[][] bytes) {
        this.bytes = bytes;
        this.ascii = new boolean[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            boolean a = true;
            for (byte b : bytes[i]) {
                a &= b >= 0;
            }
            ascii[i] = a;
        }
    }

    /** The byte table of {@code tokenizer}'s ids (EOD has no bytes). */
    public static TokenBytes of(Tokenizer tokenizer) {
        return CACHE.computeIfAbsent(tokenizer.sha256(), s -> build(tokenizer));
    }

    /** A table given directly ({@code table[id]}; null entries mean no bytes), for tests and other tokenizers. */
    public static TokenBytes of(byte[][] table) {
        byte[][] b = new byte[table.length][];
        for (int i = 0; i < table.length; i++) {
            b[i] = table[i] == null ? NONE : table[i].clone();
        }
        return new TokenBytes(b);
    }

    private static TokenBytes build(Tokenizer tokenizer) {
        byte[][] b = new byte[tokenizer.vocabSize()][];
        for (int id = 0; id < b.length; id++) {
            b[id] = tokenizer.tokenBytes(id);
        }
        return new TokenBytes(b);
    }

    public int vocabSize() {
        return bytes.length;
    }

    /** Whether every byte of {@code id} is ASCII (then its bytes are its characters). */
    public boolean isAscii(int id) {
        return ascii[id];
    }

    /** The bytes of {@code id} (shared: do not modify). */
    public byte[] bytes(int id) {
        if (id < 0 || id >= bytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + bytes.length + ")");
        }
        return bytes[id];
    }
}
