package org.cbtm.smalltalk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cbtm.btm.BtmClaims;
import org.cbtm.btm.BtmClaims.Claim;
import org.cbtm.btm.BtmClaims.Verdict;

import tech.tablesaw.api.Table;

/**
 * SmallTalk's claims (methods 3) with verdicts computed from a run's numbers, in the shape of {@link BtmClaims}: yes
 * when every comparison of a claim holds, partly when some do, no when none does. Each claim's text states what was
 * compared, with the numbers. Perplexities are lower-is-better.
 */
public final class SmallTalkClaims {

    /** "About equal" inference cost: the mixture's parameters per token at most this much above dense's. */
    public static final double EQUAL_COST_TOLERANCE = 0.10;
    /** "Hardly matters": every router size within this of the best one's perplexity. */
    public static final double ROUTER_SIZE_TOLERANCE = 0.02;

    /** The mixture against dense for one expert kind, with their inference parameters per token (routers counted). */
    public record Comparison(String expertKind, double mixture, double dense, double mixtureParams, double denseParams) {
        boolean better() {
            return mixture < dense;
        }

        boolean aboutEqualCost() {
            return mixtureParams <= (1 + EQUAL_COST_TOLERANCE) * denseParams;
        }
    }

    /** One point of a sweep: the swept value (E, router size, M) and the perplexity there. */
    public record Point(String label, double value, double perplexity) {
    }

    private SmallTalkClaims() {
    }

    /** Claim 1: the mixture beats dense at equal training FLOPs and about equal inference cost. */
    public static Claim beatsDense(List<Comparison> comparisons) {
        requireSome(comparisons);
        List<Boolean> checks = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (Comparison c : comparisons) {
            // one check per expert kind: lower perplexity at about equal inference cost, both or nothing
            checks.add(c.better() && c.aboutEqualCost());
            parts.add(String.format(Locale.ROOT, "%s: mixture %.2f vs dense %.2f (%+.1f%%), inference parameters per "
                            + "token %,.0f vs %,.0f (%+.1f%%)", c.expertKind(), c.mixture(), c.dense(),
                    100 * (c.mixture() / c.dense() - 1), c.mixtureParams(), c.denseParams(),
                    100 * (c.mixtureParams() / c.denseParams() - 1)));
        }
        return new Claim("The mixture beats dense at equal training FLOPs and about equal inference cost",
                "a SmallTalk mixture trained on the same total tokens as the dense model has lower perplexity, with one "
                        + "expert plus small routers running per sequence (about the dense model's inference cost; here within "
                        + Math.round(100 * EQUAL_COST_TOLERANCE) + "%)",
                String.join("; ", parts), Verdict.of(checks), kinds(comparisons));
    }

