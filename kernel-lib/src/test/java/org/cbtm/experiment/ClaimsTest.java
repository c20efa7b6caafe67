package org.cbtm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.cbtm.experiment.Claims.Check;
import org.cbtm.experiment.Claims.Verdict;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** The claim rules on synthetic results tables: they say yes, partly and no when the numbers say so. */
class ClaimsTest {

    /** A results table with the columns of CbtmExperiment.runGrid that the rules read. */
    private static final class Grid {
        final StringColumn clustering = StringColumn.create("clustering");
        final IntColumn k = IntColumn.create("k");
        final LongColumn budget = LongColumn.create("budget");
        final IntColumn topK = IntColumn.create("top_k");
        final DoubleColumn temperature = DoubleColumn.create("temperature");
        final StringColumn distance = StringColumn.create("distance");
        final DoubleColumn ppl = DoubleColumn.create("perplexity");

        Grid add(String c, int kk, long b, int top, double p) {
            clustering.append(kk == 1 ? "dense" : c);
            k.append(kk);
            budget.append(b);
            topK.append(Math.min(kk, top));
            temperature.append(0.1);
            distance.append("paper");
            ppl.append(p);
            return this;
        }

        Grid add(String c, int kk, long b, double p) {
            return add(c, kk, b, kk, p);
        }

        Table table() {
            return Table.create("grid", clustering, k, budget, topK, temperature, distance, ppl);
        }
    }

    private static final long[] BUDGETS = {1000, 2000, 4000, 8000};
    private static final int[] KS = {1, 2, 4, 8};

    /** A scaling grid where perplexity(K, budget) is given by a function. */
    private static Table scaling(java.util.function.BiFunction<Integer, Long, Double> ppl) {
        Grid g = new Grid();
        for (long b : BUDGETS) {
            for (int k : KS) {
                g.add("balanced", k, b, ppl.apply(k, b));
            }
        }
        return g.table();
    }

    @Test
    void verdictRule() {
        assertEquals(Verdict.NOT_TESTED, Claims.verdict(List.of()));
        assertEquals(Verdict.YES, Claims.verdict(List.of(new Check("a", 3, 3), new Check("b", 1, 1))));
        assertEquals(Verdict.PARTLY, Claims.verdict(List.of(new Check("a", 3, 3), new Check("b", 0, 1))));
        assertEquals(Verdict.PARTLY, Claims.verdict(List.of(new Check("a", 1, 3))));
        assertEquals(Verdict.NO, Claims.verdict(List.of(new Check("a", 0, 3), new Check("b", 1, 1))));
        assertThrows(IllegalArgumentException.class, () -> new Check("a", 4, 3));
        assertThrows(IllegalArgumentException.class, () -> new Check("a", 0, 0));
    }

    @Test
    void scalingClaimsFollowTheNumbers() {
        // the paper's picture: larger K wins more as the budget grows, and the best K moves up
        Table paper = scaling((k, b) -> {
            double dense = 1000.0 * 1000 / b;
            double gain = Math.log(b / 500.0) / Math.log(2) * 0.02; // 2, 4, 6, 8 % for the best K
            int bestK = b <= 1000 ? 2 : b <= 2000 ? 2 : b <= 4000 ? 4 : 8;
            return k == 1 ? dense : dense * (1 - gain + 0.01 * Math.abs(Math.log(k / (double) bestK)));
        });
        assertEquals(Verdict.YES, Claims.clustersBeatDense(paper, "08").verdict());
        assertEquals(Verdict.YES, Claims.bestKGrows(paper, "08").verdict());

        // dense wins everywhere: both claims contradicted
        Table denseWins = scaling((k, b) -> 1000.0 * 1000 / b * (1 + 0.05 * (k - 1)));
        Claims.Claim c1 = Claims.clustersBeatDense(denseWins, "08");
        assertEquals(Verdict.NO, c1.verdict());
        assertEquals(0, c1.checks().get(0).passed());
        assertEquals(Verdict.NO, Claims.bestKGrows(denseWins, "08").verdict());

        // clusters win at every budget by a shrinking margin, always with K = 4: claim 1 partly, claim 2 no
        Table shrinking = scaling((k, b) -> {
            double dense = 1000.0 * 1000 / b;
            double gain = 0.1 / Math.log(b / 500.0);
            return k == 1 ? dense : k == 4 ? dense * (1 - gain) : dense * 1.01;
        });
        Claims.Claim c = Claims.clustersBeatDense(shrinking, "08");
        assertEquals(Verdict.PARTLY, c.verdict());
        assertEquals(4, c.checks().get(0).passed());
        assertEquals(0, c.checks().get(1).passed());
        assertTrue(c.measured().contains("K = 4"), c.measured());
        assertEquals(Verdict.NO, Claims.bestKGrows(shrinking, "08").verdict());
    }

