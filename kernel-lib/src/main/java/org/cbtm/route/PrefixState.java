package org.cbtm.route;

import java.util.Arrays;
import java.util.List;

import org.cbtm.text.tfidf.TfidfTokenizer;

/**
 * The embedding state of a growing prefix for the centroid router: exactly what
 * {@code TfidfSvdEmbedder.embed(decoded prefix)} gives (methods 1.1 step 4), maintained as the prefix grows by one
 * token, at O(dims + K) per changed step.
 *
 * <p>The prefix's unnormalised embedding is {@code s = S + P}: S sums {@code u_j} over the terms of finished words
 * (a word is finished once a non-word character follows it), P over the terms of the last, unfinished word, which
 * may still grow. Kept alongside: {@code S . c_k} and {@code ||S||^2}. Then
 * {@code d_k = ||s/||s|| - c_k||^2 = 1 - 2 (s . c_k) / ||s|| + ||c_k||^2} (or {@code ||c_k||^2} for an empty s).
 *
 * <p>The weights change only when the multiset of terms changes, which most tokens do not do (stop words,
 * punctuation, whitespace, EOD, partial characters, words outside the vocabulary): those steps report
 * {@link #changed()} false and the router copies the previous row. Words are tokenised like
 * {@code TfidfTokenizer}: maximal runs of Python {@code \w} characters, lowercased, at least 2 characters, stop
 * words and numbers out (neither is in the vocabulary); an ASCII word is looked up without allocation, a word with
 * other characters goes through the tf-idf tokenizer itself (lowercasing may split it). The one known difference
 * from lowercasing the whole text: context-dependent lowercasing across a word boundary (a Greek capital sigma next to
 * a case-ignorable non-word character such as ':' or an apostrophe), which can pick the other sigma form.
 */
final class PrefixState {
    private final CentroidTables tb;
    private final TokenBytes tokenBytes;
    private final TokenTails tails;
    private Utf8Stream decoder;      // made on the first non-ASCII token
    private final StringBuilder chars = new StringBuilder(32);

    private final double[] s;      // S
    private double ss;             // ||S||^2
    private final double[] sc;     // S . c_k
    private long terms;            // terms in S
    private int dotTerm = -1;      // S . u_dotTerm = dotValue for the current S (-1: none)
    private double dotValue;

    private char[] word = new char[32];
    private int wordLen;
    private int wordHash;
    private boolean wordAscii = true;
    private boolean wordDirty;     // the word grew since prov was looked up

    private int[] prov = new int[4];   // terms of the unfinished word
    private int provCount;
    private int[] added = new int[8];  // terms finished during the current step
    private int addedCount;
    private int[] oldProv = new int[4];
    private int oldProvCount;
    private boolean changed = true;
    private final double[] scratch;    // P as a vector when the unfinished word has several terms

    PrefixState(CentroidTables tables, TokenBytes tokenBytes, TokenTails tails) {
        this.tb = tables;
        this.tokenBytes = tokenBytes;
        this.tails = tails;
        this.s = new double[tables.dims];
        this.sc = new double[tables.k];
        this.scratch = new double[tables.dims];
    }

    /** Whether the last {@link #append} changed the prefix's terms (and so possibly its weights). */
    boolean changed() {
        return changed;
    }

    /** Appends one token of the prefix. */
    void append(int tokenId) {
        byte[] bytes = tokenBytes.bytes(tokenId);
        if (bytes.length == 0) {
            changed = false; // EOD: no text
            return;
        }
        oldProv = copyInto(oldProv, prov, provCount);
        oldProvCount = provCount;
        addedCount = 0;
        if (tokenBytes.isAscii(tokenId) && (decoder == null || decoder.idle())) {
            // the common case: the bytes are the characters
            int tail = tails.start[tokenId];
            for (int i = 0; i < tail; i++) {
                byte b = bytes[i];
                if (TfidfTokenizer.isWordChar(b)) {
                    appendWordChar(b);
                } else if (wordLen > 0) {
                    finishWord();
                }
            }
            if (tail < bytes.length) {
                boolean startsHere = wordLen == 0;
                for (int i = tail; i < bytes.length; i++) {
                    appendWordChar(bytes[i]);
                }
                if (startsHere) {
                    // the whole word is this token's tail: its term is known from the token id
                    int t = tails.term[tokenId];
                    provCount = 0;
                    if (t >= 0) {
                        prov[provCount++] = t;
                    }
                    wordDirty = false;
                }
            }
        } else {
            if (decoder == null) {
                decoder = new Utf8Stream();
            }
            chars.setLength(0);
            decoder.feed(bytes, chars);
            appendChars();
        }
        if (wordLen > 0 && wordDirty) {
            lookupWord();
        }
        changed = !sameMultiset();
    }