    /**
     * Claim 2: the gain over dense grows with E. {@code points}: E (value) and the mixture's perplexity, in
     * increasing E; each step to a larger E must lower the perplexity, and each E must beat dense.
     */
    public static Claim gainsGrowWithExperts(String expertKind, List<Point> points, double dense) {
        if (points.size() < 2) {
            throw new IllegalArgumentException("gains against E need at least two values of E, got " + points.size());
        }
        List<Boolean> checks = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            checks.add(p.perplexity() < dense);
            if (i > 0) {
                checks.add(p.perplexity() < points.get(i - 1).perplexity());
            }
            parts.add(String.format(Locale.ROOT, "%s %.2f (%+.1f%%)", p.label(), p.perplexity(),
                    100 * (p.perplexity() / dense - 1)));
        }
        return new Claim("The gain over dense grows with the number of experts E",
                "more experts at the same total training tokens give lower perplexity",
                String.format(Locale.ROOT, "%s, vs dense %.2f: %s", expertKind, dense, String.join(", ", parts)),
                Verdict.of(checks), expertKind);
    }

    /** Claim 3: the router's size hardly matters (every size within {@link #ROUTER_SIZE_TOLERANCE} of the best). */
    public static Claim routerSizeHardlyMatters(String expertKind, List<Point> sizes) {
        if (sizes.size() < 2) {
            throw new IllegalArgumentException("router sizes need at least two points, got " + sizes.size());
        }
        double best = sizes.stream().mapToDouble(Point::perplexity).min().orElseThrow();
        List<Boolean> checks = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (Point p : sizes) {
            checks.add(p.perplexity() <= (1 + ROUTER_SIZE_TOLERANCE) * best);
            parts.add(String.format(Locale.ROOT, "%s (%,.0f router parameters) %.2f", p.label(), p.value(), p.perplexity()));
        }
        return new Claim("The router's size hardly matters",
                "small and larger routers give about the same perplexity (here: within "
                        + Math.round(100 * ROUTER_SIZE_TOLERANCE) + "% of the best)",
                expertKind + ": " + String.join(", ", parts), Verdict.of(checks), expertKind);
    }

    /** Claim 4: routing with a shorter prefix still beats dense. {@code prefixes}: M (value) and the perplexity. */
    public static Claim shortPrefixBeatsDense(String expertKind, List<Point> prefixes, double dense) {
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("no prefix lengths to compare");
        }
        List<Boolean> checks = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (Point p : prefixes) {
            checks.add(p.perplexity() < dense);
            parts.add(String.format(Locale.ROOT, "M = %.0f: %.2f (%+.1f%%)", p.value(), p.perplexity(),
                    100 * (p.perplexity() / dense - 1)));
        }
        return new Claim("Routing with a shorter prefix still beats dense",
                "the mixture beats the dense model even when the routers read fewer tokens than in training",
                String.format(Locale.ROOT, "%s, dense %.2f: %s", expertKind, dense, String.join(", ", parts)),
                Verdict.of(checks), expertKind);
    }

    /**
     * Claim 5: router-LM routing beats tf-idf routing on the same experts, especially for short prefixes. Each M must
     * favour the router LMs, and the relative gain at the shortest M must be at least that at the longest.
     * {@code routerLm} and {@code tfidf}: the same M values (value), in increasing M.
     */
    public static Claim routerLmBeatsTfidf(String expertKind, List<Point> routerLm, List<Point> tfidf) {
        if (routerLm.size() != tfidf.size() || routerLm.isEmpty()) {
            throw new IllegalArgumentException("router-LM and tf-idf routing need the same prefix lengths, got "
                    + routerLm.size() + " and " + tfidf.size());
        }
        List<Boolean> checks = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < routerLm.size(); i++) {
            Point r = routerLm.get(i);
            Point t = tfidf.get(i);
            if (r.value() != t.value()) {
                throw new IllegalArgumentException("prefix lengths differ at " + i + ": " + r.value() + " and " + t.value());
            }
            checks.add(r.perplexity() < t.perplexity());
            parts.add(String.format(Locale.ROOT, "M = %.0f: %.2f vs %.2f", r.value(), r.perplexity(), t.perplexity()));
        }
        int last = routerLm.size() - 1;
        double shortGain = tfidf.get(0).perplexity() / routerLm.get(0).perplexity() - 1;
        double longGain = tfidf.get(last).perplexity() / routerLm.get(last).perplexity() - 1;
        if (last > 0) {
            checks.add(shortGain >= longGain);
        }
        return new Claim("Router-LM routing beats tf-idf routing, especially for short prefixes",
                "routing by the router LMs' prefix likelihood gives lower perplexity than tf-idf routing of the same "
                        + "experts, with the largest gap for short prefixes",
                String.format(Locale.ROOT, "%s, router LMs vs tf-idf centroids: %s; tf-idf's excess %+.1f%% at the "
                        + "shortest M, %+.1f%% at the longest", expertKind, String.join(", ", parts), 100 * shortGain,
                        100 * longGain), Verdict.of(checks), expertKind);
    }

    /** The claims as {@code figures/13-claims.csv} keeps them (the columns of {@link BtmClaims#csvTable}). */
    public static Table csvTable(List<Claim> claims, String profile) {
        return BtmClaims.csvTable(claims, profile).setName("SmallTalk claims");
    }

    private static String kinds(List<Comparison> comparisons) {
        return String.join(", ", comparisons.stream().map(Comparison::expertKind).distinct().toList());
    }

    private static void requireSome(List<Comparison> comparisons) {
        if (comparisons.isEmpty()) {
            throw new IllegalArgumentException("a claim needs at least one comparison");
        }
    }
}
