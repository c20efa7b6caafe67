package org.cbtm.smalltalk;

import java.util.Arrays;

import org.cbtm.cluster.AuctionAssignment;

/**
 * SmallTalk's balanced re-split (methods 3): sort the sequences by their best score, most confident first, and give
 * each one to its best expert that still has room. Capacities are {@code floor(N/E)} per expert plus one for the
 * {@code N mod E} experts that most sequences prefer ({@link AuctionAssignment#capacities}, the same rule as C-BTM's
 * balanced E-step), so part sizes differ by at most one. Unlike C-BTM's auction this is the paper's greedy rule: it
 * is not an optimal balanced assignment, and it does not try to be.
 *
 * <p>Ties: sequences with equal best scores keep their input order; an expert ties with a lower-indexed one at equal
 * score, so the lower index wins. The result depends on nothing but the scores.
 */
public final class BalancedAssignment {

    /**
     * The assignment and the order it was made in.
     *
     * @param assignment {@code assignment[i]}: the expert of sequence i
     * @param order      the sequences in the order they were assigned (most confident first)
     * @param capacities the capacity of each expert (all of it is used)
     */
    public record Result(int[] assignment, int[] order, int[] capacities) {
        /** The number of sequences of each expert. */
        public int[] sizes() {
            int[] s = new int[capacities.length];
            for (int a : assignment) {
                s[a]++;
            }
            return s;
        }
    }

    private BalancedAssignment() {
    }

    /**
     * Assigns {@code scores.length} sequences to {@code scores[0].length} experts; higher scores are better (the
     * routers' log-likelihoods of the prefix). Needs at least as many sequences as experts, and finite scores.
     */
    public static Result assign(double[][] scores) {
        int n = scores.length;
        if (n == 0) {
            throw new IllegalArgumentException("no sequences to assign");
        }
        int e = scores[0].length;
        if (e < 1) {
            throw new IllegalArgumentException("need at least one expert");
        }
        int[] best = new int[n];
        double[] bestScore = new double[n];
        int[] preferred = new int[e];
        for (int i = 0; i < n; i++) {
            if (scores[i].length != e) {
                throw new IllegalArgumentException("sequence " + i + " has " + scores[i].length + " scores, sequence 0 has " + e);
            }
            int b = 0;
            for (int j = 0; j < e; j++) {
                double s = scores[i][j];
                if (Double.isNaN(s) || Double.isInfinite(s)) {
                    throw new IllegalArgumentException("score of sequence " + i + " for expert " + j + " is " + s);
                }
                if (s > scores[i][b]) {
                    b = j;
                }
            }
            best[i] = b;
            bestScore[i] = scores[i][b];
            preferred[b]++;
        }
        int[] cap = AuctionAssignment.capacities(n, e, preferred);
        int[] left = cap.clone();
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        // most confident first; a stable sort keeps the input order among equal scores
        Arrays.sort(boxed, (a, b) -> Double.compare(bestScore[b], bestScore[a]));
        int[] order = new int[n];
        int[] assignment = new int[n];
        for (int r = 0; r < n; r++) {
            int i = boxed[r];
            order[r] = i;
            int pick = -1;
            if (left[best[i]] > 0) {
                pick = best[i];
            } else {
                for (int j = 0; j < e; j++) {
                    if (left[j] > 0 && (pick < 0 || scores[i][j] > scores[i][pick])) {
                        pick = j;
                    }
                }
            }
            assignment[i] = pick;
            left[pick]--;
        }
        return new Result(assignment, order, cap);
    }
}
