package org.cbtm.experiment;

import org.cbtm.eval.ResultColumns;

import org.cbtm.base.Tokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.cbtm.route.RoutingConfig;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Checks the claims of methods 1.6 against measured results, with one fixed rule for all of them, so that the
 * "reproduced?" column of notebook 09 is computed, never written by hand.
 *
 * <p>Each claim is split into {@link Check}s, each counted over the points it applies to (budgets, K, clusters);
 * the first check is the claim's main statement. The verdict ({@link #RULE}): <b>yes</b> when every check holds at
 * every point, <b>no</b> when the main check holds at no point, <b>partly</b> otherwise. Comparisons are strict
 * (lower perplexity wins, ties lose) except where the claim itself says "close" or "at or below", whose tolerances
 * are the constants below.
 *
 * <p>The inputs are the tables of {@link CbtmExperiment#runGrid} (columns {@code clustering, k, budget, top_k,
 * temperature, distance, perplexity}), so a unit test can feed synthetic numbers. Rows are looked up by clustering,
 * K, budget and top-k; rows of the paper's routing (all experts, T = 0.1, paper distance) are used unless a claim is
 * about top-k.
 */
public final class Claims {

    /** The verdict rule, for the notebook to print. */
    public static final String RULE = "yes when every check holds at every point it applies to; no when the claim's "
            + "main check (the first) holds at no point; partly otherwise. Lower perplexity wins; ties count as losses.";

    /** "Random splits are at or below dense": random may be better than dense by at most this fraction. */
    public static final double AT_OR_BELOW_TOLERANCE = 0.01;
    /** "top-2 is close to all experts": within this fraction of the perplexity of all experts. */
    public static final double CLOSE_TOLERANCE = 0.02;
    /** "top-1 is a little worse": worse than all experts by less than this fraction. */
    public static final double A_LITTLE = 0.10;
    /** "Clusters partly align with metadata": NMI with the labels above a random split's by at least this. */
    public static final double NMI_MARGIN = 0.10;
    /** ... and below this (not a relabelling of the metadata). */
    public static final double NMI_CEILING = 0.90;

    private Claims() {
    }

    /** How a claim came out. */
    public enum Verdict {
        YES, PARTLY, NO, NOT_TESTED;

