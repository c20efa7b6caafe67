package org.cbtm.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
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
}
