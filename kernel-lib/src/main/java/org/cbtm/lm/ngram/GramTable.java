package org.cbtm.lm.ngram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The n-grams of one order: a primitive open-addressing (linear probing) hash table from a packed key to a packed
 * value, split into {@link #PARTITIONS} independent partitions chosen by the top bits of the key's hash.
 *
 * <p><b>Keys.</b> An n-gram {@code (h, w)} of order k is keyed by {@code id(h) << 16 | w}: the id of its
 * (k-1)-gram prefix in the table of order k-1 (for order 2 the prefix id is the token id itself) and the 16-bit
 * token id of its last word. Chaining ids this way supports any order with one {@code long} per key, where packing
 * every token of the n-gram (16 bits each) would stop at order 4.
 *
 * <p><b>Ids.</b> An entry's id is {@code partition << 27 | slot}: its position in the table, so that a lookup
 * returns everything about an entry from one slot. Keys and values are interleaved ({@code [key, value]} pairs in
 * one {@code long[]}) so that a successful probe touches one cache line.
 *
 * <p><b>Partitions</b> make counting parallel and deterministic: each partition is filled by one worker, in
 * stream order, so the layout does not depend on the number of workers.
 */
final class GramTable {

    static final int PARTITION_BITS = 4;
    static final int PARTITIONS = 1 << PARTITION_BITS;
    static final int LOCAL_BITS = 27;
    static final int LOCAL_MASK = (1 << LOCAL_BITS) - 1;
    /** A partition never holds more slots than ids can address. */
    static final int MAX_CAPACITY = 1 << LOCAL_BITS;
    /** Keys are non-negative (prefix ids below 2^31, shifted by 16 bits): -1 marks an empty slot. */
    static final long EMPTY = -1L;

    static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    /** Per partition: {@code [key0, value0, key1, value1, ...]}, capacity a power of two. */
    final long[][] slots = new long[PARTITIONS][];
    final int[] sizes = new int[PARTITIONS];

    GramTable(int initialCapacityPerPartition) {
        int cap = Integer.highestOneBit(Math.max(16, Math.min(MAX_CAPACITY, initialCapacityPerPartition)) - 1) << 1;
        for (int p = 0; p < PARTITIONS; p++) {
            slots[p] = emptySlots(cap);
        }
    }

    /** A table with the given slot arrays (loading a saved model). */
    GramTable(long[][] slots, int[] sizes) {
        System.arraycopy(slots, 0, this.slots, 0, PARTITIONS);
        System.arraycopy(sizes, 0, this.sizes, 0, PARTITIONS);
    }

    static long[] emptySlots(int capacity) {
        long[] t = new long[2 * capacity];
        for (int i = 0; i < t.length; i += 2) {
            t[i] = EMPTY;
        }
        return t;
    }

    /** MurmurHash3's 64-bit finaliser: every key bit reaches the top bits (partition) and the low bits (slot). */
    static long mix(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    static int partition(long hash) {
        return (int) (hash >>> (64 - PARTITION_BITS));
    }

    static long key(int prefixId, int token) {
        return ((long) prefixId << 16) | token;
    }

    static int prefixOf(long key) {
        return (int) (key >>> 16);
    }

    static int tokenOf(long key) {
        return (int) (key & 0xFFFF);
    }

    static int partitionOfId(int id) {
        return id >>> LOCAL_BITS;
    }

    static int slotOfId(int id) {
        return id & LOCAL_MASK;
    }

    /** The id of {@code key}, or -1 when it is not stored. */
    int find(long key) {
        long h = mix(key);
        int p = partition(h);
        long[] t = slots[p];
        int mask = (t.length >>> 1) - 1;
        int i = (int) h & mask;
        while (true) {
            long k = t[i << 1];
            if (k == key) {
                return (p << LOCAL_BITS) | i;
            }
            if (k == EMPTY) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    long keyAt(int id) {
        return slots[id >>> LOCAL_BITS][(id & LOCAL_MASK) << 1];
    }

    long valueAt(int id) {
        return slots[id >>> LOCAL_BITS][((id & LOCAL_MASK) << 1) + 1];
    }

    void setValue(int id, long value) {
        slots[id >>> LOCAL_BITS][((id & LOCAL_MASK) << 1) + 1] = value;
    }

    /** Atomically adds {@code delta} to an entry's value (entries touched by several counting workers). */
    void addValueAtomic(int id, long delta) {
        LONGS.getAndAdd(slots[id >>> LOCAL_BITS], ((id & LOCAL_MASK) << 1) + 1, delta);
    }

    long size() {
        long s = 0;
        for (int n : sizes) {
            s += n;
        }
        return s;
    }

    long capacity() {
        long c = 0;
        for (long[] t : slots) {
            c += t.length >>> 1;
        }
        return c;
    }

    int capacity(int partition) {
        return slots[partition].length >>> 1;
    }

    // ---- counting (package-private to NgramCounter; one worker per partition)

    /*
     * While an order is counted, an entry's value holds: bits 0..30 its raw count, bit 31 whether the n-gram
     * starts with EOD, bits 32..58 its insertion index in its partition. Slots move when a partition grows, the
     * insertion index does not, so the per-position ids recorded during counting are insertion indices that
     * {@link #insertionToSlot} translates once the order is complete; then bits 32..62 are cleared and collect
     * the continuation count (distinct left extensions) while the next order is counted.
     */
    static final long RAW_MASK = 0x7FFF_FFFFL;
    static final long EOD_START_BIT = 1L << 31;
    static final int HIGH_SHIFT = 32;

    /**
     * Counts one occurrence of {@code key} (hash {@code h}, partition {@code p} owned by the caller). Returns
     * {@code p << 27 | insertionIndex}, bitwise complemented when the key is new.
     */
    int count(int p, long key, long h, boolean startsWithEod) {
        long[] t = slots[p];
        int mask = (t.length >>> 1) - 1;
        int i = (int) h & mask;
        while (true) {
            int at = i << 1;
            long k = t[at];
            if (k == key) {
                long v = t[at + 1] + 1;
                t[at + 1] = v;
                return (p << LOCAL_BITS) | (int) (v >>> HIGH_SHIFT);
            }
            if (k == EMPTY) {
                int index = sizes[p]++;
                t[at] = key;
                t[at + 1] = ((long) index << HIGH_SHIFT) | (startsWithEod ? EOD_START_BIT : 0L) | 1L;
                // grow at load 0.7: linear probing stays short (unseen n-grams are frequent lookups when scoring)
                if (sizes[p] * 10L > (long) mask * 7) {
                    grow(p);
                }
                return ~((p << LOCAL_BITS) | index);
            }
            i = (i + 1) & mask;
        }
    }

    private void grow(int p) {
        long[] old = slots[p];
        int cap = old.length >>> 1;
        if (cap >= MAX_CAPACITY) {
            throw new IllegalStateException("an n-gram table partition is full (" + MAX_CAPACITY
                    + " slots): train on fewer tokens or a lower order");
        }
        long[] t = emptySlots(cap << 1);
        int mask = (cap << 1) - 1;
        for (int j = 0; j < old.length; j += 2) {
            long k = old[j];
            if (k != EMPTY) {
                int i = (int) mix(k) & mask;
                while (t[i << 1] != EMPTY) {
                    i = (i + 1) & mask;
                }
                t[i << 1] = k;
                t[(i << 1) + 1] = old[j + 1];
            }
        }
        slots[p] = t;
    }

    /**
     * Once an order is counted: per partition, the slot of each insertion index; and clears the insertion indices
     * (bits 32..) so that they can collect continuation counts.
     */
    int[][] insertionToSlot() {
        int[][] map = new int[PARTITIONS][];
        for (int p = 0; p < PARTITIONS; p++) {
            long[] t = slots[p];
            int[] m = new int[sizes[p]];
            for (int j = 0; j < t.length; j += 2) {
                if (t[j] != EMPTY) {
                    m[(int) (t[j + 1] >>> HIGH_SHIFT)] = j >>> 1;
                    t[j + 1] &= RAW_MASK | EOD_START_BIT;
                }
            }
            map[p] = m;
        }
        return map;
    }
}
