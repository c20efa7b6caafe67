package org.cbtm.cluster;

import java.util.Arrays;
import java.util.concurrent.ForkJoinTask;
import org.cbtm.math.DenseKernels;
import org.cbtm.math.DenseMatrix;
import org.cbtm.math.Parallel;

/**
 * The balanced E-step of C-BTM (methods.md 1.2): assign N documents to K clusters with fixed capacities that sum
 * to N, minimising the total cost (squared distance): a balanced linear assignment with the reference's accuracy
 * eps. Capacity {@code floor(N/K)} per cluster, plus one for the {@code N mod K} clusters most documents prefer
 * ({@link #capacities}), so sizes differ by at most one and nothing is dumped into cluster 0.
 *
 * <p>Optimality: the result satisfies eps-complementary slackness with one price per cluster: every document's
 * cost plus its cluster's price is within eps of its cheapest cost plus price. Summed over the documents (all
 * capacities are filled, so the prices add up to the same total for every balanced assignment) the total cost is
 * within {@code N * eps} of the optimum of the balanced problem, the guarantee of the reference's auction
 * (Bertsekas) with {@code eps = (max - min) / 50} of the costs ({@link Options#reference()}). With eps scaling
 * ({@link Options#scaled}) phases with decreasing eps reuse the prices; with integer costs and a final eps below
 * {@code 1/N} the result is exactly optimal.
 *
 * <p>Finite costs near the double range (whose range, or cost plus price plus eps, would overflow to infinity) are
 * solved in units of a power of two ({@link CostHeadroom}), the same problem, exactly; when that scaling would round
 * a cost, or the certifying prices do not fit in a double, an {@link IllegalArgumentException} names the range.
 * Ordinary costs are not scaled.
 *
 * <p>The solver works on the K cluster prices (the dual of the problem) rather than on N x K bids; the class keeps
 * its name (the methods say "solved with an auction algorithm") because the problem, eps and guarantee are the
 * reference auction's. Every document starts in its cheapest cluster under the current prices; while a cluster is
 * over-full, a breadth-first search over the K clusters finds a shortest chain from an over-full to an under-full
 * cluster in which each step moves one document to a cluster within eps for it, and the documents are moved (a
 * document never leaves the eps band, so the invariant holds). When no chain exists, the prices of every cluster
 * the over-full ones reach are raised together by the smallest amount that brings one of their documents within eps
 * of an outside cluster (more than eps; a primal-dual step), and the search continues; when a single cluster is out
 * of reach and lacks d documents, the raise is the one that brings d documents to it at once (those that would leave
 * their cluster's eps band move to their cheapest cluster, so the invariant still holds).
 *
 * <p>Good starting prices leave little to move, so the documents are first solved on nested samples (every
 * {@code 4^j}-th row, the coarsest with at least 16 rows per cluster, capacities in proportion), each level starting
 * from the coarser level's prices; the full level then costs a few SIMD O(K N) passes and a few hundred moves. A
 * warm start (the previous Lloyd iteration's prices) skips the samples. A price raise sweeps the rows in memory order in
 * parallel blocks of fixed size and applies its arc updates in row order, so results never depend on the thread count. The
 * first, document-side auction implemented here needed about 14 bids of O(K) per document on 20k passages (its prices
 * rise by at most eps per pass over a cluster's places); the reference's cluster-side rounds about 3000 O(K N) rounds.
 */
public final class AuctionAssignment {

    /**
     * {@code epsFraction}: eps of the first phase as a fraction of the cost range (reference 1/50);
     * {@code finalEpsFraction}: eps of the last phase (equal to {@code epsFraction} for a single phase);
     * {@code scalingFactor}: eps is divided by this between phases (> 1).
     */
    public record Options(double epsFraction, double finalEpsFraction, double scalingFactor) {
        public Options {
            if (!(epsFraction > 0) || !(finalEpsFraction > 0) || finalEpsFraction > epsFraction) {
                throw new IllegalArgumentException("need 0 < finalEpsFraction <= epsFraction, got "
                        + finalEpsFraction + ", " + epsFraction);
            }
            if (!(scalingFactor > 1)) {
                throw new IllegalArgumentException("scalingFactor must be > 1, got " + scalingFactor);
            }
        }

        /** The reference: one phase, eps = (max cost - min cost) / 50. */
        public static Options reference() {
            return new Options(1.0 / 50, 1.0 / 50, 4);
        }

        /** eps scaling from range/50 down to {@code finalEpsFraction} of the range, dividing by 4 per phase. */
        public static Options scaled(double finalEpsFraction) {
            return new Options(1.0 / 50, Math.min(1.0 / 50, finalEpsFraction), 4);
        }
    }

    /**
     * {@code assignment[i]} = cluster of document {@code i}; {@code rounds}: price raises over all levels and phases;
     * {@code eps} of the last phase (the total cost is within {@code n * eps} of the optimum); {@code totalCost} of the
     * assignment; {@code bids}: documents moved between clusters (over all levels and phases);
     * {@code clusterPrices}: the final prices (a warm start for the next E-step).
     */
    public record Result(int[] assignment, int rounds, int phases, double eps, double totalCost, long bids,
                         double[] clusterPrices) {
    }

