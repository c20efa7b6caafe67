package org.cbtm.text.tfidf;

import java.util.Arrays;

/**
 * The embedding of a growing text, updated as text is appended (methods.md 1.1 step 4): it keeps the running sum
 * {@code sum_t idf_t V_t} over the complete words seen so far, so each new term costs O(dimensions), instead of
 * re-vectorising every prefix. {@link #embedding()} equals {@link TfidfSvdEmbedder#embed} of the whole appended
 * text (to rounding, well below 1e-6): the tf-idf row norm of the reference cancels in the final normalisation, so
 * the unnormalised sum is all that must be kept.
 *
 * <p>Text after the last whitespace character may still grow into a longer word, so it is kept as text and
 * tokenised on every {@link #embedding()} call (cost proportional to its length); at whitespace it is committed to
 * the sum. Splitting at whitespace is exact because lowercasing and word boundaries never cross it. Not
 * thread-safe; one instance per context.
 */
public final class PrefixEmbedder {
    private final TfidfSvdEmbedder embedder;
    private final TfidfVectorizer vectorizer;
    private final int dims;
    private final double[] sum;
    private final StringBuilder pending = new StringBuilder();
    private long terms;

    PrefixEmbedder(TfidfSvdEmbedder embedder) {
        this.embedder = embedder;
        this.vectorizer = embedder.vectorizer();
        this.dims = embedder.dimensions();
        this.sum = new double[dims];
    }

    /** Forgets all text. */
    public void reset() {
        Arrays.fill(sum, 0);
        pending.setLength(0);
        terms = 0;
    }

    /** Appends raw text (any split: mid-word, one character, a whole document). */
    public void append(CharSequence text) {
        int before = pending.length();
        pending.append(text);
        int cut = -1;
        for (int i = pending.length() - 1; i >= before; i--) {
            if (Character.isWhitespace(pending.charAt(i))) {
                cut = i;
                break;
            }
        }
        if (cut >= 0) {
            String committed = pending.substring(0, cut + 1);
            pending.delete(0, cut + 1);
            addText(committed, sum);
        }
    }

    /**
     * Adds one already-tokenised term (lowercase, as {@link TfidfTokenizer} produces it) in O(dimensions).
     * Returns false (and adds nothing) when the term is not in the vocabulary. Do not mix with {@link #append} of a
     * partial word.
     */
    public boolean addTerm(String term) {
        int id = vectorizer.index(term);
        if (id < 0) {
            return false;
        }
        embedder.addTerm(id, sum);
        terms++;
        return true;
    }

    private int addText(String text, double[] target) {
        int[] added = {0};
        vectorizer.tokenizer().scan(text, (lower, a, b, h) -> {
            int id = vectorizer.find(lower, a, b, h);
            if (id >= 0) {
                embedder.addTerm(id, target);
                added[0]++;
            }
        });
        if (target == sum) {
            terms += added[0];
        }
        return added[0];
    }

    /** Number of in-vocabulary terms committed to the running sum. */
    public long committedTerms() {
        return terms;
    }

    /** The embedding of everything appended so far (unit norm, or zero); a new array. */
    public double[] embedding() {
        double[] out = new double[dims];
        embedding(out);
        return out;
    }

    /** Writes the embedding of everything appended so far into {@code out}. */
    public void embedding(double[] out) {
        System.arraycopy(sum, 0, out, 0, dims);
        if (pending.length() > 0) {
            addText(pending.toString(), out);
        }
        double sq = 0;
        for (int i = 0; i < dims; i++) {
            sq += out[i] * out[i];
        }
        if (sq > 0) {
            double inv = 1 / Math.sqrt(sq);
            for (int i = 0; i < dims; i++) {
                out[i] *= inv;
            }
        }
    }
}