    @Test
    void randomClustersClaim() {
        Grid yes = new Grid().add("dense", 1, 500, 100);
        Grid no = new Grid().add("dense", 1, 500, 100);
        Grid partly = new Grid().add("dense", 1, 500, 100);
        for (int k : new int[] {2, 4, 8}) {
            yes.add("balanced", k, 500, 95).add("random", k, 500, 104);
            no.add("balanced", k, 500, 110).add("random", k, 500, 104);
            // clusters beat random, but random beats dense by 5%: the second half of the claim fails
            partly.add("balanced", k, 500, 90).add("random", k, 500, 95);
        }
        assertEquals(Verdict.YES, Claims.clustersBeatRandom(yes.table(), 500, "06").verdict());
        assertEquals(Verdict.NO, Claims.clustersBeatRandom(no.table(), 500, "06").verdict());
        assertEquals(Verdict.PARTLY, Claims.clustersBeatRandom(partly.table(), 500, "06").verdict());
        // random within the tolerance of dense counts as "at" dense
        Grid tie = new Grid().add("dense", 1, 500, 100).add("balanced", 2, 500, 95).add("random", 2, 500, 99.5);
        assertEquals(Verdict.YES, Claims.clustersBeatRandom(tie.table(), 500, "06").verdict());
        assertThrows(IllegalArgumentException.class, () -> Claims.clustersBeatRandom(yes.table(), 999, "06"));
    }

    private static Table sizes(double balancedRange, double unbalancedRange) {
        StringColumn c = StringColumn.create("clustering", "balanced", "unbalanced", "balanced", "unbalanced");
        IntColumn k = IntColumn.create("k", 4, 4, 16, 16);
        DoubleColumn r = DoubleColumn.create("range", balancedRange, unbalancedRange, balancedRange, unbalancedRange);
        return Table.create("sizes", c, k, r);
    }

    @Test
    void balancingClaim() {
        Table yes = new Grid().add("balanced", 4, 500, 98).add("unbalanced", 4, 500, 100)
                .add("balanced", 16, 500, 90).add("unbalanced", 16, 500, 100).table();
        assertEquals(Verdict.YES, Claims.balancedBeatsUnbalanced(yes, sizes(0.5, 2.0), 500, "07").verdict());
        // balancing helps, but less at larger K, and the sizes are not narrower: partly
        Table shrinking = new Grid().add("balanced", 4, 500, 90).add("unbalanced", 4, 500, 100)
                .add("balanced", 16, 500, 98).add("unbalanced", 16, 500, 100).table();
        Claims.Claim partly = Claims.balancedBeatsUnbalanced(shrinking, sizes(2.0, 0.5), 500, "07");
        assertEquals(Verdict.PARTLY, partly.verdict());
        assertEquals(List.of(2, 0, 0), partly.checks().stream().map(Check::passed).toList());
        Table no = new Grid().add("balanced", 4, 500, 101).add("unbalanced", 4, 500, 100)
                .add("balanced", 16, 500, 120).add("unbalanced", 16, 500, 100).table();
        assertEquals(Verdict.NO, Claims.balancedBeatsUnbalanced(no, sizes(0.5, 2.0), 500, "07").verdict());
    }

    @Test
    void topKClaim() {
        Table yes = new Grid().add("balanced", 8, 500, 8, 100).add("balanced", 8, 500, 2, 101)
                .add("balanced", 8, 500, 1, 105).table();
        assertEquals(Verdict.YES, Claims.topKCloseToAll(yes, 8, 500, "05").verdict());
        // top-1 far worse than all experts: the "a little" check fails
        Table farWorse = new Grid().add("balanced", 8, 500, 8, 100).add("balanced", 8, 500, 2, 101)
                .add("balanced", 8, 500, 1, 130).table();
        assertEquals(Verdict.PARTLY, Claims.topKCloseToAll(farWorse, 8, 500, "05").verdict());
        Table no = new Grid().add("balanced", 8, 500, 8, 100).add("balanced", 8, 500, 2, 110)
                .add("balanced", 8, 500, 1, 130).table();
        assertEquals(Verdict.NO, Claims.topKCloseToAll(no, 8, 500, "05").verdict());
        assertThrows(IllegalArgumentException.class, () -> Claims.topKCloseToAll(no, 4, 500, "05"));
    }

