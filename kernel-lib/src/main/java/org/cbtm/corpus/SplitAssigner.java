package org.cbtm.corpus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic train / valid / test assignment by a hash of the original document id, so that every passage of
 * a document lands in the same split, the assignment never depends on file order, and adding documents never
 * moves existing ones.
 *
 * @param validFraction share of documents in {@code valid}
 * @param testFraction  share of documents in {@code test}
 * @param salt          mixed into the hash; change it to draw a different split
 */
public record SplitAssigner(double validFraction, double testFraction, String salt) {

    public static final SplitAssigner DEFAULT = new SplitAssigner(0.05, 0.05, "cbtm-split-v1");

    public SplitAssigner {
        if (!(validFraction >= 0 && testFraction >= 0 && validFraction + testFraction < 1)) {
            throw new IllegalArgumentException("Split fractions must be >= 0 and leave room for train: valid="
                    + validFraction + ", test=" + testFraction);
        }
        if (salt == null) {
            throw new IllegalArgumentException("salt must not be null (use \"\" for none)");
        }
    }

    /** The split of the document with this original id. */
    public Split assign(String docId) {
        double u = unitHash(salt + "\u0000" + docId);
        if (u < testFraction) {
            return Split.TEST;
        }
        if (u < testFraction + validFraction) {
            return Split.VALID;
        }
        return Split.TRAIN;
    }

    public Document apply(Document d) {
        return d.withSplit(assign(d.docId()));
    }

    /** A uniform number in [0, 1) from the first 53 bits of SHA-256 of the string. */
    public static double unitHash(String s) {
        return (hash64(s) >>> 11) * 0x1.0p-53;
    }

    /** The first 64 bits of SHA-256 of the UTF-8 string. */
    public static long hash64(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
