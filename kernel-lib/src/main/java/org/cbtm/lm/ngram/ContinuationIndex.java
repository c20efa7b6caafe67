package org.cbtm.lm.ngram;

/**
 * For {@link KneserNeyLM#nextTokenLogProbs}: the n-grams that continue each context, order by order, in CSR form
 * (the hash tables can look an n-gram up but not list a context's continuations). Built once, on first use.
 */
final class ContinuationIndex {

    /** Per order k >= 2: where each context's continuations start, over flattened order-(k-1) ids. */
    private final int[][] offsets;
    /** Per order k >= 2: the ids (in tables[k]) of the n-grams, grouped by context. */
    private final int[][] entries;
    /** Per order k >= 3: the flattened position of each partition of tables[k-1]. */
    private final int[][] bases;

    private ContinuationIndex(int[][] offsets, int[][] entries, int[][] bases) {
        this.offsets = offsets;
        this.entries = entries;
        this.bases = bases;
    }

    static ContinuationIndex build(GramTable[] tables, int vocab, int order) {
        int[][] offsets = new int[order + 1][];
        int[][] entries = new int[order + 1][];
        int[][] bases = new int[order + 1][];
        for (int k = 2; k <= order; k++) {
            GramTable table = tables[k];
            int contexts;
            if (k == 2) {
                contexts = vocab;
            } else {
                GramTable lower = tables[k - 1];
                int[] base = new int[GramTable.PARTITIONS];
                long at = 0;
                for (int p = 0; p < GramTable.PARTITIONS; p++) {
                    base[p] = (int) at;
                    at += lower.capacity(p);
                }
                if (at >= Integer.MAX_VALUE) {
                    throw new IllegalStateException("too many " + (k - 1) + "-grams for the continuation index");
                }
                bases[k] = base;
                contexts = (int) at;
            }
            int[] off = new int[contexts + 1];
            for (int p = 0; p < GramTable.PARTITIONS; p++) {
                long[] t = table.slots[p];
                for (int j = 0; j < t.length; j += 2) {
                    if (t[j] != GramTable.EMPTY) {
                        off[flat(bases[k], k, GramTable.prefixOf(t[j])) + 1]++;
                    }
                }
            }
            for (int i = 0; i < contexts; i++) {
                off[i + 1] += off[i];
            }
            int[] fill = java.util.Arrays.copyOf(off, contexts);
            int[] ids = new int[off[contexts]];
            for (int p = 0; p < GramTable.PARTITIONS; p++) {
                long[] t = table.slots[p];
                for (int j = 0; j < t.length; j += 2) {
                    if (t[j] != GramTable.EMPTY) {
                        ids[fill[flat(bases[k], k, GramTable.prefixOf(t[j]))]++] = (p << GramTable.LOCAL_BITS) | (j >>> 1);
                    }
                }
            }
            offsets[k] = off;
            entries[k] = ids;
        }
        return new ContinuationIndex(offsets, entries, bases);
    }

    private static int flat(int[] base, int k, int contextId) {
        return k == 2 ? contextId : base[GramTable.partitionOfId(contextId)] + GramTable.slotOfId(contextId);
    }

    int[] entries(int k) {
        return entries[k];
    }

    /** First position in {@link #entries(int)} of the continuations of order-(k-1) n-gram {@code contextId}. */
    int from(int k, int contextId) {
        return offsets[k][flat(bases[k], k, contextId)];
    }

    int to(int k, int contextId) {
        return offsets[k][flat(bases[k], k, contextId) + 1];
    }
}