    private static Table matrix(double[][] ppl) {
        IntColumn e = IntColumn.create("expert");
        IntColumn c = IntColumn.create("cluster");
        DoubleColumn p = DoubleColumn.create("perplexity");
        for (int i = 0; i < ppl.length; i++) {
            for (int j = 0; j < ppl[i].length; j++) {
                e.append(i);
                c.append(j);
                p.append(ppl[i][j]);
            }
        }
        return Table.create("matrix", e, c, p);
    }

    @Test
    void specialisationClaim() {
        // rows are experts, columns clusters; clusters differ in difficulty, so only columns are compared
        double[][] diagonal = {{10, 90, 500}, {30, 40, 700}, {30, 95, 300}};
        assertEquals(Verdict.YES, Claims.expertsSpecialise(matrix(diagonal), "09").verdict());
        double[][] oneExpertBest = {{10, 30, 250}, {30, 40, 700}, {30, 95, 300}};
        Claims.Claim partly = Claims.expertsSpecialise(matrix(oneExpertBest), "09");
        assertEquals(Verdict.PARTLY, partly.verdict());
        assertEquals(1, partly.checks().get(0).passed());
        double[][] antiDiagonal = {{50, 30, 250}, {10, 40, 200}, {5, 20, 300}};
        assertEquals(Verdict.NO, Claims.expertsSpecialise(matrix(antiDiagonal), "09").verdict());
    }

    private static Table agreement(double balanced, double random) {
        StringColumn c = StringColumn.create("clustering", "balanced", "random", "balanced", "random");
        IntColumn k = IntColumn.create("k", 4, 4, 8, 8);
        DoubleColumn nmi = DoubleColumn.create("nmi", balanced, random, balanced, random);
        return Table.create("agreement", c, k, nmi);
    }

    @Test
    void metadataClaim() {
        assertEquals(Verdict.YES, Claims.clustersAlignWithMetadata(agreement(0.5, 0.01), "09").verdict());
        assertEquals(Verdict.NO, Claims.clustersAlignWithMetadata(agreement(0.05, 0.01), "09").verdict());
        // a perfect relabelling of the metadata is alignment, but not partial: partly
        assertEquals(Verdict.PARTLY, Claims.clustersAlignWithMetadata(agreement(0.97, 0.01), "09").verdict());
    }

    @Test
    void tableHasOneRowPerClaimWithComputedVerdicts() {
        Table grid = new Grid().add("dense", 1, 500, 100).add("balanced", 2, 500, 95).add("random", 2, 500, 104).table();
        Table t = Claims.table(List.of(Claims.clustersBeatRandom(grid, 500, "06"),
                Claims.notTested(7, "C-BTM beats MoE", "C-BTM beats the sparse-upcycled MoE", "no MoE yet")));
        assertEquals(2, t.rowCount());
        assertEquals(List.of("claim", "what the paper says", "what we measured", "reproduced?",
                "checks (points where each held)", "notebook"), t.columnNames());
        assertEquals(List.of("yes", "not tested here"), t.stringColumn("reproduced?").asList());
        assertTrue(t.stringColumn("what we measured").get(0).contains("random 104.0"));
        assertEquals(1, Claims.tally(t).get("yes"));
        assertEquals(0, Claims.tally(t).get("no"));
        Table csv = Claims.csvTable(List.of(Claims.clustersBeatRandom(grid, 500, "06"),
                Claims.notTested(7, "C-BTM beats MoE", "C-BTM beats the sparse-upcycled MoE", "no MoE yet")),
                c -> c.number() == 7 ? "gpt-2l64d" : "kn4", "standard");
        assertEquals(List.of("claim", "paper", "measured", "verdict", "expert kind", "profile"), csv.columnNames());
        assertEquals(List.of("kn4", "gpt-2l64d"), csv.stringColumn("expert kind").asList());
        assertEquals(List.of("yes", "not tested here"), csv.stringColumn("verdict").asList());
        assertEquals("standard", csv.stringColumn("profile").get(1));
    }

    @Test
    void slopeIsLeastSquares() {
        assertEquals(2.0, Claims.slope(List.of(0.0, 1.0, 2.0), List.of(1.0, 3.0, 5.0)), 1e-12);
        assertEquals(0.0, Claims.slope(List.of(1.0, 1.0), List.of(1.0, 3.0)), 1e-12);
    }

