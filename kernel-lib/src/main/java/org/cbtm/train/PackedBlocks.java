package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import java.util.SplittableRandom;

/**
 * A shard's documents packed into fixed-length training blocks (methods 1.3). Each epoch shuffles the documents
 * (each already ends with EOD), concatenates them into one stream, cuts it into blocks of {@code length + 1}
 * tokens that overlap by one (block i covers stream positions [i L, i L + L]: inputs are its first L tokens,
 * targets its last L), drops the incomplete tail, and visits the blocks in a shuffled order. Both shuffles
 * come from {@code (seed, epoch)}, so block number {@code n} of the endless sequence (epoch {@code n /
 * blocksPerEpoch()}) is a pure function of the shard, the length, the seed and {@code n}: the data position
 * of a run is one number.
 *
 * <p>{@link #inOrder} packs without shuffling (held-out evaluation: the same blocks every time).
 */
public final class PackedBlocks {

    private final TokenShard shard;
    private final int length;
    private final long seed;
    private final boolean shuffle;
    private final int blocksPerEpoch;
    private long cachedEpoch = -1;
    private int[] stream;
    private int[] order;

    private PackedBlocks(TokenShard shard, int length, long seed, boolean shuffle) {
        if (length < 1) {
            throw new IllegalArgumentException("block length must be positive, got " + length);
        }
        if (shard.numTokens() < length + 1) {
            throw new IllegalArgumentException("the shard has " + shard.numTokens() + " tokens, fewer than one block of "
                    + (length + 1) + " (block length " + length + " + 1 for the shifted targets)");
        }
        this.shard = shard;
        this.length = length;
        this.seed = seed;
        this.shuffle = shuffle;
        this.blocksPerEpoch = (shard.numTokens() - 1) / length;
    }

    /** Training blocks: documents and blocks shuffled per epoch from {@code seed}. */
    public static PackedBlocks shuffled(TokenShard shard, int length, long seed) {
        return new PackedBlocks(shard, length, seed, true);
    }

    /** Blocks in document order, the same every epoch. */
    public static PackedBlocks inOrder(TokenShard shard, int length) {
        return new PackedBlocks(shard, length, 0, false);
    }

    public int length() {
        return length;
    }

    public int blocksPerEpoch() {
        return blocksPerEpoch;
    }

    /**
     * Writes block {@code n} (of the endless sequence, cycling through epochs) as inputs and targets at
     * {@code offset} of the two arrays ({@code length()} values each).
     */
    public void block(long n, long[] inputs, long[] targets, int offset) {
        if (n < 0) {
            throw new IllegalArgumentException("block number must be >= 0, got " + n);
        }
        long epoch = n / blocksPerEpoch;
        if (epoch != cachedEpoch) {
            prepare(epoch);
        }
        int index = (int) (n % blocksPerEpoch);
        int start = (shuffle ? order[index] : index) * length;
        int[] s = shuffle ? stream : shard.tokens();
        for (int i = 0; i < length; i++) {
            inputs[offset + i] = s[start + i];
            targets[offset + i] = s[start + i + 1];
        }
    }

    /** The token stream and block order of one epoch. */
    private void prepare(long epoch) {
        cachedEpoch = epoch;
        if (!shuffle) {
            return;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        int docs = shard.numDocuments();
        int[] docOrder = permutation(docs, random);
        int[] starts = shard.starts();
        int[] tokens = shard.tokens();
        if (stream == null) {
            stream = new int[tokens.length];
        }
        int pos = 0;
        for (int d : docOrder) {
            int len = starts[d + 1] - starts[d];
            System.arraycopy(tokens, starts[d], stream, pos, len);
            pos += len;
        }
        order = permutation(blocksPerEpoch, random);
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
