package org.cbtm.math;

import java.util.stream.IntStream;

/**
 * Data-parallel loops over fixed row blocks. The block partition depends only on the problem size and the
 * block size, never on the number of threads, so that reductions summed in block order are deterministic.
 */
public final class Parallel {

    /** A loop body over the half-open row range {@code [from, to)} of block number {@code block}. */
    @FunctionalInterface
    public interface BlockBody {
        void run(int block, int from, int to);
    }

    private Parallel() {
    }

    /** Number of blocks of {@code blockSize} rows that cover {@code n} rows. */
    public static int blocks(int n, int blockSize) {
        return (n + blockSize - 1) / blockSize;
    }

    /** Runs {@code body} over every block, in parallel on the common fork-join pool when there is more than one. */
    public static void forBlocks(int n, int blockSize, BlockBody body) {
        int nb = blocks(n, blockSize);
        if (nb <= 1) {
            if (n > 0) {
                body.run(0, 0, n);
            }
            return;
        }
        IntStream.range(0, nb).parallel().forEach(b -> {
            int from = b * blockSize;
            body.run(b, from, Math.min(n, from + blockSize));
        });
    }

    /** Like {@link #forBlocks} with a block size chosen so that there are a few blocks per core. */
    public static void forRows(int n, int minBlock, BlockBody body) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        int bs = Math.max(minBlock, (n + 4 * threads - 1) / (4 * threads));
        forBlocks(n, bs, body);
    }
}