    private static tech.tablesaw.api.Table fewShot(double[][] ensembleByShotsAndTask, double[][] denseByShotsAndTask) {
        tech.tablesaw.api.StringColumn model = tech.tablesaw.api.StringColumn.create("model");
        tech.tablesaw.api.StringColumn task = tech.tablesaw.api.StringColumn.create("task");
        tech.tablesaw.api.IntColumn shots = tech.tablesaw.api.IntColumn.create("shots");
        tech.tablesaw.api.StringColumn scoring = tech.tablesaw.api.StringColumn.create("scoring");
        tech.tablesaw.api.DoubleColumn acc = tech.tablesaw.api.DoubleColumn.create("accuracy");
        int[] ks = {0, 8};
        for (int s = 0; s < ks.length; s++) {
            for (int t = 0; t < 2; t++) {
                for (String m : new String[] {"ens", "dense"}) {
                    double a = (m.equals("ens") ? ensembleByShotsAndTask : denseByShotsAndTask)[s][t];
                    for (String sc : new String[] {"direct", "calibrated"}) {
                        model.append(m);
                        task.append("t" + t);
                        shots.append(ks[s]);
                        scoring.append(sc);
                        acc.append(sc.equals("direct") ? a : 1.0); // calibrated rows must be ignored
                    }
                }
            }
        }
        return tech.tablesaw.api.Table.create("few-shot", model, task, shots, scoring, acc);
    }

    @Test
    void fewShotClaimComparesMeanDirectAccuracyAtEachShotsThenEachTaskAtTheMostShots() {
        var yes = Claims.fewShotEnsembleBeatsDense(fewShot(new double[][] {{0.6, 0.5}, {0.7, 0.6}},
                new double[][] {{0.5, 0.5}, {0.6, 0.5}}), "ens", "dense", "11");
        assertEquals(Claims.Verdict.YES, yes.verdict(), yes.measured());
        var partly = Claims.fewShotEnsembleBeatsDense(fewShot(new double[][] {{0.5, 0.5}, {0.9, 0.4}},
                new double[][] {{0.5, 0.5}, {0.6, 0.5}}), "ens", "dense", "11");
        assertEquals(Claims.Verdict.PARTLY, partly.verdict(), "a tie at 0 shots loses; 1 of 2 tasks at 8 shots");
        var no = Claims.fewShotEnsembleBeatsDense(fewShot(new double[][] {{0.4, 0.4}, {0.5, 0.5}},
                new double[][] {{0.5, 0.5}, {0.6, 0.5}}), "ens", "dense", "11");
        assertEquals(Claims.Verdict.NO, no.verdict());
        assertEquals(8, no.number());
    }

    static Table moeComparison(double... cbtmThenMoe) {
        tech.tablesaw.api.StringColumn method = tech.tablesaw.api.StringColumn.create("method");
        tech.tablesaw.api.LongColumn budget = tech.tablesaw.api.LongColumn.create("budget");
        tech.tablesaw.api.DoubleColumn ppl = tech.tablesaw.api.DoubleColumn.create("perplexity");
        for (int i = 0; i < cbtmThenMoe.length / 2; i++) {
            method.append(MoeComparison.DENSE).append(MoeComparison.CBTM).append(MoeComparison.MOE);
            budget.append(1000L * (i + 1)).append(1000L * (i + 1)).append(1000L * (i + 1));
            ppl.append(999).append(cbtmThenMoe[2 * i]).append(cbtmThenMoe[2 * i + 1]);
        }
        return Table.create("comparison", method, budget, ppl);
    }

    @Test
    void upcycledMoeClaimFollowsTheNumbers() {
        assertEquals(Claims.Verdict.YES, Claims.cbtmBeatsUpcycledMoe(moeComparison(100, 105, 90, 99), "10").verdict());
        // ahead at both budgets, but the lead shrinks: partly
        assertEquals(Claims.Verdict.PARTLY, Claims.cbtmBeatsUpcycledMoe(moeComparison(100, 110, 90, 91), "10").verdict());
        assertEquals(Claims.Verdict.NO, Claims.cbtmBeatsUpcycledMoe(moeComparison(100, 90, 90, 80), "10").verdict());
        Claims.Claim one = Claims.cbtmBeatsUpcycledMoe(moeComparison(100, 105), "10");
        assertEquals(1, one.checks().size());
        assertTrue(one.measured().contains("100.0 vs 105.0"), one.measured());
        assertThrows(IllegalArgumentException.class,
                () -> Claims.cbtmBeatsUpcycledMoe(moeComparison(100, 105).where(
                        moeComparison(100, 105).stringColumn("method").isNotEqualTo(MoeComparison.MOE)), "10"));
    }
}
