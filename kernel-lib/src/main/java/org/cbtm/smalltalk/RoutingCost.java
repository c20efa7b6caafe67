package org.cbtm.smalltalk;

import java.util.Locale;

/**
 * What routing cost a hard prefix router since its last reset: the sequences it routed, the tokens its scorers read
 * (summed over routers: E router LMs each read the prefix) and the seconds it spent.
 */
public record RoutingCost(long sequences, long routerTokens, double routerSeconds) {

    /** Router tokens scored per routed sequence (E x min(M, n) for router LMs). */
    public double routerTokensPerSequence() {
        return sequences == 0 ? 0 : (double) routerTokens / sequences;
    }

    /** The router's share of {@code totalSeconds} (e.g. an ensemble's router + expert + mixing time). */
    public double timeShare(double totalSeconds) {
        return totalSeconds <= 0 ? 0 : Math.min(1, routerSeconds / totalSeconds);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d sequences, %.1f router tokens per sequence, %.3f s", sequences,
                routerTokensPerSequence(), routerSeconds);
    }
}
