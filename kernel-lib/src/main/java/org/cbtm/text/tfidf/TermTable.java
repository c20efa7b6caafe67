package org.cbtm.text.tfidf;

import java.util.Arrays;

/**
 * An open-addressing hash table from character sequences to dense ids {@code 0..size-1}, with the terms'
 * characters in one pool: lookups take a slice of a {@link CharSequence} and allocate nothing.
 * Not thread-safe for writes; concurrent {@link #find} calls on a table that is no longer written are safe.
 */
final class TermTable {
    private int[] slots;          // id + 1, 0 = empty
    private int mask;
    private int size;
    private int[] hashes = new int[16];
    private int[] starts = new int[16];
    private int[] lengths = new int[16];
    private char[] pool = new char[256];
    private int poolSize;

    TermTable() {
        this(16);
    }

    TermTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        slots = new int[cap];
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    /** The hash of {@code s[from, to)} as used by this table (that of {@link String#hashCode} of the slice). */
    static int hash(CharSequence s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    /** The id of {@code s[from, to)} with hash {@code h}, or -1. */
    int find(CharSequence s, int from, int to, int h) {
        int len = to - from;
        int i = spread(h) & mask;
        while (true) {
            int e = slots[i];
            if (e == 0) {
                return -1;
            }
            int id = e - 1;
            if (hashes[id] == h && lengths[id] == len && equalsAt(id, s, from, len)) {
                return id;
            }
            i = (i + 1) & mask;
        }
    }

    int find(CharSequence s) {
        return find(s, 0, s.length(), hash(s, 0, s.length()));
    }

    private boolean equalsAt(int id, CharSequence s, int from, int len) {
        int p = starts[id];
        for (int k = 0; k < len; k++) {
            if (pool[p + k] != s.charAt(from + k)) {
                return false;
            }
        }
        return true;
    }

    /** The id of {@code s[from, to)}, adding it when absent. */
    int findOrAdd(CharSequence s, int from, int to, int h) {
        int len = to - from;
        int i = spread(h) & mask;
        while (true) {
            int e = slots[i];
            if (e == 0) {
                break;
            }
            int id = e - 1;
            if (hashes[id] == h && lengths[id] == len && equalsAt(id, s, from, len)) {
                return id;
            }
            i = (i + 1) & mask;
        }
        int id = size++;
        if (id == hashes.length) {
            int n = hashes.length * 2;
            hashes = Arrays.copyOf(hashes, n);
            starts = Arrays.copyOf(starts, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        if (poolSize + len > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + len));
        }
        for (int k = 0; k < len; k++) {
            pool[poolSize + k] = s.charAt(from + k);
        }
        hashes[id] = h;
        starts[id] = poolSize;
        lengths[id] = len;
        poolSize += len;
        slots[i] = id + 1;
        if (size * 2 > slots.length) {
            rehash();
        }
        return id;
    }

    int findOrAdd(CharSequence s) {
        return findOrAdd(s, 0, s.length(), hash(s, 0, s.length()));
    }

    private void rehash() {
        int cap = slots.length * 2;
        int[] ns = new int[cap];
        int m = cap - 1;
        for (int id = 0; id < size; id++) {
            int i = spread(hashes[id]) & m;
            while (ns[i] != 0) {
                i = (i + 1) & m;
            }
            ns[i] = id + 1;
        }
        slots = ns;
        mask = m;
    }

    String term(int id) {
        return new String(pool, starts[id], lengths[id]);
    }

    int hashOf(int id) {
        return hashes[id];
    }

    /** A view of term {@code id} as a char sequence over the pool (valid until the next add). */
    CharSequence view(int id) {
        return java.nio.CharBuffer.wrap(pool, starts[id], lengths[id]);
    }
}