    private void appendChars() {
        int n = chars.length();
        for (int i = 0; i < n; ) {
            char c = chars.charAt(i);
            int cp = c;
            int w = 1;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(chars.charAt(i + 1))) {
                cp = Character.toCodePoint(c, chars.charAt(i + 1));
                w = 2;
            }
            if (TfidfTokenizer.isWordChar(cp)) {
                appendWordChar(cp);
            } else if (wordLen > 0) {
                finishWord();
            }
            i += w;
        }
    }

    private void appendWordChar(int cp) {
        if (wordLen + 2 > word.length) {
            word = Arrays.copyOf(word, word.length * 2);
        }
        if (cp < 128) {
            char lc = (cp >= 'A' && cp <= 'Z') ? (char) (cp + 32) : (char) cp;
            word[wordLen++] = lc;
            wordHash = 31 * wordHash + lc;
        } else {
            wordAscii = false;
            wordLen += Character.toChars(cp, word, wordLen);
        }
        wordDirty = true;
    }

    private void finishWord() {
        if (wordDirty) {
            lookupWord();
        }
        for (int i = 0; i < provCount; i++) {
            commit(prov[i]);
            if (addedCount == added.length) {
                added = Arrays.copyOf(added, added.length * 2);
            }
            added[addedCount++] = prov[i];
        }
        provCount = 0;
        wordLen = 0;
        wordHash = 0;
        wordAscii = true;
        wordDirty = false;
    }

    private void lookupWord() {
        provCount = 0;
        if (wordAscii) {
            int id = wordLen >= 2 ? tb.findAscii(word, wordLen, wordHash) : -1;
            if (id >= 0) {
                prov[provCount++] = id;
            }
        } else {
            List<String> ts = tb.vectorizer.tokenizer().tokenize(new String(word, 0, wordLen));
            for (String t : ts) {
                int id = tb.vectorizer.index(t);
                if (id >= 0) {
                    if (provCount == prov.length) {
                        prov = Arrays.copyOf(prov, prov.length * 2);
                    }
                    prov[provCount++] = id;
                }
            }
        }
        wordDirty = false;
    }

    private void commit(int j) {
        if (dotTerm == j) {
            // S . u_j is known from routing the unfinished word: ||S + u_j||^2 without another pass over S
            ss += 2 * dotValue + tb.uu[j];
            tb.addTerm(j, s);
        } else {
            tb.addTerm(j, s);
            ss = CentroidTables.dot(s, s);
        }
        dotTerm = -1;
        int k = tb.k;
        for (int c = 0; c < k; c++) {
            sc[c] += tb.g[j * k + c];
        }
        terms++;
    }

    /** Whether (terms finished in this step) + (new unfinished terms) equals (old unfinished terms), as multisets. */
    private boolean sameMultiset() {
        if (addedCount + provCount != oldProvCount) {
            return false;
        }
        if (oldProvCount == 0) {
            return true;
        }
        if (oldProvCount == 1) {
            return (addedCount == 1 ? added[0] : prov[0]) == oldProv[0];
        }
        int[] a = new int[oldProvCount];
        System.arraycopy(added, 0, a, 0, addedCount);
        System.arraycopy(prov, 0, a, addedCount, provCount);
        int[] b = Arrays.copyOf(oldProv, oldProvCount);
        Arrays.sort(a);
        Arrays.sort(b);
        return Arrays.equals(a, b);
    }

    private static int[] copyInto(int[] dst, int[] src, int n) {
        if (dst.length < n) {
            dst = new int[src.length];
        }
        System.arraycopy(src, 0, dst, 0, n);
        return dst;
    }

    /** The squared distances of the prefix embedding to every centre, into {@code out[0, K)}. */
    void distances(double[] out) {
        int k = tb.k;
        double ssTotal;
        if (provCount == 0) {
            System.arraycopy(sc, 0, out, 0, k);
            ssTotal = ss;
        } else if (provCount == 1) {
            int j = prov[0];
            for (int c = 0; c < k; c++) {
                out[c] = sc[c] + tb.g[j * k + c];
            }
            if (dotTerm != j) {
                dotValue = tb.termDot(j, s);
                dotTerm = j;
            }
            ssTotal = ss + 2 * dotValue + tb.uu[j];
        } else {
            System.arraycopy(s, 0, scratch, 0, tb.dims);
            System.arraycopy(sc, 0, out, 0, k);
            for (int i = 0; i < provCount; i++) {
                int j = prov[i];
                tb.addTerm(j, scratch);
                for (int c = 0; c < k; c++) {
                    out[c] += tb.g[j * k + c];
                }
            }
            ssTotal = CentroidTables.dot(scratch, scratch);
        }
        if (terms + provCount == 0 || !(ssTotal > 0)) {
            // the empty prefix, or one without known terms, embeds to the zero vector
            System.arraycopy(tb.centreNorms, 0, out, 0, k);
            return;
        }
        double inv = 1 / Math.sqrt(ssTotal);
        for (int c = 0; c < k; c++) {
            out[c] = Math.max(0, 1 - 2 * out[c] * inv + tb.centreNorms[c]);
        }
    }
}
