package org.cbtm.corpus;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.cbtm.base.AtomicFiles;
import org.cbtm.text.token.Tokenizer;

/**
 * A tokenised set of documents (one cluster's training data, a held-out split, ...): one flat {@code int[]}
 * of token ids and the offsets where each document starts. Every document ends with the end-of-document
 * token ({@link Tokenizer#EOD}), so concatenating them is exactly the packed training stream of methods 1.3
 * and every document read alone is a complete evaluation sequence of methods 1.5.
 *
 * @param tokens    all documents' tokens back to back, each followed by EOD
 * @param starts    {@code starts[i]} is where document i begins; {@code starts[numDocuments()] == tokens.length}
 * @param vocabSize the tokenizer's vocabulary size, so that a model can check the shard fits it
 */
public record TokenShard(int[] tokens, int[] starts, int vocabSize) {

    private static final int MAGIC = 0x43425453; // "CBTS"

    public TokenShard {
        if (starts.length == 0 || starts[0] != 0 || starts[starts.length - 1] != tokens.length) {
            throw new IllegalArgumentException("TokenShard offsets must start at 0 and end at tokens.length ("
                    + tokens.length + ")");
        }
        for (int i = 1; i < starts.length; i++) {
            if (starts[i] <= starts[i - 1]) {
                throw new IllegalArgumentException("TokenShard document " + (i - 1) + " is empty or offsets are not increasing");
            }
        }
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
        }
    }

    /** Tokenises {@code documents} (in parallel, order kept), appending EOD to each; empty texts are skipped. */
    public static TokenShard encode(Tokenizer tokenizer, List<Document> documents) {
        return encodeTexts(tokenizer, documents.stream().map(Document::text).toList());
    }

    /** Like {@link #encode} for plain texts. */
    public static TokenShard encodeTexts(Tokenizer tokenizer, List<String> texts) {
        int[][] encoded = IntStream.range(0, texts.size()).parallel()
                .mapToObj(i -> tokenizer.encode(texts.get(i)))
                .toArray(int[][]::new);
        return ofDocuments(Arrays.stream(encoded).filter(d -> d.length > 0).toList(), tokenizer.vocabSize());
    }

    /** Builds a shard from already tokenised documents (without EOD; it is appended here). */
    public static TokenShard ofDocuments(List<int[]> documents, int vocabSize) {
        long total = 0;
        for (int[] d : documents) {
            total += d.length + 1;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("TokenShard holds at most 2^31 tokens; split the data into several shards");
        }
        int[] tokens = new int[(int) total];
        int[] starts = new int[documents.size() + 1];
        int pos = 0;
        for (int i = 0; i < documents.size(); i++) {
            starts[i] = pos;
            int[] d = documents.get(i);
            System.arraycopy(d, 0, tokens, pos, d.length);
            pos += d.length;
            tokens[pos++] = Tokenizer.EOD;
        }
        starts[documents.size()] = pos;
        return new TokenShard(tokens, starts, vocabSize);
    }

    public int numDocuments() {
        return starts.length - 1;
    }

    public int numTokens() {
        return tokens.length;
    }

    /** Document {@code i}'s tokens, ending with EOD (a copy). */
    public int[] document(int i) {
        return Arrays.copyOfRange(tokens, starts[i], starts[i + 1]);
    }

    /** The documents {@code indices} as a new shard, in the given order. */
    public TokenShard select(int[] indices) {
        int total = 0;
        for (int i : indices) {
            total += starts[i + 1] - starts[i];
        }
        int[] out = new int[total];
        int[] outStarts = new int[indices.length + 1];
        int pos = 0;
        for (int j = 0; j < indices.length; j++) {
            int i = indices[j];
            int len = starts[i + 1] - starts[i];
            outStarts[j] = pos;
            System.arraycopy(tokens, starts[i], out, pos, len);
            pos += len;
        }
        outStarts[indices.length] = pos;
        return new TokenShard(out, outStarts, vocabSize);
    }

    /** Writes the shard atomically (a binary file: magic, vocab, counts, offsets, tokens). */
    public Path save(Path file) {
        return AtomicFiles.write(file, this::writeTo);
    }

    /**
     * Writes the bytes {@link #save} puts in a file to {@code out} (flushed, not closed): for writers to other file
     * systems (a Spark job writing shards to HDFS), which {@link #load} then reads like any saved shard.
     */
    public void writeTo(java.io.OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(MAGIC);
        data.writeInt(vocabSize);
        data.writeInt(starts.length);
        data.writeInt(tokens.length);
        for (int s : starts) {
            data.writeInt(s);
        }
        for (int t : tokens) {
            data.writeInt(t);
        }
        data.flush();
    }

    /** The number of tokens in a saved shard, read from its header only. */
    public static int numTokens(Path file) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file), 64))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException(file + " is not a token shard (bad magic); rebuild it with TokenShard.save");
            }
            in.readInt();
            in.readInt();
            return in.readInt();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read token shard " + file + ": " + e.getMessage(), e);
        }
    }

    public static TokenShard load(Path file) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException(file + " is not a token shard (bad magic); rebuild it with TokenShard.save");
            }
            int vocab = in.readInt();
            int[] starts = new int[in.readInt()];
            int[] tokens = new int[in.readInt()];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = in.readInt();
            }
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = in.readInt();
            }
            return new TokenShard(tokens, starts, vocab);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read token shard " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenShard s && vocabSize == s.vocabSize
                && Arrays.equals(tokens, s.tokens) && Arrays.equals(starts, s.starts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(starts) + vocabSize;
    }

    @Override
    public String toString() {
        return "TokenShard[" + numDocuments() + " documents, " + numTokens() + " tokens]";
    }
}
