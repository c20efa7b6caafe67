package org.cbtm.text.tfidf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A fitted tf-idf vectoriser, methods.md 1.1 step 2 (scikit-learn's {@code TfidfVectorizer} defaults as the
 * reference uses them): raw counts, smoothed idf {@code ln((1+n)/(1+df)) + 1}, L2-normalised rows, the vocabulary
 * sorted by code point (scikit-learn's column order). Thread-safe once fitted.
 */
public final class TfidfVectorizer {

    /**
     * Vocabulary pruning. {@code minDf}: keep terms in at least this many documents; {@code maxDf}: drop terms in
     * more than this fraction of documents; {@code maxFeatures}: keep only the most frequent terms (by total
     * count), 0 = no cap. The reference values (no pruning) are {@link #reference()}.
     */
    public record Config(int minDf, double maxDf, int maxFeatures) {
        public Config {
            if (minDf < 1) {
                throw new IllegalArgumentException("minDf must be >= 1, got " + minDf);
            }
            if (!(maxDf > 0 && maxDf <= 1)) {
                throw new IllegalArgumentException("maxDf must be a fraction in (0, 1], got " + maxDf);
            }
            if (maxFeatures < 0) {
                throw new IllegalArgumentException("maxFeatures must be >= 0 (0 = no cap), got " + maxFeatures);
            }
        }

        /** scikit-learn's defaults, as in the reference: min_df = 1, max_df = 1.0, no max_features. */
        public static Config reference() {
            return new Config(1, 1.0, 0);
        }
    }

    /** The fitted vectoriser and the tf-idf matrix of the documents it was fitted on. */
    public record Fit(TfidfVectorizer vectorizer, CsrMatrix matrix) {
    }

    static final int CHUNK = 1024;

    private final Config config;
    private final TfidfTokenizer tokenizer;
    private final TermTable vocab;
    private final String[] terms;
    private final double[] idf;
    private final int numDocs;

    TfidfVectorizer(Config config, TfidfTokenizer tokenizer, String[] terms, double[] idf, int numDocs) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.terms = terms;
        this.idf = idf;
        this.numDocs = numDocs;
        this.vocab = new TermTable(terms.length);
        for (String t : terms) {
            vocab.findOrAdd(t);
        }
        if (vocab.size() != terms.length) {
            throw new IllegalArgumentException("duplicate terms in the vocabulary");
        }
    }

    /**
     * A fitted vectoriser from its parts (e.g. loaded from disk), with the reference tokeniser: {@code terms} in
     * column order, their {@code idf}, and the number of documents it was fitted on.
     */
    public static TfidfVectorizer of(Config config, String[] terms, double[] idf, int numDocs) {
        if (terms.length != idf.length) {
            throw new IllegalArgumentException(terms.length + " terms but " + idf.length + " idf values");
        }
        return new TfidfVectorizer(config, TfidfTokenizer.reference(), terms.clone(), idf.clone(), numDocs);
    }

    public Config config() {
        return config;
    }

    public TfidfTokenizer tokenizer() {
        return tokenizer;
    }

    /** Number of terms (columns). */
    public int vocabularySize() {
        return terms.length;
    }

    /** The term of column {@code j}. */
    public String term(int j) {
        return terms[j];
    }

    /** The vocabulary in column order (a copy). */
    public String[] vocabulary() {
        return terms.clone();
    }

    /** The column of {@code term} (lowercase), or -1. */
    public int index(String term) {
        return vocab.find(term);
    }

    /** The idf of column {@code j}. */
    public double idf(int j) {
        return idf[j];
    }

    /** The idf weights in column order (a copy). */
    public double[] idfs() {
        return idf.clone();
    }

    /** Number of documents the vectoriser was fitted on. */
    public int numDocs() {
        return numDocs;
    }

    int find(String lower, int from, int to, int hash) {
        return vocab.find(lower, from, to, hash);
    }

    // ------------------------------------------------------------------ fit

    /** Counts of one chunk of documents against a chunk-local vocabulary. */
    private static final class Chunk {
        final TermTable local = new TermTable(1024);
        int[] docPtr;
        int[] ids = new int[4096];
        int[] counts = new int[4096];
        int nnz;
        int[] df = new int[1024];
        long[] tf = new long[1024];
        int[] toGlobal;

        int[] lastDoc = new int[1024];
        int[] pos = new int[1024];
        int doc;

        Chunk(List<String> docs, int from, int to, TfidfTokenizer tok) {
            int n = to - from;
            docPtr = new int[n + 1];
            Arrays.fill(lastDoc, -1);
            for (doc = 0; doc < n; doc++) {
                docPtr[doc] = nnz;
                tok.scan(docs.get(from + doc), this::add);
            }
            docPtr[n] = nnz;
        }

        private void add(String lower, int a, int b, int h) {
            int id = local.findOrAdd(lower, a, b, h);
            if (id >= lastDoc.length) {
                int cap = Math.max(id + 1, lastDoc.length * 2);
                int old = lastDoc.length;
                lastDoc = Arrays.copyOf(lastDoc, cap);
                Arrays.fill(lastDoc, old, cap, -1);
                pos = Arrays.copyOf(pos, cap);
                df = Arrays.copyOf(df, cap);
                tf = Arrays.copyOf(tf, cap);
            }
            tf[id]++;
            if (lastDoc[id] != doc) {
                lastDoc[id] = doc;
                pos[id] = nnz;
                if (nnz == ids.length) {
                    ids = Arrays.copyOf(ids, nnz * 2);
                    counts = Arrays.copyOf(counts, nnz * 2);
                }
                ids[nnz] = id;
                counts[nnz] = 1;
                nnz++;
                df[id]++;
            } else {
                counts[pos[id]]++;
            }
        }
    }

    /** Fits on {@code docs} with the reference tokeniser and returns the vectoriser and the documents' matrix. */
    public static Fit fitTransform(List<String> docs, Config config) {
        return fitTransform(docs, config, TfidfTokenizer.reference());
    }

    /** Fits on {@code docs} and returns the vectoriser and the documents' tf-idf matrix. */
    public static Fit fitTransform(List<String> docs, Config config, TfidfTokenizer tokenizer) {
        if (docs.isEmpty()) {
            throw new IllegalArgumentException("cannot fit tf-idf on an empty corpus");
        }
        int n = docs.size();
        int nChunks = (n + CHUNK - 1) / CHUNK;
        Chunk[] chunks = new Chunk[nChunks];
        IntStream.range(0, nChunks).parallel().forEach(c ->
                chunks[c] = new Chunk(docs, c * CHUNK, Math.min(n, (c + 1) * CHUNK), tokenizer));

        // merge the local vocabularies in chunk order
        TermTable global = new TermTable(1 << 16);
        int[] df = new int[1 << 16];
        long[] tf = new long[1 << 16];
        for (Chunk ch : chunks) {
            int ls = ch.local.size();
            ch.toGlobal = new int[ls];
            for (int id = 0; id < ls; id++) {
                CharSequence v = ch.local.view(id);
                int g = global.findOrAdd(v, 0, v.length(), ch.local.hashOf(id));
                if (g >= df.length) {
                    df = Arrays.copyOf(df, df.length * 2);
                    tf = Arrays.copyOf(tf, tf.length * 2);
                }
                df[g] += ch.df[id];
                tf[g] += ch.tf[id];
                ch.toGlobal[id] = g;
            }
        }
        int gs = global.size();
        // prune
        double maxDocs = config.maxDf() * n;
        List<Integer> kept = new ArrayList<>();
        for (int g = 0; g < gs; g++) {
            if (df[g] >= config.minDf() && df[g] <= maxDocs) {
                kept.add(g);
            }
        }
        if (gs == 0) {
            throw new IllegalArgumentException("empty vocabulary: the " + n
                    + " documents contain only stop words, numbers and one-character tokens");
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("after pruning (minDf " + config.minDf() + ", maxDf "
                    + config.maxDf() + ") no terms remain; lower minDf or raise maxDf");
        }
        if (config.maxFeatures() > 0 && kept.size() > config.maxFeatures()) {
            final long[] tff = tf;
            kept.sort(Comparator.<Integer>comparingLong(g -> -tff[g]).thenComparing(global::term, TfidfVectorizer::compareCodePoints));
            kept = new ArrayList<>(kept.subList(0, config.maxFeatures()));
        }
        String[] terms = new String[kept.size()];
        for (int i = 0; i < terms.length; i++) {
            terms[i] = global.term(kept.get(i));
        }
        Integer[] order = new Integer[terms.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> compareCodePoints(terms[a], terms[b]));
        String[] sorted = new String[terms.length];
        double[] idf = new double[terms.length];
        int[] globalToCol = new int[gs];
        Arrays.fill(globalToCol, -1);
        for (int c = 0; c < order.length; c++) {
            int g = kept.get(order[c]);
            sorted[c] = terms[order[c]];
            idf[c] = Math.log((1.0 + n) / (1.0 + df[g])) + 1.0;
            globalToCol[g] = c;
        }
        TfidfVectorizer vec = new TfidfVectorizer(config, tokenizer, sorted, idf, n);

        // the matrix: count kept entries per chunk, then fill in parallel
        int[] chunkNnz = new int[nChunks + 1];
        for (int c = 0; c < nChunks; c++) {
            Chunk ch = chunks[c];
            int k = 0;
            for (int p = 0; p < ch.nnz; p++) {
                if (globalToCol[ch.toGlobal[ch.ids[p]]] >= 0) {
                    k++;
                }
            }
            chunkNnz[c + 1] = chunkNnz[c] + k;
        }
        int total = chunkNnz[nChunks];
        int[] rowPtr = new int[n + 1];
        int[] colIdx = new int[total];
        double[] vals = new double[total];
        IntStream.range(0, nChunks).parallel().forEach(c -> {
            Chunk ch = chunks[c];
            int q = chunkNnz[c];
            int docBase = c * CHUNK;
            int nd = ch.docPtr.length - 1;
            for (int d = 0; d < nd; d++) {
                rowPtr[docBase + d] = q;
                int start = q;
                double sq = 0;
                for (int p = ch.docPtr[d]; p < ch.docPtr[d + 1]; p++) {
                    int col = globalToCol[ch.toGlobal[ch.ids[p]]];
                    if (col >= 0) {
                        double v = ch.counts[p] * idf[col];
                        colIdx[q] = col;
                        vals[q] = v;
                        sq += v * v;
                        q++;
                    }
                }
                scaleToUnit(vals, start, q, sq);
            }
        });
        rowPtr[n] = total;
        return new Fit(vec, new CsrMatrix(n, sorted.length, rowPtr, colIdx, vals));
    }

    /** Compares by Unicode code points (Python's string order). */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    // ------------------------------------------------------------------ transform

    /** Per-thread scratch for counting the terms of one document. */
    static final class Counter {
        final int[] counts;
        int[] touched = new int[256];
        double[] weights = new double[256]; // scratch for callers: one weight per touched term
        int size;

        Counter(int vocabSize) {
            counts = new int[vocabSize];
        }

        void add(int id) {
            if (counts[id]++ == 0) {
                if (size == touched.length) {
                    touched = Arrays.copyOf(touched, size * 2);
                    weights = new double[size * 2];
                }
                touched[size++] = id;
            }
        }

        void clear() {
            for (int i = 0; i < size; i++) {
                counts[touched[i]] = 0;
            }
            size = 0;
        }
    }

    /** Counts the in-vocabulary terms of {@code text} into {@code counter} (which must be clear). */
    void count(String text, Counter counter) {
        tokenizer.scan(text, (lower, a, b, h) -> {
            int id = vocab.find(lower, a, b, h);
            if (id >= 0) {
                counter.add(id);
            }
        });
    }

    /** The tf-idf rows of {@code docs} (L2-normalised; a document without known terms is a zero row). */
    public CsrMatrix transform(List<String> docs) {
        int n = docs.size();
        int nChunks = (n + CHUNK - 1) / CHUNK;
        int[][] cCols = new int[nChunks][];
        double[][] cVals = new double[nChunks][];
        int[][] cPtr = new int[nChunks][];
        IntStream.range(0, nChunks).parallel().forEach(c -> {
            int from = c * CHUNK;
            int to = Math.min(n, from + CHUNK);
            Counter counter = new Counter(terms.length);
            int[] ptr = new int[to - from + 1];
            int[] cols = new int[1024];
            double[] vs = new double[1024];
            int q = 0;
            for (int d = from; d < to; d++) {
                ptr[d - from] = q;
                count(docs.get(d), counter);
                if (q + counter.size > cols.length) {
                    int cap = Math.max(cols.length * 2, q + counter.size);
                    cols = Arrays.copyOf(cols, cap);
                    vs = Arrays.copyOf(vs, cap);
                }
                double sq = 0;
                int start = q;
                for (int t = 0; t < counter.size; t++) {
                    int id = counter.touched[t];
                    double v = counter.counts[id] * idf[id];
                    cols[q] = id;
                    vs[q] = v;
                    sq += v * v;
                    q++;
                }
                scaleToUnit(vs, start, q, sq);
                counter.clear();
            }
            ptr[to - from] = q;
            cPtr[c] = ptr;
            cCols[c] = cols;
            cVals[c] = vs;
        });
        int total = 0;
        for (int c = 0; c < nChunks; c++) {
            total += cPtr[c][cPtr[c].length - 1];
        }
        int[] rowPtr = new int[n + 1];
        int[] colIdx = new int[total];
        double[] vals = new double[total];
        int q = 0;
        for (int c = 0; c < nChunks; c++) {
            int[] ptr = cPtr[c];
            int nd = ptr.length - 1;
            for (int d = 0; d < nd; d++) {
                rowPtr[c * CHUNK + d] = q + ptr[d];
            }
            int len = ptr[nd];
            System.arraycopy(cCols[c], 0, colIdx, q, len);
            System.arraycopy(cVals[c], 0, vals, q, len);
            q += len;
        }
        rowPtr[n] = total;
        return new CsrMatrix(n, terms.length, rowPtr, colIdx, vals);
    }

    /** L2-normalises {@code v[from, to)} whose squares sum to {@code sumSquares}; a zero row stays zero. */
    private static void scaleToUnit(double[] v, int from, int to, double sumSquares) {
        if (sumSquares > 0) {
            double inv = 1.0 / Math.sqrt(sumSquares);
            for (int p = from; p < to; p++) {
                v[p] *= inv;
            }
        }
    }
}
