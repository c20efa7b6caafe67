package org.cbtm.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The random-cluster baseline (methods.md 1.2): each document's cluster is uniform over {@code [0, K)}. Unlike the
 * reference, which redraws on every read, the draw is a seeded hash of the document's text, so a document keeps
 * its cluster (identical texts share one). Fitting needs nothing: it is its own fitted partition.
 */
public record RandomPartition(int k, long seed) implements Partitioner, FittedPartition {
    public RandomPartition {
        if (k < 1) {
            throw new IllegalArgumentException("K must be >= 1, got " + k);
        }
    }

    @Override
    public FittedPartition fit(List<String> texts, List<String> labels) {
        return this;
    }

    @Override
    public int numClusters() {
        return k;
    }

    @Override
    public int[] predict(List<String> texts, List<String> labels) {
        int[] out = new int[texts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = clusterOf(texts.get(i));
        }
        return out;
    }

    /** The cluster of one text. */
    public int clusterOf(String text) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001B3L;
        }
        h = mix(h);
        return (int) Long.remainderUnsigned(h, k);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String describe() {
        return "random partition, K = " + k + ", seed " + seed;
    }
}
