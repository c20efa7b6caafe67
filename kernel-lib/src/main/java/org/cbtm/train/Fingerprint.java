package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short content fingerprints recorded in checkpoints' provenance. */
public final class Fingerprint {

    private Fingerprint() {
    }

    /** SHA-256 (first 16 hex digits) of a shard's vocabulary size, document offsets and tokens. */
    public static String of(TokenShard shard) {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        buf.putInt(shard.vocabSize());
        feed(sha, buf, shard.starts());
        feed(sha, buf, shard.tokens());
        buf.flip();
        sha.update(buf);
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void feed(MessageDigest sha, ByteBuffer buf, int[] values) {
        for (int v : values) {
            if (buf.remaining() < 4) {
                buf.flip();
                sha.update(buf);
                buf.clear();
            }
            buf.putInt(v);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
