package org.cbtm.route;

/**
 * Per token id, the word that an ASCII token ends with: where the trailing run of word characters starts, and the
 * term id of that run read as a whole word (lowercased; -1 when it is not a vocabulary term). Most words of running
 * text are one GPT-2 token with a leading space, so the router knows their term from the token id and looks up
 * only words that continue across tokens. Built once per (tables, tokenizer); immutable.
 */
final class TokenTails {
    /** {@code start[id]}: index of the trailing word run in the token's bytes ({@code length} if none); -1 for non-ASCII. */
    final int[] start;
    /** {@code term[id]}: term id of the trailing run as a whole word, or -1. */
    final int[] term;

    TokenTails(CentroidTables tables, TokenBytes bytes) {
        int n = bytes.vocabSize();
        start = new int[n];
        term = new int[n];
        char[] w = new char[64];
        for (int id = 0; id < n; id++) {
            term[id] = -1;
            if (!bytes.isAscii(id)) {
                start[id] = -1;
                continue;
            }
            byte[] b = bytes.bytes(id);
            int s = b.length;
            while (s > 0 && org.cbtm.text.tfidf.TfidfTokenizer.isWordChar(b[s - 1])) {
                s--;
            }
            start[id] = s;
            int len = b.length - s;
            if (len >= 2) {
                if (w.length < len) {
                    w = new char[len];
                }
                int h = 0;
                for (int i = 0; i < len; i++) {
                    int c = b[s + i];
                    char lc = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : (char) c;
                    w[i] = lc;
                    h = 31 * h + lc;
                }
                term[id] = tables.findAscii(w, len, h);
            }
        }
    }
}
