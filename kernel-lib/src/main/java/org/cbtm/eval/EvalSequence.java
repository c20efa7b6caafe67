package org.cbtm.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * One held-out document as the evaluation and the routers see it: its token ids (ending with the end-of-document
 * token when it is a whole document) and the labels some routers and tables need. Labels are optional: an
 * {@code id} of "" and a {@code cluster} of {@link #NO_CLUSTER} mean "unknown".
 *
 * @param id      the document's id (tables, and the per-document seed of the random router); may be ""
 * @param tokens  the token ids (not copied: do not modify)
 * @param source  the corpus the document comes from ("" when unknown), for per-source tables
 * @param cluster the document's assigned cluster (nearest centre of its whole text), or {@link #NO_CLUSTER};
 *                the oracle router and per-cluster tables read it
 */
public record EvalSequence(String id, int[] tokens, String source, int cluster) {

    public static final int NO_CLUSTER = -1;

    public EvalSequence {
        Objects.requireNonNull(tokens, "tokens");
        id = id == null ? "" : id;
        source = source == null ? "" : source;
        if (cluster < NO_CLUSTER) {
            throw new IllegalArgumentException("cluster must be >= 0 or NO_CLUSTER (-1), got " + cluster);
        }
    }

    /** A sequence without labels. */
    public static EvalSequence of(int[] tokens) {
        return new EvalSequence("", tokens, "", NO_CLUSTER);
    }

    public int length() {
        return tokens.length;
    }

    /** Number of predicted positions: {@code n - 1} for {@code n} tokens (0 for an empty sequence). */
    public int positions() {
        return Math.max(0, tokens.length - 1);
    }

    public boolean hasCluster() {
        return cluster != NO_CLUSTER;
    }

    /** The first {@code length} tokens with the same labels (itself when it is not longer). */
    public EvalSequence truncate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        return tokens.length <= length ? this : new EvalSequence(id, Arrays.copyOf(tokens, length), source, cluster);
    }

    /** Same labels, other tokens (e.g. a prefix for routing the next token). */
    public EvalSequence withTokens(int[] newTokens) {
        return new EvalSequence(id, newTokens, source, cluster);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvalSequence s && id.equals(s.id) && cluster == s.cluster && source.equals(s.source)
                && Arrays.equals(tokens, s.tokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, source, cluster) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "EvalSequence[" + (id.isEmpty() ? "" : id + ", ") + tokens.length + " tokens"
                + (source.isEmpty() ? "" : ", source " + source) + (hasCluster() ? ", cluster " + cluster : "") + "]";
    }
}
