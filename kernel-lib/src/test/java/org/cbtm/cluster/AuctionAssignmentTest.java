package org.cbtm.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.cbtm.math.DenseMatrix;
import org.junit.jupiter.api.Test;

class AuctionAssignmentTest {

    private static double[] randomCost(SplittableRandom r, int n, int k, boolean integer) {
        double[] c = new double[n * k];
        for (int i = 0; i < c.length; i++) {
            c[i] = integer ? r.nextInt(21) : r.nextDouble() * 4;
        }
        return c;
    }

    /** Minimum total cost over all assignments with the given capacities (exhaustive; small N only). */
    private static double bruteForce(double[] cost, int n, int k, int[] cap) {
        return search(cost, n, k, cap.clone(), 0);
    }

    private static double search(double[] cost, int n, int k, int[] left, int i) {
        if (i == n) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            if (left[j] > 0) {
                left[j]--;
                best = Math.min(best, cost[i * k + j] + search(cost, n, k, left, i + 1));
                left[j]++;
            }
        }
        return best;
    }

    @Test
    void sizesAreExactWhenKDividesNAndWithinOneOtherwise() {
        SplittableRandom r = new SplittableRandom(1);
        for (int trial = 0; trial < 40; trial++) {
            int k = 1 + r.nextInt(8);
            int n = k + r.nextInt(300);
            double[] cost = randomCost(r, n, k, false);
            int[] a = AuctionAssignment.assign(cost, k, n).assignment();
            int[] sizes = ClusterAnalytics.counts(a, k);
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int s : sizes) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
            if (n % k == 0) {
                assertEquals(n / k, min);
                assertEquals(n / k, max);
            } else {
                assertEquals(n / k, min);
                assertEquals(n / k + 1, max);
            }
        }
    }

    @Test
    void remainderGoesToTheMostPreferredClusters() {
        int[] cap = AuctionAssignment.capacities(10, 4, new int[] {1, 6, 0, 4});
        assertArrayEquals(new int[] {2, 3, 2, 3}, cap); // 10 = 4 * 2 + 2: clusters 1 and 3 are preferred most
        assertArrayEquals(new int[] {3, 3, 2, 2}, AuctionAssignment.capacities(10, 4, null));
        assertThrows(IllegalArgumentException.class, () -> AuctionAssignment.capacities(3, 4, null));
        assertThrows(IllegalArgumentException.class, () -> AuctionAssignment.capacities(3, 0, null));
    }

    /**
     * With integer costs and eps scaling down to a final eps below 1/N, eps-complementary slackness implies exact
     * optimality (Bertsekas): the total cost must equal the brute-force optimum.
     */
    @Test
    void epsScaledAuctionIsExactlyOptimalOnIntegerCosts() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 60; trial++) {
            int k = 2 + r.nextInt(2);
            int n = k + r.nextInt(9 - k);
            double[] cost = randomCost(r, n, k, true);
            int[] cap = AuctionAssignment.capacities(n, k, null);
            double range = 20;
            var opts = AuctionAssignment.Options.scaled(1.0 / ((n + 1) * range));
            var res = AuctionAssignment.assign(cost, k, n, cap, opts);
            assertEquals(bruteForce(cost, n, k, cap), res.totalCost(), 1e-9, "trial " + trial);
            assertArrayEquals(cap, ClusterAnalytics.counts(res.assignment(), k));
        }
    }

    /**
     * The reference eps, (max - min) / 50, gives an eps-optimal assignment: its total cost is at most N * eps
     * above the optimum (not necessarily optimal; that is the reference's accuracy).
     */
    @Test
    void referenceEpsIsWithinNEpsOfTheOptimum() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 60; trial++) {
            int k = 2 + r.nextInt(2);
            int n = k + r.nextInt(9 - k);
            double[] cost = randomCost(r, n, k, false);
            int[] cap = AuctionAssignment.capacities(n, k, null);
            var res = AuctionAssignment.assign(cost, k, n, cap, AuctionAssignment.Options.reference());
            double opt = bruteForce(cost, n, k, cap);
            assertTrue(res.totalCost() >= opt - 1e-9);
            assertTrue(res.totalCost() <= opt + n * res.eps() + 1e-9, "trial " + trial);
        }
    }

    @Test
    void deterministic() {
        SplittableRandom r = new SplittableRandom(3);
        double[] cost = randomCost(r, 500, 7, false);
        assertArrayEquals(AuctionAssignment.assign(cost, 7, 500).assignment(),
                AuctionAssignment.assign(cost, 7, 500).assignment());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> AuctionAssignment.assign(new double[0], 1, 0));
        assertThrows(IllegalArgumentException.class, () -> AuctionAssignment.assign(new double[3], 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> AuctionAssignment.assign(new double[] {0, Double.NaN}, 1, 2));
    }

    /** No centres is a clear error, not a division by zero (N mod K). */
    @Test
    void zeroCentresAreRejectedWithAClearMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> AuctionAssignment.assign(new DenseMatrix(3, 2),
                new DenseMatrix(0, 2), AuctionAssignment.Options.reference(), null));
        assertTrue(e.getMessage().contains("K must be >= 1, got 0 centres"), e.getMessage());
        assertTrue(e.getMessage().contains("pass at least one centre"), e.getMessage());
    }

    /**
     * Fingerprints (hashes of the assignment, the prices, the warm-started assignment and the total) of ordinary
     * instances, recorded with the solver before costs near the double range were scaled (e30d5b4): ordinary costs
     * take the same path, bit for bit, with the SIMD and the scalar kernels alike.
     */
    @Test
    void ordinaryCostsGiveTheAssignmentsOfBefore() {
        int[][] want = {
            {-719830753, 746252461, -719830753, -648094335},
            {-719830753, 746252461, -719830753, -648094335},
            {1224018119, 619084560, -1726284485, 346777644},
            {-593558303, 45250003, -593558303, 998228607},
            {-1822470312, -445886746, -1822470312, 237165789},
            {523430128, -1137628996, 2099668938, 697686043},
            {-845056707, 2111290369, -845056707, 1088586023},
            {-169766239, 487292379, 533026147, 502549519},
        };
        SplittableRandom r = new SplittableRandom(31);
        int row = 0;
        for (int[] nk : new int[][] {{7, 3}, {300, 5}, {5003, 16}, {20000, 32}}) {
            int n = nk[0];
            int k = nk[1];
            double[] cost = randomCost(r, n, k, false);
            for (var opts : new AuctionAssignment.Options[] {AuctionAssignment.Options.reference(),
                    AuctionAssignment.Options.scaled(1e-4)}) {
                var res = AuctionAssignment.assign(cost, k, n, null, opts);
                var warm = AuctionAssignment.assign(cost, k, n, null, opts, res.clusterPrices());
                int[] got = {Arrays.hashCode(res.assignment()), Arrays.hashCode(res.clusterPrices()),
                        Arrays.hashCode(warm.assignment()), Double.hashCode(res.totalCost())};
                assertArrayEquals(want[row], got, "N = " + n + ", K = " + k + ", " + opts);
                row++;
            }
        }
    }

    /**
     * Costs times a power of two near the double range (where max - min + eps used to overflow) are the same problem:
     * the same assignment, with eps, prices and total times the same power of two, from cold and from warm prices.
     */
    @Test
    void costsNearTheDoubleRangeGiveTheAssignmentOfTheUnscaledCosts() {
        SplittableRandom r = new SplittableRandom(32);
        for (int[] nk : new int[][] {{9, 3}, {3000, 8}}) {
            int n = nk[0];
            int k = nk[1];
            double[] cost = randomCost(r, n, k, false);
            double[] big = new double[cost.length];
            for (int i = 0; i < cost.length; i++) {
                big[i] = Math.scalb(cost[i], 1020); // up to 4 * 2^1020, about 4.5e307
            }
            double[] bigCopy = big.clone();
            for (var opts : new AuctionAssignment.Options[] {AuctionAssignment.Options.reference(),
                    AuctionAssignment.Options.scaled(1e-4)}) {
                var small = AuctionAssignment.assign(cost, k, n, null, opts);
                var large = AuctionAssignment.assign(big, k, n, null, opts);
                assertArrayEquals(small.assignment(), large.assignment());
                assertEquals(Math.scalb(small.eps(), 1020), large.eps(), 0.0);
                assertEquals(Math.scalb(small.totalCost(), 1020), large.totalCost(), 0.0);
                assertArrayEquals(scalb(small.clusterPrices(), 1020), large.clusterPrices(), 0.0);
                var warmSmall = AuctionAssignment.assign(cost, k, n, null, opts, small.clusterPrices());
                var warmLarge = AuctionAssignment.assign(big, k, n, null, opts, large.clusterPrices());
                assertArrayEquals(warmSmall.assignment(), warmLarge.assignment());
            }
            assertArrayEquals(bigCopy, big, 0.0, "the caller's costs are not changed");
        }
    }

    private static double[] scalb(double[] v, int e) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.scalb(v[i], e);
        }
        return out;
    }

    /**
     * Finite costs of both signs near +-Double.MAX_VALUE, whose range overflows a double: solved, within N eps of the
     * brute-force optimum, with prices that certify it (all checked in units of 2^-4, where the sums fit).
     */
    @Test
    void costsWhoseRangeOverflowsAreSolved() {
        var twoByTwo = AuctionAssignment.assign(new double[] {-1e308, 1e308, -1e308, 1e308}, 2, 2);
        assertArrayEquals(new int[] {1, 1}, ClusterAnalytics.counts(twoByTwo.assignment(), 2));
        assertEquals(0.0, twoByTwo.totalCost(), 0.0);
        SplittableRandom r = new SplittableRandom(33);
        for (int trial = 0; trial < 60; trial++) {
            int k = 2 + r.nextInt(2);
            int n = k + r.nextInt(9 - k);
            double[] cost = new double[n * k];
            for (int i = 0; i < cost.length; i++) {
                cost[i] = (2 * r.nextDouble() - 1) * 0.9 * Double.MAX_VALUE;
            }
            cost[0] = -0.9 * Double.MAX_VALUE;
            cost[1] = 0.9 * Double.MAX_VALUE;
            var opts = trial % 2 == 0 ? AuctionAssignment.Options.reference() : AuctionAssignment.Options.scaled(1e-6);
            var res = AuctionAssignment.assign(cost, k, n, null, opts);
            double[] c = scalb(cost, -4);
            int[] cap = AuctionAssignment.capacities(n, k, nearestCounts(cost, k, n));
            assertArrayEquals(cap, ClusterAnalytics.counts(res.assignment(), k));
            double eps = Math.scalb(res.eps(), -4);
            double[] p = scalb(res.clusterPrices(), -4);
            double total = 0;
            for (int i = 0; i < n; i++) {
                int a = res.assignment()[i];
                total += c[i * k + a];
                double best = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    best = Math.min(best, c[i * k + j] + p[j]);
                }
                assertTrue(c[i * k + a] + p[a] <= best + eps * (1 + 1e-9), "trial " + trial + ", row " + i);
            }
            double opt = bruteForce(c, n, k, cap);
            assertTrue(total >= opt * (1 + 1e-12) - 1e-12 * Double.MAX_VALUE, "trial " + trial);
            assertTrue(total <= opt + n * eps * (1 + 1e-9), "trial " + trial);
        }
    }

    /** What cannot be scaled exactly, or certified by prices that fit in a double, is refused with the range. */
    @Test
    void costRangesBeyondTheDoublesAreRefusedClearly() {
        double max = Double.MAX_VALUE;
        var prices = assertThrows(IllegalArgumentException.class,
                () -> AuctionAssignment.assign(new double[] {-max, max, -max, max}, 2, 2));
        assertTrue(prices.getMessage().contains("cost range is too large"), prices.getMessage());
        assertTrue(prices.getMessage().contains("range 3.595E+308"), prices.getMessage());
        // a subnormal cost would lose bits when the costs are scaled down
        var tiny = assertThrows(IllegalArgumentException.class,
                () -> AuctionAssignment.assign(new double[] {-1e308, 1e308, -1e308, Double.MIN_VALUE}, 2, 2));
        assertTrue(tiny.getMessage().contains("range 2.000E+308"), tiny.getMessage());
        var eps = assertThrows(IllegalArgumentException.class, () -> AuctionAssignment.assign(
                new double[] {0, 1e300, 1e300, 0}, 2, 2, null, new AuctionAssignment.Options(1e300, 1e300, 4)));
        assertTrue(eps.getMessage().contains("cost range is too large"), eps.getMessage());
    }

    /** Points so far out that the squared distances come near the double range: the same as the points unscaled. */
    @Test
    void pointsNearTheDoubleRangeAreSolved() {
        SplittableRandom r = new SplittableRandom(34);
        int n = 3000;
        int k = 8;
        DenseMatrix x = clumpedPoints(r, n, 12, k);
        DenseMatrix c = x.selectRows(KMeans.randomDocumentIndices(n, k, 5));
        DenseMatrix xs = x.copy();
        DenseMatrix cs = c.copy();
        for (DenseMatrix m : new DenseMatrix[] {xs, cs}) {
            for (int i = 0; i < m.rows(); i++) {
                for (int j = 0; j < m.cols(); j++) {
                    m.set(i, j, Math.scalb(m.get(i, j), 505)); // squared distances times 2^1010, up to about 1e306
                }
            }
        }
        var opts = AuctionAssignment.Options.reference();
        var small = AuctionAssignment.assign(x, c, opts, null);
        var large = AuctionAssignment.assign(xs, cs, opts, null);
        double[] cost = Distances.all(x, c);
        assertEpsOptimal(cost, k, n, new AuctionAssignment.Result(large.assignment(), 0, 0,
                Math.scalb(large.eps(), -1010), 0, 0, scalb(large.clusterPrices(), -1010)));
        assertEquals(Math.scalb(small.eps(), 1010), large.eps(), 1e-12 * large.eps());
        // from warm prices there are no sample levels: the very same steps
        var warmSmall = AuctionAssignment.assign(x, c, opts, small.clusterPrices());
        var warmLarge = AuctionAssignment.assign(xs, cs, opts, scalb(small.clusterPrices(), 1010));
        assertArrayEquals(warmSmall.assignment(), warmLarge.assignment());
    }

    /** Points in clumps around {@code k} random directions, so that the nearest-centre sizes are far from balanced. */
    private static DenseMatrix clumpedPoints(SplittableRandom r, int n, int dims, int clumps) {
        double[][] dir = new double[clumps][dims];
        for (double[] d : dir) {
            for (int j = 0; j < dims; j++) {
                d[j] = r.nextGaussian();
            }
        }
        DenseMatrix x = new DenseMatrix(n, dims);
        for (int i = 0; i < n; i++) {
            double[] d = dir[r.nextInt(1 + r.nextInt(clumps))]; // skewed: low clumps are much more frequent
            for (int j = 0; j < dims; j++) {
                x.set(i, j, d[j] + 0.6 * r.nextGaussian());
            }
        }
        return x;
    }

    /**
     * The certificate of the guarantee: with the returned prices, every document's cost plus its cluster's price is
     * within eps of its cheapest cost plus price, and the sizes are the capacities (so the total is within N eps of
     * the optimum).
     */
    private static void assertEpsOptimal(double[] cost, int k, int n, AuctionAssignment.Result res) {
        double[] p = res.clusterPrices();
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                best = Math.min(best, cost[i * k + j] + p[j]);
            }
            int a = res.assignment()[i];
            assertTrue(cost[i * k + a] + p[a] <= best + res.eps() * (1 + 1e-9) + 1e-12, "row " + i);
        }
        int[] sizes = ClusterAnalytics.counts(res.assignment(), k);
        assertArrayEquals(AuctionAssignment.capacities(n, k, nearestCounts(cost, k, n)), sizes);
    }

    private static int[] nearestCounts(double[] cost, int k, int n) {
        int[] c = new int[k];
        for (int i = 0; i < n; i++) {
            int b = 0;
            for (int j = 1; j < k; j++) {
                if (cost[i * k + j] < cost[i * k + b]) {
                    b = j;
                }
            }
            c[b]++;
        }
        return c;
    }

    /**
     * The raises sweep the rows in parallel blocks: the result must not depend on the number of threads, from cold
     * prices (sample levels beside the distances) and from the warm prices of slightly different centres (the full
     * level alone).
     */
    @Test
    void sameResultOnOneThreadAsOnSeveral() throws Exception {
        SplittableRandom r = new SplittableRandom(8);
        int n = 20000;
        int k = 32;
        DenseMatrix x = clumpedPoints(r, n, 12, k);
        DenseMatrix c = x.selectRows(KMeans.randomDocumentIndices(n, k, 3));
        DenseMatrix moved = new DenseMatrix(k, 12);
        for (int j = 0; j < k; j++) {
            for (int d = 0; d < 12; d++) {
                moved.set(j, d, c.get(j, d) + 0.05 * r.nextGaussian());
            }
        }
        var opts = AuctionAssignment.Options.scaled(1e-4); // eps scaling: phases with narrow bands need raises
        double[] warmPrices = AuctionAssignment.assign(x, moved, opts, null).clusterPrices();
        double[] cost = Distances.all(x, c);
        for (double[] start : new double[][] {null, warmPrices}) {
            AuctionAssignment.Result one;
            AuctionAssignment.Result three;
            java.util.concurrent.ForkJoinPool p1 = new java.util.concurrent.ForkJoinPool(1);
            java.util.concurrent.ForkJoinPool p3 = new java.util.concurrent.ForkJoinPool(3);
            try {
                one = p1.submit(() -> AuctionAssignment.assign(x, c, opts, start)).get();
                three = p3.submit(() -> AuctionAssignment.assign(x, c, opts, start)).get();
            } finally {
                p1.shutdown();
                p3.shutdown();
            }
            assertTrue(one.rounds() > 0, "the instance needs price raises");
            assertEpsOptimal(cost, k, n, one);
            assertArrayEquals(one.assignment(), three.assignment());
            assertArrayEquals(one.clusterPrices(), three.clusterPrices());
            assertEquals(one.bids(), three.bids());
        }
    }

    /** Large enough for the nested sample levels (and, from points, the coarse levels beside the distances). */
    @Test
    void largeInstancesAreEpsOptimalFromCostsAndFromPoints() {
        SplittableRandom r = new SplittableRandom(21);
        for (int[] nk : new int[][] {{3000, 8}, {5003, 16}, {20000, 32}}) {
            int n = nk[0];
            int k = nk[1];
            DenseMatrix x = clumpedPoints(r, n, 12, k);
            DenseMatrix c = x.selectRows(KMeans.randomDocumentIndices(n, k, 5));
            double[] cost = Distances.all(x, c);
            var opts = AuctionAssignment.Options.reference();
            var fromCost = AuctionAssignment.assign(cost, k, n, null, opts);
            assertEpsOptimal(cost, k, n, fromCost);
            var fromPoints = AuctionAssignment.assign(x, c, opts, null);
            assertEquals(fromCost.eps(), fromPoints.eps(), 1e-12 * fromCost.eps(), "the same eps: range / 50");
            assertEpsOptimal(cost, k, n, fromPoints);
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += cost[i * k + fromPoints.assignment()[i]];
            }
            assertEquals(total, fromPoints.totalCost(), 1e-9 * total);
            // a warm start (the prices of the previous iteration) and determinism
            var warm = AuctionAssignment.assign(x, c, opts, fromPoints.clusterPrices());
            assertEpsOptimal(cost, k, n, warm);
            assertArrayEquals(warm.assignment(), AuctionAssignment.assign(x, c, opts, fromPoints.clusterPrices())
                    .assignment());
            assertArrayEquals(fromPoints.assignment(), AuctionAssignment.assign(x, c, opts, null).assignment());
        }
    }

    @Test
    void reducedCostsHaveTheDistancesRangeAndNearestCentre() {
        SplittableRandom r = new SplittableRandom(22);
        DenseMatrix x = clumpedPoints(r, 777, 9, 5);
        DenseMatrix c = x.selectRows(new int[] {1, 50, 300, 600, 700});
        double[] d = Distances.all(x, c);
        double[] norms = new double[777];
        double[] range = new double[2];
        double[] red = Distances.reduced(x, c, norms, range);
        double mn = Double.POSITIVE_INFINITY;
        double mx = Double.NEGATIVE_INFINITY;
        int[] nearest = Distances.nearest(x, c, null);
        for (int i = 0; i < 777; i++) {
            int b = 0;
            for (int j = 0; j < 5; j++) {
                assertEquals(d[i * 5 + j], Math.max(0, red[i * 5 + j] + norms[i]), 1e-12);
                mn = Math.min(mn, d[i * 5 + j]);
                mx = Math.max(mx, d[i * 5 + j]);
                if (red[i * 5 + j] < red[i * 5 + b]) {
                    b = j;
                }
            }
            assertEquals(b, nearest[i]);
        }
        assertEquals(mn, range[0], 0.0);
        assertEquals(mx, range[1], 0.0);
        DenseMatrix bad = x.copy();
        bad.set(400, 3, Double.NaN);
        assertThrows(IllegalArgumentException.class,
                () -> AuctionAssignment.assign(bad, c, AuctionAssignment.Options.reference(), null));
    }
}