    private AuctionAssignment() {
    }

    /**
     * Capacities for N documents in K clusters: {@code floor(N/K)} each, and one more for the {@code N mod K}
     * clusters that the most documents prefer ({@code preferredCounts}, e.g. the sizes of the nearest-centre
     * assignment; ties and a null array: the lower index). Sizes therefore differ by at most one.
     */
    public static int[] capacities(int n, int k, int[] preferredCounts) {
        if (k < 1) {
            throw new IllegalArgumentException("K must be >= 1, got " + k);
        }
        if (n < k) {
            throw new IllegalArgumentException("cannot balance " + n + " documents over K = " + k
                    + " clusters: need N >= K");
        }
        int[] cap = new int[k];
        Arrays.fill(cap, n / k);
        int r = n % k;
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) {
            order[j] = j;
        }
        if (preferredCounts != null) {
            Arrays.sort(order, (a, b) -> preferredCounts[a] != preferredCounts[b]
                    ? Integer.compare(preferredCounts[b], preferredCounts[a]) : Integer.compare(a, b));
        }
        for (int j = 0; j < r; j++) {
            cap[order[j]]++;
        }
        return cap;
    }

    /** Balanced assignment with reference options and capacities from {@link #capacities} (nearest-centre counts). */
    public static Result assign(double[] cost, int k, int n) {
        return assign(cost, k, n, null, Options.reference());
    }

    /**
     * Solves the balanced assignment. {@code cost[i * k + j]} is the cost of document {@code i} in cluster {@code j}
     * (document-major, as {@link Distances#all} writes it). {@code capacities} must sum to {@code n}; null means
     * {@link #capacities} with the counts of each document's cheapest cluster.
     */
    public static Result assign(double[] cost, int k, int n, int[] capacities, Options options) {
        return assign(cost, k, n, capacities, options, null);
    }

    /**
     * As {@link #assign(double[], int, int, int[], Options)}, starting from cluster prices {@code initialPrices}
     * (null: 0), e.g. the {@link Result#clusterPrices()} of the previous Lloyd iteration (a warm start: any starting
     * prices are valid, good ones save work).
     */
    public static Result assign(double[] cost, int k, int n, int[] capacities, Options options, double[] initialPrices) {
        if (k < 1) {
            throw new IllegalArgumentException("K must be >= 1, got " + k);
        }
        if (cost.length != (long) k * n) {
            throw new IllegalArgumentException("cost has " + cost.length + " entries, not K * N = " + (long) k * n);
        }
        if (n == 0) {
            throw new IllegalArgumentException("no documents to assign");
        }
        // the nearest-centre counts only decide where the N mod K extra places go
        Scan scan = Scan.of(cost, k, n, capacities == null && n % k != 0);
        int[] cap = checkedCapacities(capacities, k, n, scan.nearestCounts);
        double[] prices = startPrices(initialPrices, k);
        // costs near the double range: solved on an exactly scaled copy (the caller's array is not changed)
        CostHeadroom h = CostHeadroom.of(scan.min, scan.max, prices, options.epsFraction());
        double[] c = h.scaled(cost, cost.length, false);
        h.scalePrices(prices);
        double min = h.down(scan.min);
        double max = h.down(scan.max);
        int[] strides = levelStrides(n, k);
        Stats st = new Stats();
        // the coarse levels: every 4^j-th row of this matrix, coarsest first
        levels(c, k, n, cap, Arrays.copyOf(strides, strides.length - 1), prices,
                options.epsFraction() * h.scale(min, max), st);
        return finish(c, k, n, cap, options, prices, min, max, null, st, h);
    }

    /**
     * The balanced E-step of k-means: the balanced assignment of the rows of {@code x} to the {@code centres} by
     * squared distance, with capacities from {@link #capacities} (nearest-centre counts), starting from
     * {@code initialPrices} (null: 0). The same problem, eps and guarantee as {@link #assign(double[], int, int,
     * int[], Options, double[])} on {@link Distances#all} ({@code totalCost} is the total squared distance), computed
     * faster: the costs are the distances less each row's norm ({@link Distances#reduced}, the same problem with one
     * product and no extra pass), their range comes with them, and the coarse levels get the costs of their sample
     * rows first and are solved (on one thread of the pool, with eps from the sample's own range: they only provide
     * starting prices) while this thread computes the costs of the other rows. With {@code initialPrices} (a warm
     * start) there are no sample levels.
     */
    public static Result assign(DenseMatrix x, DenseMatrix centres, Options options, double[] initialPrices) {
        return assign(x, centres, options, initialPrices, null);
    }

    /**
     * Buffers for the repeated balanced E-steps of one fit on the same points: their squared norms (computed once)
     * and the cost matrix (reused). Not thread-safe; one per fit.
     */
    public static final class Workspace {
        private final DenseMatrix x;
        private final double[] norms;
        private double[] cost;

        /** For the E-steps on {@code x} (which must not change while the workspace is in use). */
        public Workspace(DenseMatrix x) {
            this.x = x;
            this.norms = Distances.rowNorms(x);
        }
    }

    /**
     * {@link #assign(DenseMatrix, DenseMatrix, Options, double[])} with the buffers of {@code ws} (null: fresh ones),
     * which must have been made for the same {@code x}. The result is the same.
     */
    public static Result assign(DenseMatrix x, DenseMatrix centres, Options options, double[] initialPrices,
                                Workspace ws) {
        if (ws != null && ws.x != x) {
            throw new IllegalArgumentException("the workspace was made for other points");
        }
        int n = x.rows();
        int k = centres.rows();
        if (k < 1) {
            throw new IllegalArgumentException("K must be >= 1, got " + k + " centres (a 0 x " + centres.cols()
                    + " centre matrix): pass at least one centre");
        }
        if (n == 0) {
            throw new IllegalArgumentException("no documents to assign");
        }
        if (n < k) {
            throw new IllegalArgumentException("cannot balance " + n + " documents over K = " + k
                    + " clusters: need N >= K");
        }
        int[] counts = null;
        if (n % k != 0) {
            counts = new int[k];
            for (int j : Distances.nearest(x, centres, null)) {
                counts[j]++;
            }
        }
        int[] cap = capacities(n, k, counts);
        double[] prices = startPrices(initialPrices, k);
        // warm prices (the previous Lloyd iteration's) are better starting prices than a sample's: the full level only
        // (measured on 20k passages, K = 32: 1.6 ms per E-step against 2.0 ms with the finest sample level first)
        int[] strides = initialPrices != null ? new int[] {1} : levelStrides(n, k);
        Stats st = new Stats();
        double[] range = new double[2];
        boolean normsKnown = ws != null;
        double[] norms = normsKnown ? ws.norms : new double[n];
        // squared distances less the row norms: the same problem (Distances.reduced)
        double[] cost;
        if (ws != null && ws.cost != null && ws.cost.length == n * k) {
            cost = ws.cost;
        } else {
            cost = new double[Math.multiplyExact(n, k)];
            if (ws != null) {
                ws.cost = cost;
            }
        }
        if (strides.length == 1) {
            Distances.reducedInto(x, centres, 0, 1, cost, norms, normsKnown, range);
        } else {
            // the coarse levels read only the rows 0, cs, 2 cs, ...: their costs come first, then those levels are
            // solved (sequentially; eps from the sample's own range: they only provide starting prices) while the
            // costs of the other rows are computed
            int cs = strides[strides.length - 2];
            double[] sampleRange = new double[2];
            Distances.reducedInto(x, centres, 0, cs, cost, norms, normsKnown, sampleRange);
            checkFinite(sampleRange);
            double sampleEps = options.epsFraction() * scale(sampleRange[0], sampleRange[1]);
            int[] coarse = Arrays.copyOf(strides, strides.length - 1);
            final int[] coarseLevels = coarse;
            // the coarse levels on another thread of the pool (this task's, or the common one); this thread computes the
            // other rows' costs (in parallel blocks that the pool joins once the coarse levels are done). Costs near the
            // double range (not ordinary squared distances) skip them: they only provide starting prices, and the costs
            // are scaled once their whole range is known
            boolean coarseFits = CostHeadroom.of(sampleRange[0], sampleRange[1],
                    reducedMagnitude(sampleRange[1], norms, cs), prices, options.epsFraction()) == CostHeadroom.NONE;
            ForkJoinTask<?> coarseTask = coarseFits ? ForkJoinTask.adapt(
                    () -> levels(cost, k, n, cap, coarseLevels, prices, sampleEps, st)).fork() : null;
            double[][] rest = new double[cs][];
            for (int task = 1; task < cs; task++) {
                rest[task] = new double[2];
                Distances.reducedInto(x, centres, task, cs, cost, norms, normsKnown, rest[task]);
            }
            if (coarseTask != null) {
                coarseTask.join();
            }
            range[0] = sampleRange[0];
            range[1] = sampleRange[1];
            for (int task = 1; task < cs; task++) {
                range[0] = Math.min(range[0], rest[task][0]);
                range[1] = Math.max(range[1], rest[task][1]);
            }
        }
        checkFinite(range);
        CostHeadroom h = CostHeadroom.of(range[0], range[1], reducedMagnitude(range[1], norms, 1), prices,
                options.epsFraction());
        h.scaled(cost, cost.length, true); // our own buffer, rewritten by the next call
        h.scalePrices(prices);
        return finish(cost, k, n, cap, options, prices, h.down(range[0]), h.down(range[1]), norms, st, h);
    }

    /**
     * A bound on the magnitude of the reduced costs (squared distance less the row norm) of the rows 0, step, ...:
     * they lie between minus the largest row norm and the largest distance.
     */
    private static double reducedMagnitude(double maxDistance, double[] norms, int step) {
        double m = maxDistance;
        for (int i = 0; i < norms.length; i += step) {
            m = Math.max(m, norms[i]);
        }
        return m;
    }

    private static void checkFinite(double[] range) {
        if (!Double.isFinite(range[0]) || !Double.isFinite(range[1])) {
            throw new IllegalArgumentException("points and centres must be finite");
        }
    }

    private static double scale(double min, double max) {
        double range = max - min;
        return range > 0 ? range : 1.0;
    }

    private static int[] checkedCapacities(int[] capacities, int k, int n, int[] nearestCounts) {
        if (capacities == null) {
            return capacities(n, k, nearestCounts);
        }
        if (capacities.length != k) {
            throw new IllegalArgumentException("need " + k + " capacities, got " + capacities.length);
        }
        long s = 0;
        for (int c : capacities) {
            if (c < 0) {
                throw new IllegalArgumentException("negative capacity");
            }
            s += c;
        }
        if (s != n) {
            throw new IllegalArgumentException("capacities sum to " + s + ", not N = " + n);
        }
        return capacities.clone();
    }

    private static double[] startPrices(double[] initialPrices, int k) {
        double[] prices = new double[k];
        if (initialPrices != null) {
            if (initialPrices.length != k) {
                throw new IllegalArgumentException("need " + k + " initial prices");
            }
            for (int j = 0; j < k; j++) {
                if (!Double.isFinite(initialPrices[j])) {
                    throw new IllegalArgumentException("initial prices must be finite");
                }
                prices[j] = initialPrices[j];
            }
        }
        return prices;
    }

    /** Price raises and moves, summed over levels and phases. */
    private static final class Stats {
        int raises;
        long moves;
    }

    /**
     * Solves the levels with the given strides over the {@code n} rows of {@code cost} in turn, each starting from the
     * prices the previous one left (capacities in proportion to {@code cap}); returns the last level's assignment.
     */
    private static int[] levels(double[] cost, int k, int n, int[] cap, int[] strides, double[] prices, double eps,
                                Stats st) {
        int[] assignment = null;
        for (int stride : strides) {
            int m = (n + stride - 1) / stride;
            Level level = new Level(cost, k, m, stride, stride == 1 ? cap : proportional(cap, n, m));
            level.solve(prices, eps);
            st.raises += level.raises;
            st.moves += level.moves;
            assignment = level.assign;
        }
        return assignment;
    }

    /**
     * The full level (and, with eps scaling, its later phases), from the coarse levels' prices. {@code cost},
     * {@code prices}, {@code costMin} and {@code costMax} are in the units of {@code h}; the result in cost units.
     */
    private static Result finish(double[] cost, int k, int n, int[] cap, Options options, double[] prices,
                                 double costMin, double costMax, double[] rowOffsets, Stats st, CostHeadroom h) {
        double scale = h.scale(costMin, costMax);
        double eps = options.epsFraction() * scale;
        double finalEps = options.finalEpsFraction() * scale;
        int phases = 0;
        int[] assignment;
        while (true) {
            phases++;
            assignment = levels(cost, k, n, cap, new int[] {1}, prices, eps, st);
            if (eps <= finalEps) {
                break;
            }
            eps = Math.max(finalEps, eps / options.scalingFactor());
        }
        double total = 0; // in cost units (a sum of costs near the double range can overflow to infinity)
        for (int i = 0; i < n; i++) {
            double c = h.up(cost[i * k + assignment[i]]);
            total += rowOffsets == null ? c : Math.max(0, c + rowOffsets[i]);
        }
        return new Result(assignment, st.raises, phases, h.eps(eps, options.finalEpsFraction()), total, st.moves,
                h.prices(prices));
    }

    /** Rows per level: each coarser level takes every 4th row of the next; the coarsest keeps >= 16 per cluster. */
    static int[] levelStrides(int n, int k) {
        long minRows = Math.max(256L, 16L * k);
        int count = 1;
        long stride = 4;
        while ((n + stride - 1) / stride >= minRows && stride <= (1 << 20)) {
            count++;
            stride *= 4;
        }
        int[] out = new int[count];
        int s = 1;
        for (int i = count - 1; i >= 0; i--) {
            out[i] = s;
            s *= 4;
        }
        return out;
    }

    /** Capacities for {@code m} of the {@code n} rows, proportional to {@code cap} (largest remainders first). */
    static int[] proportional(int[] cap, int n, int m) {
        int k = cap.length;
        int[] out = new int[k];
        long[] rem = new long[k];
        int sum = 0;
        for (int j = 0; j < k; j++) {
            long x = (long) cap[j] * m;
            out[j] = (int) (x / n);
            rem[j] = x % n;
            sum += out[j];
        }
        for (int left = m - sum; left > 0; left--) {
            int best = -1;
            for (int j = 0; j < k; j++) {
                if (rem[j] >= 0 && (best < 0 || rem[j] > rem[best])) {
                    best = j;
                }
            }
            out[best]++;
            rem[best] = -1;
        }
        return out;
    }

    /** Rows per parallel block of the O(K N) passes (fixed, so results never depend on the number of threads). */
    private static final int BLOCK = 4096;
    /**
     * Rows per parallel block of a level's first pass and of its price raises (fixed, as {@link #BLOCK}; smaller:
     * those passes are cheaper).
     */
    private static final int RAISE_BLOCK = 1024;

    /** One pass over the costs: finite check and range, and (when asked) how many rows have each cluster as their cheapest. */
    private static final class Scan {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int[] nearestCounts;

        static Scan of(double[] cost, int k, int n, boolean counts) {
            double[] zero = new double[k];
            int nb = Parallel.blocks(n, BLOCK);
            double[] mins = new double[nb];
            double[] maxs = new double[nb];
            int[][] cnt = new int[nb][];
            Parallel.forBlocks(n, BLOCK, (b, from, to) -> {
                double mn = Double.POSITIVE_INFINITY;
                double mx = Double.NEGATIVE_INFINITY;
                double bad = 0; // x - x is 0 for finite x, NaN for NaN or infinity
                for (int i = from * k; i < to * k; i++) {
                    double x = cost[i];
                    bad += x - x;
                    mn = x < mn ? x : mn;
                    mx = x > mx ? x : mx;
                }
                mins[b] = bad == 0 ? mn : Double.NaN;
                maxs[b] = mx;
                if (counts && bad == 0) {
                    int[] c = new int[k];
                    for (int i = from; i < to; i++) {
                        c[DenseKernels.argMinPlus(cost, i * k, zero, k)]++;
                    }
                    cnt[b] = c;
                }
            });
            Scan s = new Scan();
            for (int b = 0; b < nb; b++) {
                if (Double.isNaN(mins[b])) {
                    throw new IllegalArgumentException("costs must be finite");
                }
                s.min = Math.min(s.min, mins[b]);
                s.max = Math.max(s.max, maxs[b]);
            }
            if (counts) {
                s.nearestCounts = new int[k];
                for (int b = 0; b < nb; b++) {
                    for (int j = 0; j < k; j++) {
                        s.nearestCounts[j] += cnt[b][j];
                    }
                }
            }
            return s;
        }
    }

    /**
     * The balanced assignment of the rows {@code 0, stride, 2 stride, ...} ({@code m} of them) with capacities
     * {@code cap}, by the primal-dual method of the class comment. Per row: its cluster, its cheapest reduced cost
     * ({@code cost + price}) and the bit set of clusters within eps of it ({@code words} longs per row). Per pair of
     * clusters: how many rows of the first are within eps in the second (the arcs of the search).
     */
    private static final class Level {
        final double[] cost;
        final int k;
        final int m;
        final int rowStep;     // row t starts at t * rowStep
        final int words;       // longs per bit set
        final int[] cap;
        final int[] assign;
        final double[] best;
        final int[] bestIdx;
        final long[] within;   // bit set per row: clusters whose reduced cost is <= best + eps
        long[] fresh;          // the recomputed bit sets of a price raise (allocated by the first raise)
        final int[] count;
        final int[] excess;
        final int[] arcs;      // arcs[a * k + b]: rows of a within eps in b (b != a)
        final long[] adj;      // per cluster a, bit set of the b with arcs[a * k + b] > 0
        final long[] seen;     // the search's visited clusters
        final int[] cursor;    // per (a, b): how far a's member list has been searched for a row movable to b
        final int[][] members; // rows of each cluster that can move (another cluster within eps); append-only, rows that left are skipped
        final int[] stamp;     // the raise that last moved a row by leave()
        double[] room;         // per row of a reached cluster: the largest raise that keeps it within eps (a raise)
        int[] changed;         // per block from its first row: the movable rows (set-up), the rows whose band a raise changed
        int raiseId;
        final int[] memberCount;
        final int[] parent;
        final int[] queue;
        final boolean[] reach;
        final double[] outside; // prices with +infinity on the reached clusters
        double[] outMin;        // per row of a reached cluster: its cheapest reduced cost outside them (first raise)
        int totalExcess;
        int raises;
        long moves;

        Level(double[] cost, int k, int m, int stride, int[] cap) {
            this.cost = cost;
            this.k = k;
            this.m = m;
            this.rowStep = stride * k;
            this.words = (k + 63) >>> 6;
            this.cap = cap;
            assign = new int[m];
            best = new double[m];
            bestIdx = new int[m];
            within = new long[m * words];
            count = new int[k];
            excess = new int[k];
            arcs = new int[k * k];
            adj = new long[k * words];
            seen = new long[words];
            cursor = new int[k * k];
            members = new int[k][];
            memberCount = new int[k];
            stamp = new int[m];
            parent = new int[k];
            queue = new int[k];
            reach = new boolean[k];
            outside = new double[k];
        }

        /** Whether row t (in cluster a) has a cluster other than a within eps. */
        private boolean movableSomewhere(int t, int a) {
            int w0 = t * words;
            for (int w = 0; w < words; w++) {
                long bits = within[w0 + w];
                if ((a >>> 6) == w) {
                    bits &= ~(1L << (a & 63));
                }
                if (bits != 0) {
                    return true;
                }
            }
            return false;
        }

        private void addMember(int a, int t) {
            if (memberCount[a] == members[a].length) {
                members[a] = Arrays.copyOf(members[a], members[a].length * 2);
            }
            members[a][memberCount[a]++] = t;
        }

        private boolean movable(int t, int b) {
            return (within[t * words + (b >>> 6)] >>> (b & 63) & 1L) != 0;
        }

        /** Adds (sign 1) or removes (-1) row t's arcs out of cluster a, keeping the bit sets of non-empty arcs. */
        private void addArcs(int t, int a, int sign) {
            addArcs(t, a, sign, arcs, adj);
        }

        /**
         * Adds (sign 1) or removes (-1) row t's arcs out of cluster a in {@code arc} (a K x K count, as {@link #arcs});
         * when {@code adjacency} is not null, flips its bit of each arc that opens or closes.
         */
        private void addArcs(int t, int a, int sign, int[] arc, long[] adjacency) {
            int w0 = t * words;
            int ao = a * k;
            int adjo = a * words;
            for (int w = 0; w < words; w++) {
                long bits = within[w0 + w];
                while (bits != 0) {
                    int l = (w << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    if (l != a) {
                        int x = arc[ao + l] += sign;
                        if (adjacency != null && x == (sign > 0 ? 1 : 0)) {
                            adjacency[adjo + w] ^= 1L << (l & 63); // the arc opened or closed
                        }
                    }
                }
            }
        }

        void solve(double[] p, double eps) {
            // one pass in parallel blocks: each row's cheapest cluster and eps band; per block, the cluster sizes, the
            // rows that can move (another cluster in their band) and their arcs, merged below in block order
            changed = new int[m];
            int nb = Parallel.blocks(m, RAISE_BLOCK);
            int[][] blockCount = new int[nb][];
            int[][] blockArcs = new int[nb][];
            int[] blockMovable = new int[nb];
            int used = forRowBlocks((b, from, to) -> {
                DenseKernels.argMinWithinRows(cost, from * rowStep, rowStep, to - from, p, k, eps, bestIdx, from,
                        within, from * words);
                int[] cnt = new int[k];
                int[] arc = null;
                int c = from;
                for (int t = from; t < to; t++) {
                    int a = bestIdx[t];
                    best[t] = cost[t * rowStep + a] + p[a];
                    assign[t] = a;
                    cnt[a]++;
                    if (movableSomewhere(t, a)) { // only rows with another cluster in their band can ever move
                        changed[c++] = t;
                        if (arc == null) {
                            arc = new int[k * k];
                        }
                        addArcs(t, a, 1, arc, null); // a block's own counts; the bit sets follow the merge
                    }
                }
                blockCount[b] = cnt;
                blockArcs[b] = arc;
                blockMovable[b] = c - from;
            });
            for (int b = 0; b < used; b++) {
                for (int j = 0; j < k; j++) {
                    count[j] += blockCount[b][j];
                }
            }
            totalExcess = 0;
            for (int j = 0; j < k; j++) {
                excess[j] = count[j] - cap[j];
                totalExcess += Math.max(0, excess[j]);
            }
            if (totalExcess == 0) {
                return;
            }
            for (int j = 0; j < k; j++) {
                members[j] = new int[count[j] / 8 + 16];
            }
            for (int b = 0; b < used; b++) {
                int[] arc = blockArcs[b];
                if (arc != null) {
                    for (int i = 0; i < arc.length; i++) {
                        arcs[i] += arc[i];
                    }
                }
                for (int i = b * RAISE_BLOCK, e = i + blockMovable[b]; i < e; i++) {
                    int t = changed[i];
                    addMember(assign[t], t);
                }
            }
            for (int a = 0; a < k; a++) {
                for (int l = 0; l < k; l++) {
                    if (arcs[a * k + l] > 0) {
                        adj[a * words + (l >>> 6)] |= 1L << (l & 63);
                    }
                }
            }
            while (!augment()) {
                raise(p, eps);
            }
        }

        /** Moves rows along chains until nothing is over-full (true) or no chain exists (false; reach is set). */
        private boolean augment() {
            while (true) {
                Arrays.fill(parent, -2);
                Arrays.fill(seen, 0);
                int qh = 0;
                int qt = 0;
                for (int j = 0; j < k; j++) {
                    if (excess[j] > 0) {
                        parent[j] = -1;
                        seen[j >>> 6] |= 1L << (j & 63);
                        queue[qt++] = j;
                    }
                }
                int target = -1;
                while (qh < qt && target < 0) {
                    int u = queue[qh++];
                    for (int w = 0; w < words && target < 0; w++) {
                        long next = adj[u * words + w] & ~seen[w];
                        while (next != 0) {
                            int v = (w << 6) + Long.numberOfTrailingZeros(next);
                            next &= next - 1;
                            parent[v] = u;
                            seen[w] |= 1L << (v & 63);
                            if (excess[v] < 0) {
                                target = v;
                                break;
                            }
                            queue[qt++] = v;
                        }
                    }
                }
                if (target < 0) {
                    for (int j = 0; j < k; j++) {
                        reach[j] = parent[j] != -2;
                    }
                    return false;
                }
                int len = 0; // the chain, target first
                for (int v = target; v >= 0; v = parent[v]) {
                    queue[len++] = v;
                }
                int source = queue[len - 1];
                do { // move along it while every step still has a movable row
                    for (int s = len - 1; s > 0; s--) {
                        int u = queue[s];
                        int v = queue[s - 1];
                        move(take(u, v), u, v);
                    }
                    excess[source]--;
                    excess[target]++;
                    if (--totalExcess == 0) {
                        return true;
                    }
                } while (excess[source] > 0 && excess[target] < 0 && chainOpen(len));
            }
        }

        private boolean chainOpen(int len) {
            for (int s = len - 1; s > 0; s--) {
                if (arcs[queue[s] * k + queue[s - 1]] <= 0) {
                    return false;
                }
            }
            return true;
        }

        /** A row of cluster u that is within eps in v (one exists when arcs[u][v] > 0). */
        private int take(int u, int v) {
            int ci = u * k + v;
            int[] mem = members[u];
            int size = memberCount[u];
            for (int c = cursor[ci]; c < size; c++) {
                int t = mem[c];
                if (assign[t] == u && movable(t, v)) {
                    cursor[ci] = c + 1;
                    return t;
                }
            }
            throw new IllegalStateException("balanced assignment: no movable row from cluster " + u + " to " + v);
        }

        private void move(int t, int u, int v) {
            addArcs(t, u, -1);
            addArcs(t, v, 1);
            assign[t] = v;
            count[u]--;
            count[v]++;
            addMember(v, t); // it can move back to u at least
            moves++;
        }

        /** Runs {@code body} over the level's rows in blocks of {@link #RAISE_BLOCK}, in parallel when there are several. */
        private int forRowBlocks(Parallel.BlockBody body) {
            if (m >= 2 * RAISE_BLOCK) {
                Parallel.forBlocks(m, RAISE_BLOCK, body);
                return Parallel.blocks(m, RAISE_BLOCK);
            }
            body.run(0, 0, m);
            return 1;
        }

        /**
         * Raises the prices of the reached clusters by the smallest amount that puts one of their rows within eps of
         * an outside cluster (the largest raise that keeps every row within eps), then updates the rows whose cheapest
         * cluster or eps band involves a raised cluster. Two passes over the rows in memory order, in parallel blocks:
         * the first takes the cheapest outside reduced cost of every row of a reached cluster (one SIMD scan each), the
         * second recomputes the bands that can change; the arcs of the rows whose band changed are then updated in row
         * order, so the result never depends on the number of threads.
         */
        private void raise(double[] p, double eps) {
            if (outMin == null) { // the first raise of this level: scratch
                fresh = new long[m * words];
                outMin = new double[m];
                room = new double[m];
            }
            long[] raised = new long[words];
            int reached = 0;
            int outsideCluster = -1;
            for (int j = 0; j < k; j++) {
                outside[j] = reach[j] ? Double.POSITIVE_INFINITY : p[j];
                if (reach[j]) {
                    raised[j >>> 6] |= 1L << (j & 63);
                    reached++;
                } else {
                    outsideCluster = j;
                }
            }
            raiseId++;
            // per row of a reached cluster: the raise at which an outside cluster gets within eps of it
            int nb = Parallel.blocks(m, RAISE_BLOCK);
            double[] blockMin = new double[nb];
            int[] blockRows = new int[nb];
            int used = forRowBlocks((b, from, to) -> {
                double mn = Double.POSITIVE_INFINITY;
                int rows = 0;
                for (int t = from; t < to; t++) {
                    int a = assign[t];
                    if (reach[a]) {
                        int o = t * rowStep;
                        double mo = DenseKernels.minPlus(cost, o, outside, k);
                        outMin[t] = mo;
                        double r = mo + eps - (cost[o + a] + p[a]);
                        room[t] = r;
                        mn = Math.min(mn, r);
                        rows++;
                    }
                }
                blockMin[b] = mn;
                blockRows[b] = rows;
            });
            double minRoom = Double.POSITIVE_INFINITY;
            int nv = 0;
            for (int b = 0; b < used; b++) {
                minRoom = Math.min(minRoom, blockMin[b]);
                nv += blockRows[b];
            }
            if (!(minRoom < Double.POSITIVE_INFINITY)) {
                throw new IllegalStateException("balanced assignment: the over-full clusters reach every cluster");
            }
            // the smallest raise opens one arc. When a single cluster is out of reach and lacks d rows, raise by the
            // d-th smallest room instead: the d - 1 rows below it leave the eps band of their cluster and move to
            // their cheapest one (that cluster, or another raised one), the d-th becomes movable, so one raise fills
            // that cluster rather than d raises (rows taken from full clusters leave gaps inside the reach, which
            // chains then fill)
            double delta = minRoom;
            int need = reached == k - 1 ? -excess[outsideCluster] : 0;
            if (need >= 2 && nv >= 2) {
                double[] rooms = new double[nv];
                int i = 0;
                for (int t = 0; t < m; t++) {
                    if (reach[assign[t]]) {
                        rooms[i++] = room[t];
                    }
                }
                delta = kthSmallest(rooms, nv, Math.min(need, nv) - 1);
            }
            for (int j = 0; j < k; j++) {
                if (reach[j]) {
                    p[j] += delta;
                }
            }
            if (delta > minRoom) {
                for (int t = 0; t < m; t++) {
                    if (reach[assign[t]] && stamp[t] != raiseId && room[t] < delta) {
                        stamp[t] = raiseId; // moved by leave(), already up to date
                        leave(t, p, eps);
                    }
                }
            }
            // the rows whose band can change: those of the reached clusters, and the others with a raised cluster in
            // their band
            final double d = delta;
            int[] blockChanged = new int[nb];
            forRowBlocks((b, from, to) -> {
                int c = from;
                for (int t = from; t < to; t++) {
                    if (stamp[t] == raiseId || !(reach[assign[t]] || intersects(t, raised))) {
                        continue;
                    }
                    if (refresh(t, p, eps, d, raised)) {
                        changed[c++] = t;
                    }
                }
                blockChanged[b] = c - from;
            });
            for (int b = 0; b < used; b++) {
                for (int i = b * RAISE_BLOCK, e = i + blockChanged[b]; i < e; i++) {
                    int t = changed[i];
                    int a = assign[t];
                    boolean listed = movableSomewhere(t, a); // every movable row is on its cluster's member list
                    addArcs(t, a, -1);
                    System.arraycopy(fresh, t * words, within, t * words, words);
                    addArcs(t, a, 1);
                    if (!listed && movableSomewhere(t, a)) {
                        addMember(a, t);
                    }
                }
            }
            Arrays.fill(cursor, 0); // rows may have become movable anywhere
            raises++;
        }

        /** Row t is no longer within eps in its cluster (after a raise): to its cheapest cluster, with a fresh band. */
        private void leave(int t, double[] p, double eps) {
            int u = assign[t];
            addArcs(t, u, -1);
            int o = t * rowStep;
            int j = DenseKernels.argMinWithin(cost, o, p, k, eps, within, t * words);
            bestIdx[t] = j;
            best[t] = cost[o + j] + p[j];
            assign[t] = j;
            count[u]--;
            count[j]++;
            totalExcess += (excess[u] > 0 ? -1 : 0) + (excess[j] >= 0 ? 1 : 0);
            excess[u]--;
            excess[j]++;
            addArcs(t, j, 1);
            if (movableSomewhere(t, j)) {
                addMember(j, t);
            }
            moves++;
        }

        /** The value of rank {@code r} (0 = smallest) among {@code v[0, n)}; reorders {@code v}. */
        private static double kthSmallest(double[] v, int n, int r) {
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                double pivot = v[(lo + hi) >>> 1];
                int i = lo;
                int j = hi;
                while (i <= j) {
                    while (v[i] < pivot) {
                        i++;
                    }
                    while (v[j] > pivot) {
                        j--;
                    }
                    if (i <= j) {
                        double x = v[i];
                        v[i] = v[j];
                        v[j] = x;
                        i++;
                        j--;
                    }
                }
                if (r <= j) {
                    hi = j;
                } else if (r >= i) {
                    lo = i;
                } else {
                    return v[r];
                }
            }
            return v[r];
        }

        private boolean intersects(int t, long[] set) {
            for (int w = 0; w < words; w++) {
                if ((within[t * words + w] & set[w]) != 0) {
                    return true;
                }
            }
            return false;
        }

        /** After a raise of the reached clusters by {@code delta}: row t's cheapest cost and eps band; true when the band changed (in fresh). */
        private boolean refresh(int t, double[] p, double eps, double delta, long[] raised) {
            int w0 = t * words;
            int bi = bestIdx[t];
            int o = t * rowStep;
            if (reach[bi]) {
                if (reach[assign[t]] && outMin[t] >= best[t] + delta) {
                    // the cheapest cluster stays (its cost rose by delta); raised lanes keep their bits, outside lanes
                    // gain the ones now within the higher threshold (only when the outside minimum is close)
                    double nb = best[t] + delta;
                    best[t] = nb;
                    boolean any = outMin[t] <= nb + eps;
                    boolean diff = false;
                    for (int w = 0; w < words; w++) {
                        long bits = within[w0 + w] & raised[w];
                        if (any) {
                            int from = w << 6;
                            bits |= DenseKernels.atMostPlus(cost, o, outside, from, Math.min(k, from + 64), nb + eps);
                        }
                        fresh[w0 + w] = bits;
                        diff |= bits != within[w0 + w];
                    }
                    return diff;
                }
                int j = DenseKernels.argMinWithin(cost, o, p, k, eps, fresh, w0); // rare: recompute the row
                bestIdx[t] = j;
                best[t] = cost[o + j] + p[j];
            } else {
                // the cheapest cluster was not raised: only raised lanes can leave the band
                double thr = best[t] + eps;
                for (int w = 0; w < words; w++) {
                    long bits = within[w0 + w];
                    long check = bits & raised[w];
                    while (check != 0) {
                        int l = (w << 6) + Long.numberOfTrailingZeros(check);
                        check &= check - 1;
                        if (!(cost[o + l] + p[l] <= thr)) {
                            bits &= ~(1L << (l & 63));
                        }
                    }
                    fresh[w0 + w] = bits;
                }
            }
            boolean diff = false;
            for (int w = 0; w < words; w++) {
                diff |= fresh[w0 + w] != within[w0 + w];
            }
            return diff;
        }
    }
}
