package org.cbtm.btm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * BTM's claims (methods 2) with a verdict computed from a run's numbers: yes (the claim holds in every comparison
 * made), partly (in some), no (in none). Each claim states what it compared, with the numbers, so that the verdict
 * can be checked by reading the row. Perplexities are lower-is-better.
 */
public final class BtmClaims {

    /** A verdict, as the claims tables write it. */
    public enum Verdict {
        YES, PARTLY, NO;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** yes when every check holds, no when none does, partly otherwise. */
        public static Verdict of(List<Boolean> checks) {
            long held = checks.stream().filter(b -> b).count();
            return held == checks.size() ? YES : held == 0 ? NO : PARTLY;
        }
    }

    /** One claim with its measurement. */
    public record Claim(String claim, String paper, String measured, Verdict verdict, String expertKind) {
    }

    /** One comparison of a BTM model against a baseline at equal training compute. */
    public record Comparison(String expertKind, double btm, double baseline) {
        boolean better() {
            return btm < baseline;
        }

        String text(String what, String against) {
            return String.format(Locale.ROOT, "%s: %s %.2f vs %s %.2f (%+.1f%%)", expertKind, what, btm, against,
                    baseline, 100 * (btm / baseline - 1));
        }
    }

    private BtmClaims() {
    }

    /** Claim 1: the ELM ensemble (domain posterior) beats the dense LM trained with the same tokens. */
    public static Claim ensembleBeatsDense(List<Comparison> comparisons) {
        requireSome(comparisons);
        List<Boolean> checks = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (Comparison c : comparisons) {
            checks.add(c.better());
            parts.add(c.text("ensemble", "dense"));
        }
        return new Claim("The ELM ensemble beats the dense LM at equal training compute",
                "the domain-posterior ensemble of ELMs has lower perplexity than the dense (transformer-LM) baseline trained on the same tokens",
                String.join("; ", parts), Verdict.of(checks), kinds(comparisons));
    }

    /**
     * Claim 2: posterior-weighted parameter averaging beats uniform averaging and approaches the ensemble ("approaches":
     * it closes at least half of the gap between the uniform average and the ensemble).
     */
    public static Claim posteriorAveragingBeatsUniform(String expertKind, double posteriorAverage, double uniformAverage,
                                                       double ensemble, double dense) {
        boolean beats = posteriorAverage < uniformAverage;
        double gap = uniformAverage - ensemble;
        double closed = gap > 0 ? (uniformAverage - posteriorAverage) / gap : Double.NaN;
        boolean approaches = gap > 0 && closed >= 0.5;
        String measured = String.format(Locale.ROOT, "%s: posterior-weighted average %.2f, uniform average %.2f, "
                        + "ensemble %.2f, dense %.2f; the posterior weights close %s of the uniform average's gap to the ensemble",
                expertKind, posteriorAverage, uniformAverage, ensemble, dense,
                Double.isNaN(closed) ? "none (the uniform average is not worse than the ensemble)"
                        : String.format(Locale.ROOT, "%.0f%%", 100 * closed));
        return new Claim("Posterior-weighted parameter averaging beats uniform averaging and approaches the ensemble",
                "uniform averaging does poorly; averaging with the domain posterior's weights is far better, beats dense at no extra inference cost, and comes close to the ensemble",
                measured, Verdict.of(List.of(beats, approaches)), expertKind);
    }

    /**
     * Claim 3: a new domain's ELM branched from the posterior-weighted average beats one branched from the seed, at
     * the end of the same budget and at every evaluated step.
     *
     * @param averageCurve held-out perplexities of the average-initialised run at the evaluated steps (step 0 first)
     * @param seedCurve    those of the seed-initialised run at the same steps
     */
    public static Claim averageBranchBeatsSeed(String expertKind, double[] averageCurve, double[] seedCurve) {
        if (averageCurve.length != seedCurve.length || averageCurve.length == 0) {
            throw new IllegalArgumentException("the two curves must have the same evaluated steps, got "
                    + averageCurve.length + " and " + seedCurve.length + " points");
        }
        int last = averageCurve.length - 1;
        boolean atEnd = averageCurve[last] < seedCurve[last];
        int below = 0;
        for (int i = 0; i < averageCurve.length; i++) {
            below += averageCurve[i] < seedCurve[i] ? 1 : 0;
        }
        String measured = String.format(Locale.ROOT, "%s: held-out perplexity of the new domain after the same budget "
                        + "%.2f (from the weighted average) vs %.2f (from the seed), at the start %.2f vs %.2f; lower at %d of %d "
                        + "evaluated steps", expertKind, averageCurve[last], seedCurve[last], averageCurve[0], seedCurve[0],
                below, averageCurve.length);
        return new Claim("Branching a new ELM from the posterior-weighted average beats branching from the seed",
                "initialising a new domain's ELM from the weighted average of existing ELMs gives lower perplexity than the seed at equal training steps",
                measured, Verdict.of(List.of(atEnd, below == averageCurve.length)), expertKind);
    }

    /**
     * Claim 4: random data splits do not work: an ensemble of ELMs trained on random splits (same K, same budget) is
     * worse than the metadata-domain ELMs and no better than dense (within 1%).
     */
    public static Claim randomSplitsDoNotWork(String expertKind, double randomSplits, double domains, double dense) {
        boolean worseThanDomains = randomSplits > domains;
        boolean notBetterThanDense = randomSplits >= 0.99 * dense;
        String measured = String.format(Locale.ROOT, "%s: random splits %.2f, metadata domains %.2f, dense %.2f "
                        + "(random vs domains %+.1f%%, vs dense %+.1f%%)", expertKind, randomSplits, domains, dense,
                100 * (randomSplits / domains - 1), 100 * (randomSplits / dense - 1));
        return new Claim("Random data splits do not work",
                "ELMs trained on random splits of the data (same number, same budget) lose the ensemble's gains: specialisation matters",
                measured, Verdict.of(List.of(worseThanDomains, notBetterThanDense)), expertKind);
    }

    /** The claims as {@code figures/12-claims.csv} keeps them: claim, paper, measured, verdict, expert kind, profile. */
    public static Table csvTable(List<Claim> claims, String profile) {
        StringColumn claim = StringColumn.create("claim");
        StringColumn paper = StringColumn.create("paper");
        StringColumn measured = StringColumn.create("measured");
        StringColumn verdict = StringColumn.create("verdict");
        StringColumn kind = StringColumn.create("expert kind");
        StringColumn prof = StringColumn.create("profile");
        int n = 1;
        for (Claim c : claims) {
            claim.append(n++ + ". " + c.claim());
            paper.append(c.paper());
            measured.append(c.measured());
            verdict.append(c.verdict().label());
            kind.append(c.expertKind());
            prof.append(profile);
        }
        return Table.create("BTM claims", claim, paper, measured, verdict, kind, prof);
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
