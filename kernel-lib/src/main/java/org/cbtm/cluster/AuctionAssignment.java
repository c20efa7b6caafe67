package org.cbtm.cluster;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The balanced E-step of C-BTM (methods.md 1.2): assign N documents to K clusters with fixed capacities that sum
 * to N, minimising the total cost (squared distance), by an auction (Bertsekas) in which clusters bid for
 * documents.
 *
 * <p>One round: every cluster {@code k} with {@code u > 0} free places finds its {@code u} best documents by value
 * ({@code -cost - price}) among those it does not hold, and bids for each {@code price + value - w + eps}, where
 * {@code w} is the value of its {@code (u+1)}-th best document; each document goes to its highest bidder (ties:
 * the lower cluster index), its price becomes that bid, and the cluster that held it loses it. Rounds repeat until
 * every cluster is full, which is when every document has exactly one cluster. This is the reference's round
 * (bid = value minus the (cap+1)-th value plus eps), kept exact: documents a cluster already holds are not bid for
 * again, so capacities are never exceeded and no document is left over. A round scans, for each bidding
 * cluster, all N documents once (a bounded heap when {@code u} is small, quickselect otherwise): O(K N) per round.
 *
 * <p>Optimality: the result satisfies eps-complementary slackness, so its total cost is within {@code N * eps} of
 * the optimum of the balanced (transportation) problem. The reference uses one phase with
 * {@code eps = (max - min) / 50} of the costs ({@link Options#reference()}). With eps scaling
 * ({@link Options#scaled}), phases with decreasing eps reuse the prices and end at a small final eps; with integer
 * costs and final eps below {@code 1/N} the result is exactly optimal.
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
     * {@code assignment[i]} = cluster of document {@code i}; {@code rounds} over all phases; {@code eps} of the last
     * phase (the total cost is within {@code n * eps} of the optimum); {@code totalCost} of the assignment.
     */
    public record Result(int[] assignment, int rounds, int phases, double eps, double totalCost) {
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
    public static Result assign(double[] costClusterMajor, int k, int n) {
        return assign(costClusterMajor, k, n, null, Options.reference());
    }

    /**
     * Solves the balanced assignment. {@code cost[j * n + i]} is the cost of document {@code i} in cluster {@code j}
     * (cluster-major). {@code capacities} must sum to {@code n}; null means {@link #capacities} with the counts of
     * each document's cheapest cluster.
     */
    public static Result assign(double[] cost, int k, int n, int[] capacities, Options options) {
        if (k < 1) {
            throw new IllegalArgumentException("K must be >= 1, got " + k);
        }
        if (cost.length != (long) k * n) {
            throw new IllegalArgumentException("cost has " + cost.length + " entries, not K * N = " + (long) k * n);
        }
        if (n == 0) {
            throw new IllegalArgumentException("no documents to assign");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double c : cost) {
            if (Double.isNaN(c) || Double.isInfinite(c)) {
                throw new IllegalArgumentException("costs must be finite");
            }
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        int[] cap;
        if (capacities == null) {
            int[] pref = new int[k];
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (cost[j * n + i] < cost[best * n + i]) {
                        best = j;
                    }
                }
                pref[best]++;
            }
            cap = capacities(n, k, pref);
        } else {
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
            cap = capacities.clone();
        }
        double range = max - min;
        double scale = range > 0 ? range : 1.0;
        double eps = options.epsFraction() * scale;
        double finalEps = options.finalEpsFraction() * scale;
        State st = new State(cost, k, n, cap);
        int rounds = 0;
        int phases = 0;
        while (true) {
            phases++;
            rounds += st.runPhase(eps);
            if (eps <= finalEps) {
                break;
            }
            eps = Math.max(finalEps, eps / options.scalingFactor());
            st.clearAssignment();
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += cost[st.owner[i] * n + i];
        }
        return new Result(st.owner.clone(), rounds, phases, eps, total);
    }

    /** Mutable auction state. */
    private static final class State {
        final double[] cost;
        final int k;
        final int n;
        final int[] cap;
        final double[] price;
        final int[] owner;
        final int[] held;
        // per-cluster bids of the current round
        final int[][] bidDoc;
        final double[][] bidAmt;
        final int[] bidCount;
        // resolution scratch
        final double[] best;
        final int[] bestBidder;
        final int[] touched;
        final ThreadLocal<double[]> scratch;

        State(double[] cost, int k, int n, int[] cap) {
            this.cost = cost;
            this.k = k;
            this.n = n;
            this.cap = cap;
            price = new double[n];
            owner = new int[n];
            Arrays.fill(owner, -1);
            held = new int[k];
            bidDoc = new int[k][];
            bidAmt = new double[k][];
            bidCount = new int[k];
            best = new double[n];
            Arrays.fill(best, Double.NEGATIVE_INFINITY);
            bestBidder = new int[n];
            touched = new int[n];
            scratch = ThreadLocal.withInitial(() -> new double[n]);
        }

        void clearAssignment() {
            Arrays.fill(owner, -1);
            Arrays.fill(held, 0);
        }

        int runPhase(double eps) {
            int rounds = 0;
            int[] bidders = new int[k];
            while (true) {
                int nb = 0;
                for (int j = 0; j < k; j++) {
                    if (held[j] < cap[j]) {
                        bidders[nb++] = j;
                    }
                }
                if (nb == 0) {
                    return rounds;
                }
                rounds++;
                final int[] bs = bidders;
                if (nb == 1) {
                    bid(bs[0], eps);
                } else {
                    IntStream.range(0, nb).parallel().forEach(t -> bid(bs[t], eps));
                }
                // resolve: highest bid wins, ties to the lower cluster index (bidders are in index order)
                int nt = 0;
                for (int t = 0; t < nb; t++) {
                    int j = bidders[t];
                    int[] docs = bidDoc[j];
                    double[] amt = bidAmt[j];
                    for (int b = 0, m = bidCount[j]; b < m; b++) {
                        int i = docs[b];
                        if (best[i] == Double.NEGATIVE_INFINITY) {
                            touched[nt++] = i;
                            best[i] = amt[b];
                            bestBidder[i] = j;
                        } else if (amt[b] > best[i]) {
                            best[i] = amt[b];
                            bestBidder[i] = j;
                        }
                    }
                }
                for (int t = 0; t < nt; t++) {
                    int i = touched[t];
                    int prev = owner[i];
                    if (prev >= 0) {
                        held[prev]--;
                    }
                    int w = bestBidder[i];
                    owner[i] = w;
                    held[w]++;
                    price[i] = best[i];
                    best[i] = Double.NEGATIVE_INFINITY;
                }
            }
        }

        /** Cluster {@code j} bids for its {@code u} best documents it does not hold. */
        void bid(int j, double eps) {
            int u = cap[j] - held[j];
            int base = j * n;
            double w;
            if (u + 1 <= 48) {
                w = smallSelect(j, u + 1);
            } else {
                double[] s = scratch.get();
                int m = 0;
                for (int i = 0; i < n; i++) {
                    if (owner[i] != j) {
                        s[m++] = -cost[base + i] - price[i];
                    }
                }
                w = m > u ? kthLargest(s, m, u) : Double.NaN;
            }
            if (bidDoc[j] == null || bidDoc[j].length < u) {
                bidDoc[j] = new int[Math.max(u, 16)];
                bidAmt[j] = new double[Math.max(u, 16)];
            }
            int[] docs = bidDoc[j];
            double[] amt = bidAmt[j];
            int c = 0;
            if (Double.isNaN(w)) {
                // as many free places as documents it does not hold: take them all at a minimal raise
                for (int i = 0; i < n && c < u; i++) {
                    if (owner[i] != j) {
                        docs[c] = i;
                        amt[c++] = price[i] + eps;
                    }
                }
            } else {
                int ties = 0;
                for (int i = 0; i < n; i++) {
                    if (owner[i] != j) {
                        double v = -cost[base + i] - price[i];
                        if (v > w) {
                            docs[c] = i;
                            amt[c++] = -cost[base + i] - w + eps;
                        } else if (v == w) {
                            ties++;
                        }
                    }
                }
                if (c < u && ties > 0) {
                    for (int i = 0; i < n && c < u; i++) {
                        if (owner[i] != j && -cost[base + i] - price[i] == w) {
                            docs[c] = i;
                            amt[c++] = price[i] + eps;
                        }
                    }
                }
            }
            bidCount[j] = c;
        }

        /** The {@code r}-th largest value (1-based) among documents cluster j does not hold, or NaN if fewer exist. */
        private double smallSelect(int j, int r) {
            double[] top = new double[r]; // descending
            int size = 0;
            int base = j * n;
            for (int i = 0; i < n; i++) {
                if (owner[i] == j) {
                    continue;
                }
                double v = -cost[base + i] - price[i];
                if (size < r) {
                    int p = size++;
                    while (p > 0 && top[p - 1] < v) {
                        top[p] = top[p - 1];
                        p--;
                    }
                    top[p] = v;
                } else if (v > top[r - 1]) {
                    int p = r - 1;
                    while (p > 0 && top[p - 1] < v) {
                        top[p] = top[p - 1];
                        p--;
                    }
                    top[p] = v;
                }
            }
            return size < r ? Double.NaN : top[r - 1];
        }
    }

    /** The value of rank {@code r} (0-based, descending) among {@code a[0, m)}; reorders {@code a}. */
    static double kthLargest(double[] a, int m, int r) {
        int lo = 0;
        int hi = m - 1;
        while (hi > lo) {
            int mid = (lo + hi) >>> 1;
            // median of three as pivot
            double x = a[lo];
            double y = a[mid];
            double z = a[hi];
            double pivot = x > y ? (y > z ? y : Math.min(x, z)) : (x > z ? x : Math.min(y, z));
            int i = lo;
            int jj = hi;
            while (i <= jj) {
                while (a[i] > pivot) {
                    i++;
                }
                while (a[jj] < pivot) {
                    jj--;
                }
                if (i <= jj) {
                    double t = a[i];
                    a[i] = a[jj];
                    a[jj] = t;
                    i++;
                    jj--;
                }
            }
            if (r <= jj) {
                hi = jj;
            } else if (r >= i) {
                lo = i;
            } else {
                return a[r];
            }
        }
        return a[r];
    }
}