        public String label() {
            return this == NOT_TESTED ? "not tested here" : name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One check of a claim: what is compared and at how many of its points it held.
     *
     * @param what   the statement checked, e.g. "balanced beats random at each K"
     * @param passed points where it held
     * @param total  points it applies to (at least 1)
     */
    public record Check(String what, int passed, int total) {
        public Check {
            if (total < 1 || passed < 0 || passed > total) {
                throw new IllegalArgumentException("a check holds at 0.." + total + " of " + total
                        + " points (at least one), got " + passed + " for: " + what);
            }
        }

        public boolean holdsEverywhere() {
            return passed == total;
        }

        @Override
        public String toString() {
            return what + ": " + passed + "/" + total;
        }
    }

    /**
     * One row of the claims table.
     *
     * @param number   the claim's number in methods 1.6
     * @param claim    the claim in a few words
     * @param paper    what the paper says
     * @param measured what was measured here (computed numbers), or why the claim is not tested
     * @param checks   the checks (empty when not tested)
     * @param notebook where the measurement is shown
     */
    public record Claim(int number, String claim, String paper, String measured, List<Check> checks, String notebook) {
        public Claim {
            checks = List.copyOf(checks);
        }

        public Verdict verdict() {
            return Claims.verdict(checks);
        }
    }

    /** The rule of {@link #RULE}. */
    public static Verdict verdict(List<Check> checks) {
        if (checks.isEmpty()) {
            return Verdict.NOT_TESTED;
        }
        if (checks.get(0).passed() == 0) {
            return Verdict.NO;
        }
        return checks.stream().allMatch(Check::holdsEverywhere) ? Verdict.YES : Verdict.PARTLY;
    }

    // ------------------------------------------------------------------ claims 1 and 2: scaling

    /**
     * Claim 1 on a scaling grid (dense and balanced rows at several budgets): the best K > 1 beats dense at each
     * budget (main); its relative gain over dense grows with the budget (least-squares slope of the gain against
     * log2 of the budget is positive; needs two budgets or more).
     */
    public static Claim clustersBeatDense(Table grid, String notebook) {
        Map<Long, Map<Integer, Double>> byBudget = byBudgetAndK(grid, "balanced");
        List<Double> logBudgets = new ArrayList<>();
        List<Double> gains = new ArrayList<>();
        int beats = 0;
        StringBuilder m = new StringBuilder("best K > 1 against dense (perplexity, gain): ");
        for (var e : byBudget.entrySet()) {
            double dense = need(e.getValue(), 1, "dense", e.getKey());
            int bestK = bestK(e.getValue(), 2);
            double best = e.getValue().get(bestK);
            double gain = 1 - best / dense;
            beats += best < dense ? 1 : 0;
            logBudgets.add(Math.log(e.getKey()) / Math.log(2));
            gains.add(gain);
            m.append(String.format(Locale.ROOT, "%s: K = %d %.1f vs %.1f (%+.1f%%); ", Tokens.human(e.getKey()), bestK,
                    best, dense, 100 * gain));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("some K > 1 beats dense at each budget", beats, byBudget.size()));
        if (byBudget.size() >= 2) {
            double slope = slope(logBudgets, gains);
            checks.add(new Check("the gain grows with the budget (slope vs log2 tokens > 0)", slope > 0 ? 1 : 0, 1));
            m.append(String.format(Locale.ROOT, "gain slope %+.2f points per doubling", 100 * slope));
        }
        return new Claim(1, "clusters beat dense", "K > 1 clusters beat the dense model at equal training tokens; "
                + "gains grow with the number of tokens", trim(m), checks, notebook);
    }

    /**
     * Claim 2 on a scaling grid: the best K (dense included) at the largest budget is larger than at the smallest
     * (main); it never falls from one budget to the next.
     */
    public static Claim bestKGrows(Table grid, String notebook) {
        Map<Long, Map<Integer, Double>> byBudget = byBudgetAndK(grid, "balanced");
        if (byBudget.size() < 2) {
            throw new IllegalArgumentException("claim 2 needs results at two budgets or more, got " + byBudget.keySet());
        }
        List<Integer> best = new ArrayList<>();
        StringBuilder m = new StringBuilder("best K per budget: ");
        for (var e : byBudget.entrySet()) {
            int k = bestK(e.getValue(), 1);
            best.add(k);
            m.append(Tokens.human(e.getKey())).append(" → K = ").append(k).append("; ");
        }
        int rises = 0;
        for (int i = 1; i < best.size(); i++) {
            rises += best.get(i) >= best.get(i - 1) ? 1 : 0;
        }
        List<Check> checks = List.of(
                new Check("best K at the largest budget > at the smallest", best.get(best.size() - 1) > best.get(0) ? 1 : 0, 1),
                new Check("best K never falls as the budget doubles", rises, best.size() - 1));
        return new Claim(2, "best K grows with budget", "the best number of clusters grows with the token budget",
                trim(m), checks, notebook);
    }

    // ------------------------------------------------------------------ claim 3: random clusters

    /**
     * Claim 3 at one budget: balanced clusters beat random splits at each K with random rows (main); random splits
     * are at or below dense (perplexity at least dense's times {@code 1 - AT_OR_BELOW_TOLERANCE}).
     */
    public static Claim clustersBeatRandom(Table grid, long budget, String notebook) {
        Map<Integer, Double> balanced = byK(grid, "balanced", budget, 0);
        Map<Integer, Double> random = byK(grid, "random", budget, 0);
        double dense = need(byK(grid, "dense", budget, 0), 1, "dense", budget);
        if (random.isEmpty()) {
            throw new IllegalArgumentException("no random-cluster rows at budget " + budget);
        }
        int wins = 0;
        int notBetter = 0;
        StringBuilder m = new StringBuilder(String.format(Locale.ROOT, "%s tokens, dense %.1f; ", Tokens.human(budget), dense));
        for (var e : random.entrySet()) {
            double b = need(balanced, e.getKey(), "balanced", budget);
            double r = e.getValue();
            wins += b < r ? 1 : 0;
            notBetter += r >= dense * (1 - AT_OR_BELOW_TOLERANCE) ? 1 : 0;
            m.append(String.format(Locale.ROOT, "K = %d: balanced %.1f, random %.1f; ", e.getKey(), b, r));
        }
        List<Check> checks = List.of(
                new Check("balanced beats random at each K", wins, random.size()),
                new Check("random is at or below dense (within " + pct(AT_OR_BELOW_TOLERANCE) + ")", notBetter, random.size()));
        return new Claim(3, "clusters beat random splits", "learned clusters beat random splits; random splits are at "
                + "or below dense", trim(m), checks, notebook);
    }

    // ------------------------------------------------------------------ claim 4: balancing

    /**
     * Claim 4 at one budget: balanced beats unbalanced at each K with unbalanced rows (main); the relative gain grows
     * with K (slope against log2 K > 0; needs two K or more); balancing narrows the size distribution at each K
     * ({@code sizes}: columns {@code clustering, k, range}, the spread of cluster sizes relative to N / K).
     */
    public static Claim balancedBeatsUnbalanced(Table grid, Table sizes, long budget, String notebook) {
        Map<Integer, Double> balanced = byK(grid, "balanced", budget, 0);
        Map<Integer, Double> unbalanced = byK(grid, "unbalanced", budget, 0);
        if (unbalanced.isEmpty()) {
            throw new IllegalArgumentException("no unbalanced rows at budget " + budget);
        }
        int wins = 0;
        int narrower = 0;
        List<Double> logK = new ArrayList<>();
        List<Double> gains = new ArrayList<>();
        StringBuilder m = new StringBuilder(Tokens.human(budget) + " tokens; ");
        for (var e : unbalanced.entrySet()) {
            int k = e.getKey();
            double b = need(balanced, k, "balanced", budget);
            double u = e.getValue();
            wins += b < u ? 1 : 0;
            logK.add(Math.log(k) / Math.log(2));
            gains.add(1 - b / u);
            double rb = sizeRange(sizes, "balanced", k);
            double ru = sizeRange(sizes, "unbalanced", k);
            narrower += rb < ru ? 1 : 0;
            m.append(String.format(Locale.ROOT, "K = %d: balanced %.1f, unbalanced %.1f (%+.1f%%), size range %.2f vs %.2f; ",
                    k, b, u, 100 * (1 - b / u), rb, ru));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("balanced beats unbalanced at each K", wins, unbalanced.size()));
        if (unbalanced.size() >= 2) {
            checks.add(new Check("the gain grows with K (slope vs log2 K > 0)", slope(logK, gains) > 0 ? 1 : 0, 1));
        }
        checks.add(new Check("balancing narrows the range of cluster sizes at each K", narrower, unbalanced.size()));
        return new Claim(4, "balanced beats unbalanced", "balanced clustering beats unbalanced, more so as K grows; "
                + "balancing narrows the cluster size distribution", trim(m), checks, notebook);
    }

    // ------------------------------------------------------------------ claim 5: top-k

    /**
     * Claim 5 for balanced K at one budget (rows with top-1, top-2 and all experts, T = 0.1): top-2 within
     * {@link #CLOSE_TOLERANCE} of all experts (main); top-1 worse than all; top-1 worse by less than
     * {@link #A_LITTLE}.
     */
    public static Claim topKCloseToAll(Table grid, int k, long budget, String notebook) {
        double all = topK(grid, k, budget, k);
        double top1 = topK(grid, k, budget, 1);
        double top2 = topK(grid, k, budget, 2);
        double r1 = top1 / all - 1;
        double r2 = top2 / all - 1;
        String m = String.format(Locale.ROOT, "K = %d, %s tokens: all %.1f, top-2 %.1f (%+.1f%%), top-1 %.1f (%+.1f%%)",
                k, Tokens.human(budget), all, top2, 100 * r2, top1, 100 * r1);
        List<Check> checks = List.of(
                new Check("top-2 within " + pct(CLOSE_TOLERANCE) + " of all experts", Math.abs(r2) <= CLOSE_TOLERANCE ? 1 : 0, 1),
                new Check("top-1 worse than all experts", top1 > all ? 1 : 0, 1),
                new Check("top-1 worse by less than " + pct(A_LITTLE), r1 < A_LITTLE ? 1 : 0, 1));
        return new Claim(5, "top-k close to all experts", "top-1 is a little worse than all experts; top-2 / top-4 "
                + "are close to all experts", m, checks, notebook);
    }

    // ------------------------------------------------------------------ claim 6: specialisation

    /**
     * Claim 6 from an expert x cluster table (columns {@code expert, cluster, perplexity}, one row per pair): on
     * each cluster's test documents, the cluster's own expert has the lowest perplexity.
     */
    public static Claim expertsSpecialise(Table matrix, String notebook) {
        Map<Integer, Map<Integer, Double>> byCluster = new TreeMap<>();
        IntColumn expert = matrix.intColumn("expert");
        IntColumn cluster = matrix.intColumn("cluster");
        NumericColumn<?> ppl = matrix.numberColumn("perplexity");
        for (int i = 0; i < matrix.rowCount(); i++) {
            byCluster.computeIfAbsent(cluster.getInt(i), c -> new TreeMap<>()).put(expert.getInt(i), ppl.getDouble(i));
        }
        if (byCluster.isEmpty()) {
            throw new IllegalArgumentException("the expert x cluster table is empty");
        }
        int diagonal = 0;
        double ratio = 0;
        for (var e : byCluster.entrySet()) {
            Map<Integer, Double> row = e.getValue();
            double own = need(row, e.getKey(), "expert " + e.getKey() + " on cluster", e.getKey());
            double bestOther = Double.POSITIVE_INFINITY;
            for (var x : row.entrySet()) {
                if (x.getKey() != e.getKey().intValue()) {
                    bestOther = Math.min(bestOther, x.getValue());
                }
            }
            diagonal += own < bestOther ? 1 : 0;
            ratio += bestOther / own;
        }
        int n = byCluster.size();
        String m = String.format(Locale.ROOT, "K = %d: own expert best on %d of %d clusters; the best other expert's "
                + "perplexity is %.2fx the own expert's on average", n, diagonal, n, ratio / n);
        return new Claim(6, "experts specialise", "expert k is best on cluster k (a diagonal in the expert x cluster "
                + "perplexity matrix)", m, List.of(new Check("own expert best on each cluster", diagonal, n)), notebook);
    }

    // ------------------------------------------------------------------ claim 8: few-shot

    /**
     * Claim 8 from a few-shot summary ({@code org.cbtm.fewshot.FewShotResult#summary()}: columns {@code model, task,
     * shots, scoring, accuracy}): with direct scoring, the ensemble's accuracy averaged over tasks beats dense's at
     * each number of shots (main), and at the most shots it beats dense on each task. Ties lose.
     */
    public static Claim fewShotEnsembleBeatsDense(Table summary, String ensemble, String dense, String notebook) {
        Map<Integer, Map<String, Double>> ens = fewShotAccuracy(summary, ensemble);
        Map<Integer, Map<String, Double>> den = fewShotAccuracy(summary, dense);
        if (ens.isEmpty() || den.isEmpty()) {
            throw new IllegalArgumentException("claim 8 needs direct-scoring rows of '" + ensemble + "' and '" + dense
                    + "' in the few-shot summary");
        }
        int meanWins = 0;
        StringBuilder m = new StringBuilder("mean accuracy over tasks, ensemble vs dense: ");
        for (var e : ens.entrySet()) {
            Map<String, Double> d = den.get(e.getKey());
            if (d == null) {
                throw new IllegalArgumentException("no dense rows at " + e.getKey() + " shots");
            }
            double a = e.getValue().values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double b = d.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
            meanWins += a > b ? 1 : 0;
            m.append(String.format(Locale.ROOT, "%d-shot %.3f vs %.3f; ", e.getKey(), a, b));
        }
        int most = ens.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int taskWins = 0;
        for (var t : ens.get(most).entrySet()) {
            Double d = den.get(most).get(t.getKey());
            if (d == null) {
                throw new IllegalArgumentException("no dense result on task " + t.getKey() + " at " + most + " shots");
            }
            taskWins += t.getValue() > d ? 1 : 0;
        }
        m.append(String.format(Locale.ROOT, "at %d shots the ensemble is ahead on %d of %d tasks", most, taskWins,
                ens.get(most).size()));
        List<Check> checks = List.of(
                new Check("mean accuracy over tasks above dense at each number of shots", meanWins, ens.size()),
                new Check("above dense on each task at " + most + " shots", taskWins, ens.get(most).size()));
        return new Claim(8, "few-shot: ensemble beats dense", "few-shot: the clustered ensemble beats dense on average",
                m.toString(), checks, notebook);
    }

    // ------------------------------------------------------------------ claim 7: against the upcycled MoE

    /**
     * Claim 7 from {@link MoeComparison}'s table (columns method, budget, perplexity): C-BTM's ensemble below the
     * sparse-upcycled MoE trained with the same FLOPs at each budget; and its lead (the MoE's perplexity over
     * C-BTM's, as a ratio) larger at each budget than at the one before.
     */
    public static Claim cbtmBeatsUpcycledMoe(Table comparison, String notebook) {
        Map<Long, Double> cbtm = perplexityByBudget(comparison, MoeComparison.CBTM);
        Map<Long, Double> moe = perplexityByBudget(comparison, MoeComparison.MOE);
        if (cbtm.isEmpty() || !cbtm.keySet().equals(moe.keySet())) {
            throw new IllegalArgumentException("claim 7 needs C-BTM and upcycled-MoE rows at the same budgets, got "
                    + cbtm.keySet() + " and " + moe.keySet());
        }
        int wins = 0;
        int grows = 0;
        double previous = Double.NaN;
        StringBuilder m = new StringBuilder("perplexity at equal training FLOPs, C-BTM vs upcycled MoE: ");
        for (var e : cbtm.entrySet()) {
            double c = e.getValue();
            double x = moe.get(e.getKey());
            wins += c < x ? 1 : 0;
            double lead = x / c;
            grows += !Double.isNaN(previous) && lead > previous ? 1 : 0;
            previous = lead;
            m.append(String.format(Locale.ROOT, "budget %,d tokens: %.1f vs %.1f (MoE / C-BTM %.3f); ", e.getKey(), c, x, lead));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("C-BTM below the upcycled MoE at each budget", wins, cbtm.size()));
        if (cbtm.size() > 1) {
            checks.add(new Check("C-BTM's lead larger than at the budget before", grows, cbtm.size() - 1));
        }
        return new Claim(7, "C-BTM beats the upcycled MoE", "C-BTM beats the sparse-upcycled MoE at equal training "
                + "compute, increasingly with budget", m.toString().replaceAll("; $", ""), checks, notebook);
    }

    private static Map<Long, Double> perplexityByBudget(Table t, String method) {
        Map<Long, Double> out = new TreeMap<>();
        for (int i = 0; i < t.rowCount(); i++) {
            if (t.stringColumn("method").get(i).equals(method)) {
                out.put((long) t.numberColumn("budget").getDouble(i), t.numberColumn("perplexity").getDouble(i));
            }
        }
        return out;
    }

    /** shots -> (task -> accuracy) of one model's direct-scoring rows. */
    private static Map<Integer, Map<String, Double>> fewShotAccuracy(Table summary, String model) {
        Map<Integer, Map<String, Double>> out = new TreeMap<>();
        for (int i = 0; i < summary.rowCount(); i++) {
            if (summary.stringColumn("model").get(i).equals(model)
                    && summary.stringColumn("scoring").get(i).equals("direct")) {
                out.computeIfAbsent((int) summary.numberColumn("shots").getDouble(i), k -> new TreeMap<>())
                        .put(summary.stringColumn("task").get(i), summary.numberColumn("accuracy").getDouble(i));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ claim 9: metadata

    /**
     * Claim 9 from an agreement table (columns {@code clustering, k, nmi}: NMI of each partition with the metadata
     * labels): at each K, the balanced clusters' NMI exceeds the random split's by {@link #NMI_MARGIN} (main) and
     * stays below {@link #NMI_CEILING}.
     */
    public static Claim clustersAlignWithMetadata(Table agreement, String notebook) {
        Map<Integer, Double> balanced = new TreeMap<>();
        Map<Integer, Double> random = new TreeMap<>();
        for (int i = 0; i < agreement.rowCount(); i++) {
            String c = agreement.stringColumn("clustering").get(i);
            int k = agreement.intColumn("k").getInt(i);
            double nmi = agreement.numberColumn("nmi").getDouble(i);
            if (c.equals("balanced")) {
                balanced.putIfAbsent(k, nmi);
            } else if (c.equals("random")) {
                random.putIfAbsent(k, nmi);
            }
        }
        if (balanced.isEmpty()) {
            throw new IllegalArgumentException("no balanced rows in the agreement table");
        }
        int above = 0;
        int below = 0;
        StringBuilder m = new StringBuilder("NMI with the sources, balanced vs random: ");
        for (var e : balanced.entrySet()) {
            double r = need(random, e.getKey(), "random", e.getKey());
            above += e.getValue() >= r + NMI_MARGIN ? 1 : 0;
            below += e.getValue() < NMI_CEILING ? 1 : 0;
            m.append(String.format(Locale.ROOT, "K = %d: %.2f vs %.2f; ", e.getKey(), e.getValue(), r));
        }
        List<Check> checks = List.of(
                new Check("NMI above a random split's by " + NMI_MARGIN + " at each K", above, balanced.size()),
                new Check("NMI below " + NMI_CEILING + " (partial, not a relabelling)", below, balanced.size()));
        return new Claim(9, "clusters partly align with metadata", "clusters partly align with metadata labels "
                + "(a cluster x label overlap heatmap)", trim(m), checks, notebook);
    }

    /** A claim this project cannot test yet, with the reason. */
    public static Claim notTested(int number, String claim, String paper, String reason) {
        return new Claim(number, claim, paper, reason, List.of(), "—");
    }

    // ------------------------------------------------------------------ the table

    /** One row per claim: claim, paper, measured, reproduced, checks, notebook. */
    public static Table table(List<Claim> claims) {
        StringColumn claim = StringColumn.create("claim");
        StringColumn paper = StringColumn.create("what the paper says");
        StringColumn measured = StringColumn.create("what we measured");
        StringColumn reproduced = StringColumn.create("reproduced?");
        StringColumn checks = StringColumn.create("checks (points where each held)");
        StringColumn notebook = StringColumn.create("notebook");
        for (Claim c : claims) {
            claim.append(c.number() + ". " + c.claim());
            paper.append(c.paper());
            measured.append(c.measured());
            reproduced.append(c.verdict().label());
            checks.append(String.join("; ", c.checks().stream().map(Check::toString).toList()));
            notebook.append(c.notebook());
        }
        return Table.create("claims of methods 1.6", claim, paper, measured, reproduced, checks, notebook);
    }

    /**
     * The claims table as {@code figures/claims.csv} keeps it: claim, paper, measured, verdict, the expert kind the
     * claim was measured with ({@code expertKind} of each claim) and the profile of the run.
     */
    public static Table csvTable(List<Claim> claims, java.util.function.Function<Claim, String> expertKind,
                                 String profile) {
        Table t = table(claims);
        StringColumn kind = StringColumn.create("expert kind");
        StringColumn prof = StringColumn.create("profile");
        for (Claim c : claims) {
            kind.append(expertKind.apply(c));
            prof.append(profile);
        }
        return Table.create("claims", t.stringColumn("claim").copy(),
                t.stringColumn("what the paper says").copy().setName("paper"),
                t.stringColumn("what we measured").copy().setName("measured"),
                t.stringColumn("reproduced?").copy().setName("verdict"), kind, prof);
    }

    // ------------------------------------------------------------------ helpers

    /** Rows of the paper's routing: all experts, default temperature, paper distance. */
    private static boolean paperRouting(Table grid, int row) {
        return ResultColumns.topK(grid, row) == grid.intColumn("k").getInt(row)
                && (!grid.columnNames().contains("temperature")
                || grid.doubleColumn("temperature").getDouble(row) == RoutingConfig.DEFAULT_TEMPERATURE)
                && (!grid.columnNames().contains("distance")
                || grid.stringColumn("distance").get(row).equals("paper"));
    }

    /** budget -> (K -> perplexity) of dense (as K = 1) and of {@code clustering} rows with paper routing. */
    private static Map<Long, Map<Integer, Double>> byBudgetAndK(Table grid, String clustering) {
        Map<Long, Map<Integer, Double>> out = new TreeMap<>();
        for (int i = 0; i < grid.rowCount(); i++) {
            String c = grid.stringColumn("clustering").get(i);
            if ((c.equals("dense") || c.equals(clustering)) && paperRouting(grid, i)) {
                out.computeIfAbsent(budget(grid, i), b -> new TreeMap<>())
                        .putIfAbsent(grid.intColumn("k").getInt(i), grid.numberColumn("perplexity").getDouble(i));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no dense or " + clustering + " rows in the results table");
        }
        return out;
    }

    /** K -> perplexity of one clustering at one budget; {@code topK} 0 means paper routing (all experts). */
    private static Map<Integer, Double> byK(Table grid, String clustering, long budget, int topK) {
        Map<Integer, Double> out = new TreeMap<>();
        for (int i = 0; i < grid.rowCount(); i++) {
            if (grid.stringColumn("clustering").get(i).equals(clustering)
                    && budget(grid, i) == budget
                    && (topK == 0 ? paperRouting(grid, i) : ResultColumns.topK(grid, i) == topK)) {
                out.putIfAbsent(grid.intColumn("k").getInt(i), grid.numberColumn("perplexity").getDouble(i));
            }
        }
        return out;
    }

    private static long budget(Table grid, int row) {
        return Math.round(grid.numberColumn("budget").getDouble(row));
    }

    private static double topK(Table grid, int k, long budget, int topK) {
        for (int i = 0; i < grid.rowCount(); i++) {
            if (grid.stringColumn("clustering").get(i).equals("balanced") && grid.intColumn("k").getInt(i) == k
                    && budget(grid, i) == budget
                    && ResultColumns.topK(grid, i) == topK
                    && (!grid.columnNames().contains("temperature")
                    || grid.doubleColumn("temperature").getDouble(i) == RoutingConfig.DEFAULT_TEMPERATURE)) {
                return grid.numberColumn("perplexity").getDouble(i);
            }
        }
        throw new IllegalArgumentException("no balanced K = " + k + " top-" + topK + " row at budget " + budget);
    }

    private static double sizeRange(Table sizes, String clustering, int k) {
        for (int i = 0; i < sizes.rowCount(); i++) {
            if (sizes.stringColumn("clustering").get(i).equals(clustering) && sizes.intColumn("k").getInt(i) == k) {
                return sizes.numberColumn("range").getDouble(i);
            }
        }
        throw new IllegalArgumentException("no " + clustering + " K = " + k + " row in the sizes table");
    }

    private static double need(Map<Integer, Double> m, int k, String what, long where) {
        Double v = m.get(k);
        if (v == null) {
            throw new IllegalArgumentException("no " + what + " result for K = " + k + " at " + where);
        }
        return v;
    }

    /** The K >= {@code minK} of lowest perplexity (the smaller K on a tie). */
    private static int bestK(Map<Integer, Double> byK, int minK) {
        int best = -1;
        for (var e : new TreeMap<>(byK).entrySet()) {
            if (e.getKey() >= minK && (best < 0 || e.getValue() < byK.get(best))) {
                best = e.getKey();
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no result with K >= " + minK + " in " + new TreeSet<>(byK.keySet()));
        }
        return best;
    }

    /** Least-squares slope of y against x. */
    static double slope(List<Double> x, List<Double> y) {
        int n = x.size();
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x.get(i) / n;
            my += y.get(i) / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x.get(i) - mx) * (y.get(i) - my);
            sxx += (x.get(i) - mx) * (x.get(i) - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static String pct(double f) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * f);
    }

    private static String trim(StringBuilder sb) {
        String s = sb.toString().strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }

    /** A claims table's "reproduced?" column as counts, e.g. {yes=3, partly=2, no=1}. */
    public static Map<String, Integer> tally(Table claims) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (Verdict v : Verdict.values()) {
            out.put(v.label(), 0);
        }
        for (String s : claims.stringColumn("reproduced?")) {
            out.merge(s, 1, Integer::sum);
        }
        return out;
    }
}
