package org.cbtm.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.cbtm.math.DenseMatrix;
import org.cbtm.math.Parallel;

/**
 * K-means settings and fitting, methods.md 1.2: Lloyd iterations on squared Euclidean distance over the
 * (unit-norm) embeddings, centres are plain means (not re-normalised); the E-step is the balanced auction
 * ({@link AuctionAssignment}) or, unbalanced, the nearest centre; stop when
 * {@code (sum_k ||c_k,new - c_k,old||)^2 < tolerance} or after {@code maxIterations}; an empty cluster is re-seeded
 * from a random document. Works for any {@code N >= K}; {@code chunkSize > 0} fits online over consecutive chunks
 * (continuing from the previous chunk's centres, as the reference does with 50k-document chunks) to bound memory.
 *
 * @param k number of clusters (>= 1)
 * @param balanced balanced auction E-step (C-BTM) or argmin E-step (the unbalanced ablation)
 * @param init initialisation: {@link Init#RANDOM_DOCUMENTS} (reference) or {@link Init#KMEANS_PLUS_PLUS}
 * @param maxIterations Lloyd iterations per chunk at most (reference 20)
 * @param tolerance the reference stopping threshold on the squared summed centre shift (1e-3); 0 runs all iterations
 * @param seed seeds initialisation and re-seeding
 * @param chunkSize 0 = all documents at once; otherwise about this many documents per chunk
 * @param auction options of the balanced E-step
 */
