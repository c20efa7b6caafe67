package org.cbtm.smalltalk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BalancedAssignmentTest {

    @Test
    void partSizesDifferByAtMostOneEvenWhenEveryoneWantsOneExpert() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {7, 10, 33, 101}) {
            for (int e : new int[] {2, 3, 5}) {
                double[][] s = new double[n][e];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < e; j++) {
                        s[i][j] = -r.nextDouble() - (j == 0 ? 0 : 1); // expert 0 is everyone's favourite
                    }
                }
                int[] sizes = BalancedAssignment.assign(s).sizes();
                int min = java.util.Arrays.stream(sizes).min().orElseThrow();
                int max = java.util.Arrays.stream(sizes).max().orElseThrow();
                assertTrue(max - min <= 1, n + " over " + e + ": " + java.util.Arrays.toString(sizes));
                assertEquals(n, java.util.Arrays.stream(sizes).sum());
            }
        }
    }

    @Test
    void mostConfidentSequencesAreAssignedFirstAndGetTheirBestExpert() {
        // 4 sequences, 2 experts of capacity 2; all prefer expert 0, with confidence -1, -2, -3, -4 (best score)
        double[][] s = {{-3, -5}, {-1, -9}, {-4, -4.5}, {-2, -2.5}};
        BalancedAssignment.Result r = BalancedAssignment.assign(s);
        assertArrayEquals(new int[] {1, 3, 0, 2}, r.order());
        // the two most confident (1 and 3) take expert 0; the others get expert 1, which still has room
        assertArrayEquals(new int[] {1, 0, 1, 0}, r.assignment());
        for (int k = 1; k < r.order().length; k++) {
            int prev = r.order()[k - 1];
            int cur = r.order()[k];
            assertTrue(max(s[prev]) >= max(s[cur]), "order is most confident first");
        }
    }

    @Test
    void ordersByBestScoreAndFallsBackToTheBestExpertWithRoom() {
        double[][] s = {{-1, -2, -3}, {-1.5, -1.6, -9}, {-0.5, -8, -7}, {-2, -3, -2.5}};
        BalancedAssignment.Result r = BalancedAssignment.assign(s);
        // capacities 2,1,1 (4 over 3: one more for the expert most prefer, expert 0)
        assertArrayEquals(new int[] {2, 1, 1}, r.capacities());
        assertArrayEquals(new int[] {2, 0, 1, 3}, r.order());
        // 2 -> 0, 0 -> 0 (full now), 1 -> 1 (best with room), 3 -> 2 (0 and 1 full)
        assertArrayEquals(new int[] {0, 1, 0, 2}, r.assignment());
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> BalancedAssignment.assign(new double[0][]));
        assertThrows(IllegalArgumentException.class, () -> BalancedAssignment.assign(new double[][] {{0, 1}}));
        assertThrows(IllegalArgumentException.class, () -> BalancedAssignment.assign(new double[][] {{0, Double.NaN}, {0, 1}}));
    }

    private static double max(double[] a) {
        return java.util.Arrays.stream(a).max().orElseThrow();
    }
}
