package org.cbtm.cluster;

import java.util.Arrays;

/**
 * The balanced E-step of C-BTM (methods.md 1.2): assign N documents to K clusters with fixed capacities that sum
 * to N, minimising the total cost (squared distance): a balanced linear assignment, solved by an auction
 * (Bertsekas). Capacity {@code floor(N/K)} per cluster, plus one for the {@code N mod K} clusters most documents
 * prefer ({@link #capacities}), so sizes differ by at most one and nothing is dumped into cluster 0.
 *
 * <p>The auction: every cluster is {@code cap} identical places, each with its own price (a min-heap per
 * cluster). A document without a place values cluster {@code j} at {@code -cost - (cheapest place price of j)},
 * takes its best place and bids its price up by {@code best value - second best value + eps}, where the second
 * best is the next cluster or the second-cheapest place of the same cluster; the document that held that place
 * is displaced and bids again later. A round is one pass over the documents without a place: O(K) per bid, at most
 * O(K N) per round. This is the same assignment problem and eps as the reference, solved from the documents' side
 * (Gauss-Seidel) instead of the reference's rounds in which clusters bid for their best {@code cap} documents at
 * once; that form, implemented exactly here first, needed about 3000 rounds of O(K N) on 20k passages (60 times
 * the unbalanced E-step), because displaced documents move one per round.
 *
 * <p>Optimality: the result satisfies eps-complementary slackness, so its total cost is within {@code N * eps} of
 * the optimum of the balanced problem. The reference uses one phase with {@code eps = (max - min) / 50} of the
 * costs ({@link Options#reference()}). With eps scaling ({@link Options#scaled}), phases with decreasing eps reuse
 * the prices and end at a small final eps; with integer costs and a final eps below {@code 1/N} the result is
 * exactly optimal.
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
     * (document-major, as {@link Distances#all} writes it). {@code capacities} must sum to {@code n}; null means {@link #capacities} with the counts of
     * each document's cheapest cluster.
     */
    public static Result assign(double[] cost, int k, int n, int[] capacities, Options options) {
        return assign(cost, k, n, capacities, options, null);
    }

    /**
     * As {@link #assign(double[], int, int, int[], Options)}, starting every place of cluster {@code j} at price
     * {@code initialPrices[j]} (null: 0), e.g. the {@link Result#clusterPrices()} of the previous Lloyd iteration
     * (a warm start: any starting prices are valid, good ones save bids).
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
                    if (cost[i * k + j] < cost[i * k + best]) {
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
        if (initialPrices != null) {
            if (initialPrices.length != k) {
                throw new IllegalArgumentException("need " + k + " initial prices");
            }
            for (int j = 0; j < k; j++) {
                java.util.Arrays.fill(st.placePrice, st.heapStart[j], st.heapStart[j + 1], initialPrices[j]);
                st.minPrice[j] = cap[j] > 0 ? initialPrices[j] : 0;
            }
        }
        int rounds = 0;
        int phases = 0;
        long bids = 0;
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
            total += cost[i * k + st.owner[i]];
        }
        return new Result(st.owner.clone(), rounds, phases, eps, total, st.bids, st.minPrice.clone());
    }

    /** Mutable auction state: per cluster a binary min-heap of (place price, holder). */
    private static final class State {
        final double[] cost;
        final int k;
        final int n;
        final int[] cap;
        final int[] heapStart;     // cluster j's places are [heapStart[j], heapStart[j] + cap[j])
        final double[] placePrice;
        final int[] placeHolder;
        final int[] owner;
        final double[] minPrice;   // cheapest place of each cluster (heap root), kept in step
        int[] queue;
        long bids;

        State(double[] cost, int k, int n, int[] cap) {
            this.cost = cost;
            this.k = k;
            this.n = n;
            this.cap = cap;
            heapStart = new int[k + 1];
            for (int j = 0; j < k; j++) {
                heapStart[j + 1] = heapStart[j] + cap[j];
            }
            placePrice = new double[n];
            placeHolder = new int[n];
            Arrays.fill(placeHolder, -1);
            owner = new int[n];
            Arrays.fill(owner, -1);
            queue = new int[n];
            minPrice = new double[k];
        }

        void clearAssignment() {
            Arrays.fill(owner, -1);
            Arrays.fill(placeHolder, -1);
        }

        private double secondMinPrice(int j) {
            int s = heapStart[j];
            int c = cap[j];
            if (c < 2) {
                return Double.POSITIVE_INFINITY;
            }
            if (c == 2) {
                return placePrice[s + 1];
            }
            return Math.min(placePrice[s + 1], placePrice[s + 2]);
        }

        /** Replaces cluster j's cheapest place by (price, holder) and restores the heap; returns the old holder. */
        private int replaceMin(int j, double price, int holder) {
            int s = heapStart[j];
            int c = cap[j];
            int old = placeHolder[s];
            int pos = 0;
            while (true) {
                int l = 2 * pos + 1;
                if (l >= c) {
                    break;
                }
                int r = l + 1;
                int m = (r < c && placePrice[s + r] < placePrice[s + l]) ? r : l;
                if (placePrice[s + m] >= price) {
                    break;
                }
                placePrice[s + pos] = placePrice[s + m];
                placeHolder[s + pos] = placeHolder[s + m];
                pos = m;
            }
            placePrice[s + pos] = price;
            placeHolder[s + pos] = holder;
            minPrice[j] = placePrice[s];
            return old;
        }

        /** One eps phase; returns the number of rounds (passes over the documents without a place). */
        int runPhase(double eps) {
            int qn = 0;
            for (int i = 0; i < n; i++) {
                if (owner[i] < 0) {
                    queue[qn++] = i;
                }
            }
            int[] next = new int[n];
            int rounds = 0;
            while (qn > 0) {
                rounds++;
                int nn = 0;
                for (int q = 0; q < qn; q++) {
                    int i = queue[q];
                    int co = i * k;
                    int b1 = -1;
                    double v1 = Double.NEGATIVE_INFINITY;
                    double v2 = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        if (cap[j] == 0) {
                            continue;
                        }
                        double v = -cost[co + j] - minPrice[j];
                        if (v > v1) {
                            v2 = v1;
                            v1 = v;
                            b1 = j;
                        } else if (v > v2) {
                            v2 = v;
                        }
                    }
                    double same = -cost[co + b1] - secondMinPrice(b1);
                    if (same > v2) {
                        v2 = same;
                    }
                    double bid = v2 == Double.NEGATIVE_INFINITY ? minPrice[b1] + eps : minPrice[b1] + (v1 - v2) + eps;
                    bids++;
                    int displaced = replaceMin(b1, bid, i);
                    owner[i] = b1;
                    if (displaced >= 0) {
                        owner[displaced] = -1;
                        next[nn++] = displaced;
                    }
                }
                int[] t = queue;
                queue = next;
                next = t;
                qn = nn;
            }
            return rounds;
        }
    }
}