public record KMeans(int k, boolean balanced, Init init, int maxIterations, double tolerance, long seed, int chunkSize,
                     AuctionAssignment.Options auction) {

    /** Initialisation methods. */
    public enum Init {
        /** K distinct documents drawn uniformly at random (the reference). */
        RANDOM_DOCUMENTS,
        /** k-means++ (D^2 sampling). */
        KMEANS_PLUS_PLUS
    }

    public KMeans {
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(auction, "auction");
        if (k < 1) {
            throw new IllegalArgumentException("K must be >= 1, got " + k);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
        }
        if (chunkSize < 0) {
            throw new IllegalArgumentException("chunkSize must be >= 0, got " + chunkSize);
        }
    }

    /** The reference settings: random-document init, 20 iterations, tolerance 1e-3, no chunking, reference auction. */
    public static KMeans reference(int k, boolean balanced, long seed) {
        return new KMeans(k, balanced, Init.RANDOM_DOCUMENTS, 20, 1e-3, seed, 0, AuctionAssignment.Options.reference());
    }

    public KMeans withInit(Init i) {
        return new KMeans(k, balanced, i, maxIterations, tolerance, seed, chunkSize, auction);
    }

    public KMeans withBalanced(boolean b) {
        return new KMeans(k, b, init, maxIterations, tolerance, seed, chunkSize, auction);
    }

    public KMeans withIterations(int maxIter, double tol) {
        return new KMeans(k, balanced, init, maxIter, tol, seed, chunkSize, auction);
    }

    public KMeans withChunkSize(int c) {
        return new KMeans(k, balanced, init, maxIterations, tolerance, seed, c, auction);
    }

    public KMeans withAuction(AuctionAssignment.Options a) {
        return new KMeans(k, balanced, init, maxIterations, tolerance, seed, chunkSize, a);
    }

    public KMeans withSeed(long s) {
        return new KMeans(k, balanced, init, maxIterations, tolerance, s, chunkSize, auction);
    }

    /** Fits on the rows of {@code x} (embeddings). Throws when {@code N < K} or a row is not finite. */
    public KMeansModel fit(DenseMatrix x) {
        int n = x.rows();
        if (n == 0) {
            throw new IllegalArgumentException("cannot fit k-means on an empty set of documents");
        }
        if (n < k) {
            throw new IllegalArgumentException("K = " + k + " clusters need at least K documents, got N = " + n);
        }
        for (double v : x.data()) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("embeddings must be finite");
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int nChunks = chunkSize == 0 ? 1 : Math.max(1, n / chunkSize);
        if (nChunks > 1 && n / nChunks < k) {
            nChunks = Math.max(1, n / k);
        }
        DenseMatrix centres = null;
        List<Double> shifts = new ArrayList<>();
        int totalIter = 0;
        int[] lastAssign = null;
        int lastFrom = 0;
        long auctionRounds = 0;
        long eStepNanos = 0;
        double[] prices = null; // the auction's prices, carried from one E-step to the next (warm start)
        for (int c = 0; c < nChunks; c++) {
            // numpy.array_split sizes: the first n % nChunks chunks get one more
            int base = n / nChunks;
            int extra = n % nChunks;
            int from = c * base + Math.min(c, extra);
            int to = from + base + (c < extra ? 1 : 0);
            DenseMatrix xc = nChunks == 1 ? x : x.rowRange(from, to);
            // the balanced E-steps of this chunk share the points' norms and a cost buffer
            AuctionAssignment.Workspace ws = balanced ? new AuctionAssignment.Workspace(xc) : null;
            if (centres == null) {
                centres = initialCentres(xc, rng);
            }
            for (int it = 0; it < maxIterations; it++) {
                int[] assign;
                long e0 = System.nanoTime();
                if (balanced) {
                    AuctionAssignment.Result r = AuctionAssignment.assign(xc, centres, auction, prices, ws);
                    assign = r.assignment();
                    prices = r.clusterPrices();
                    auctionRounds += r.rounds();
                } else {
                    assign = Distances.nearest(xc, centres, null);
                }
                eStepNanos += System.nanoTime() - e0;
                DenseMatrix next = means(xc, assign, k, rng);
                double shift = 0;
                int dims = centres.cols();
                for (int j = 0; j < k; j++) {
                    double sq = 0;
                    for (int d = 0; d < dims; d++) {
                        double diff = next.get(j, d) - centres.get(j, d);
                        sq += diff * diff;
                    }
                    shift += Math.sqrt(sq);
                }
                centres = next;
                shifts.add(shift * shift);
                totalIter++;
                lastAssign = assign;
                lastFrom = from;
                if (shift * shift < tolerance) {
                    break;
                }
            }
        }
        return new KMeansModel(this, centres, totalIter, List.copyOf(shifts), lastAssign, lastFrom, auctionRounds,
                eStepNanos / 1e9);
    }

    private DenseMatrix initialCentres(DenseMatrix x, SplittableRandom rng) {
        int n = x.rows();
        if (init == Init.RANDOM_DOCUMENTS) {
            return x.selectRows(randomDistinct(n, k, rng));
        }
        // k-means++
        int[] chosen = new int[k];
        chosen[0] = rng.nextInt(n);
        double[] d2 = new double[n];
        java.util.Arrays.fill(d2, Double.POSITIVE_INFINITY);
        for (int j = 1; j < k; j++) {
            DenseMatrix last = x.selectRows(new int[] {chosen[j - 1]});
            double[] dist = new double[n];
            Distances.nearest(x, last, dist);
            double total = 0;
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], dist[i]);
                total += d2[i];
            }
            int pick;
            if (total <= 0) {
                pick = rng.nextInt(n);
            } else {
                double r = rng.nextDouble() * total;
                pick = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += d2[i];
                    if (acc > r) {
                        pick = i;
                        break;
                    }
                }
            }
            chosen[j] = pick;
        }
        return x.selectRows(chosen);
    }

    /**
     * The reference initialisation's document indices: K distinct rows drawn uniformly (a partial Fisher-Yates
     * shuffle) from a fresh {@code SplittableRandom(seed)}, as {@link #fit} draws them for the first chunk.
     */
    public static int[] randomDocumentIndices(int n, int k, long seed) {
        return randomDistinct(n, k, new SplittableRandom(seed));
    }

    private static int[] randomDistinct(int n, int k, SplittableRandom rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        int[] chosen = new int[k];
        for (int j = 0; j < k; j++) {
            int r = j + rng.nextInt(n - j);
            int t = idx[j];
            idx[j] = idx[r];
            idx[r] = t;
            chosen[j] = idx[j];
        }
        return chosen;
    }

    /** Cluster means; an empty cluster gets a random document. Deterministic (fixed blocks, summed in order). */
    static DenseMatrix means(DenseMatrix x, int[] assign, int k, SplittableRandom rng) {
        int n = x.rows();
        int dims = x.cols();
        double[] xd = x.data();
        int block = 8192;
        int nb = Parallel.blocks(n, block);
        double[][] sums = new double[nb][];
        long[][] counts = new long[nb][];
        Parallel.forBlocks(n, block, (b, from, to) -> {
            double[] s = new double[k * dims];
            long[] c = new long[k];
            for (int i = from; i < to; i++) {
                int j = assign[i];
                c[j]++;
                int so = j * dims;
                int xo = i * dims;
                for (int d = 0; d < dims; d++) {
                    s[so + d] += xd[xo + d];
                }
            }
            sums[b] = s;
            counts[b] = c;
        });
        double[] total = new double[k * dims];
        long[] cnt = new long[k];
        for (int b = 0; b < nb; b++) {
            for (int q = 0; q < total.length; q++) {
                total[q] += sums[b][q];
            }
            for (int j = 0; j < k; j++) {
                cnt[j] += counts[b][j];
            }
        }
        for (int j = 0; j < k; j++) {
            if (cnt[j] == 0) {
                int r = rng.nextInt(n);
                System.arraycopy(xd, r * dims, total, j * dims, dims);
            } else {
                double inv = 1.0 / cnt[j];
                for (int d = 0; d < dims; d++) {
                    total[j * dims + d] *= inv;
                }
            }
        }
        return new DenseMatrix(k, dims, total);
    }
}
