package org.cbtm.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.cbtm.ensemble.TopicFixture;
import org.cbtm.eval.EvalSequence;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class RoutingStatsTest {
    private static final TopicFixture F = TopicFixture.get();

    /** A router with fixed rows: row t of every sequence is {@code rows[t % rows.length]}. */
    private record FixedRouter(double[][] rows) implements Router {
        @Override
        public int numExperts() {
            return rows[0].length;
        }

        @Override
        public int maxActiveExperts() {
            return rows[0].length;
        }

        @Override
        public RoutingWeights route(EvalSequence s) {
            int k = numExperts();
            double[] w = new double[s.positions() * k];
            for (int t = 0; t < s.positions(); t++) {
                System.arraycopy(rows[t % rows.length], 0, w, t * k, k);
            }
            return new RoutingWeights(s.positions(), k, w);
        }

        @Override
        public double[] nextWeights(EvalSequence context) {
            return rows[Math.max(0, context.length() - 1) % rows.length].clone();
        }

        @Override
        public long inferenceParameters() {
            return 0;
        }

        @Override
        public String name() {
            return "fixed";
        }
    }

    private static EvalSequence seq(int length, int cluster) {
        return new EvalSequence("s" + length, new int[length], "", cluster);
    }

    @Test
    void knownRowsGiveKnownMeasures() {
        double[] oneHot = {0, 1, 0, 0};
        double[] uniform = {0.25, 0.25, 0.25, 0.25};
        double[] half = {0.5, 0.5, 0, 0};
        FixedRouter r = new FixedRouter(new double[][] {oneHot, uniform, half});
        // 7 tokens: 6 positions (oneHot, uniform, half, oneHot, uniform, half); cluster 1 is the one-hot's expert
        RoutingStats s = RoutingStats.measure("x", r, List.of(seq(7, 1)), 0);
        assertEquals(6, s.positions());
        assertEquals(1, s.sequences());
        assertEquals((1 + 0.25 + 0.5) / 3, s.meanMaxWeight(), 1e-6);
        assertEquals((0 + Math.log(4) + Math.log(2)) / 3, s.meanEntropy(), 1e-6);
        assertEquals((1 + 4 + 2) / 3.0, s.effectiveExperts(), 1e-5);
        assertEquals(2.0 / 6, s.shareAtLeast(0.9), 1e-12);
        assertEquals(0.25, s.maxWeightQuantile(0), 1e-7);
        assertEquals(0.5, s.maxWeightQuantile(0.5), 1e-7);
        assertEquals(1.0, s.maxWeightQuantile(1), 1e-7);
        // argmax ties go to the lower index: uniform and half pick expert 0, not the sequence's cluster 1
        assertEquals(2.0 / 6, s.ownClusterShare(), 1e-12);

        Table sum = s.summary();
        assertEquals(1, sum.rowCount());
        assertEquals(4, sum.intColumn("K").getInt(0));
        assertEquals(s.meanEntropy() / Math.log(4), sum.doubleColumn("entropy / ln K").getDouble(0), 1e-12);
    }

    @Test
    void truncatesToTheContextAndSkipsUnlabelledSequencesInTheAgreement() {
        FixedRouter r = new FixedRouter(new double[][] {{0.9, 0.1}});
        List<EvalSequence> seqs = List.of(seq(50, 0), seq(3, EvalSequence.NO_CLUSTER), seq(1, 1));
        RoutingStats s = RoutingStats.measure("t", r, seqs, 10);
        assertEquals(9 + 2 + 0, s.positions(), "a sequence of 50 tokens truncated to 10 predicts 9");
        assertEquals(1.0, s.ownClusterShare(), 1e-12, "only the labelled sequence counts");
        RoutingStats none = RoutingStats.measure("t", r, List.of(seq(4, EvalSequence.NO_CLUSTER)), 0);
        assertTrue(Double.isNaN(none.ownClusterShare()));
        assertThrows(IllegalArgumentException.class, () -> RoutingStats.measure("t", r, List.of(seq(1, 0)), 0));
        assertThrows(IllegalArgumentException.class, () -> RoutingStats.measure("t", r, List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> RoutingStats.measure("t", r, seqs, 1));
    }

    @Test
    void histogramsCountEveryPositionOnce() {
        FixedRouter r = new FixedRouter(new double[][] {{1, 0, 0}, {0.6, 0.3, 0.1}, {1 / 3.0, 1 / 3.0, 1 / 3.0}});
        RoutingStats s = RoutingStats.measure("h", r, List.of(seq(10, 0), seq(5, 2)), 0);
        Table h = s.maxWeightDistribution(10);
        assertEquals(10, h.rowCount());
        assertEquals(s.positions(), h.longColumn("positions").sum(), 1e-9);
        assertEquals(1.0, h.doubleColumn("cumulative share").getDouble(9), 1e-12);
        // top weight 1 falls in the last bin (closed on the right), 0.6 in [0.6, 0.7), 1/3 in [0.3, 0.4)
        long ones = h.longColumn("positions").getLong(9);
        long sixes = h.longColumn("positions").getLong(6);
        long thirds = h.longColumn("positions").getLong(3);
        assertEquals(3 + 2, ones); // positions 0, 3, 6 of the first sequence, 0, 3 of the second
        assertEquals(3 + 1, sixes);
        assertEquals(3 + 1, thirds);
        Table e = s.entropyDistribution(10);
        assertEquals(Math.log(3), e.doubleColumn("to").getDouble(9), 1e-12);
        assertEquals(s.positions(), e.longColumn("positions").sum(), 1e-9);
        assertEquals(5, e.longColumn("positions").getLong(0), "one-hot rows have entropy 0");
        assertEquals(4, e.longColumn("positions").getLong(9), "uniform rows have entropy ln K (last bin)");
        // H(0.6, 0.3, 0.1) = 0.898 nats = 0.817 ln 3
        assertEquals(4, e.longColumn("positions").getLong(8));
    }

    @Test
    void byPositionGroupsPredictedTokenIndices() {
        FixedRouter r = new FixedRouter(new double[][] {{0.5, 0.5}, {1, 0}});
        RoutingStats s = RoutingStats.measure("p", r, List.of(seq(9, 0)), 0); // positions 1..8
        Table t = s.byPosition(1, 3, 5);
        assertEquals(3, t.rowCount());
        assertEquals(List.of(2L, 2L, 4L), t.longColumn("positions").asList());
        assertEquals(-1, t.intColumn("to").getInt(2));
        // positions 1, 2 have rows 0 (half) and 1 (one-hot): mean top weight 0.75
        assertEquals(0.75, t.doubleColumn("mean top weight").getDouble(0), 1e-12);
        assertEquals(Math.log(2) / 2, t.doubleColumn("mean entropy").getDouble(0), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> s.byPosition(0, 4));
        assertThrows(IllegalArgumentException.class, () -> s.byPosition(4, 4));
    }

    @Test
    void centroidRouterMatchesItsOwnWeightsAndSharpensWithLowerTemperature() {
        CentroidRouter base = new CentroidRouter(F.clusters, F.tokenizer, RoutingConfig.paper());
        List<RoutingStats> byT = new ArrayList<>();
        for (double t : new double[] {1.0, 0.1, 0.01}) {
            CentroidRouter r = base.with(RoutingConfig.paper().withTemperature(t));
            RoutingStats s = RoutingStats.measure("T=" + t, r, F.test, 0);
            // the mean top weight and entropy from the router's own weights, directly
            double max = 0;
            double ent = 0;
            int n = 0;
            for (EvalSequence q : F.test) {
                RoutingWeights w = r.route(q);
                for (int p = 0; p < w.positions(); p++) {
                    double m = 0;
                    for (int j = 0; j < TopicFixture.K; j++) {
                        double x = w.get(p, j);
                        m = Math.max(m, x);
                        ent -= x > 0 ? x * Math.log(x) : 0;
                    }
                    max += m;
                    n++;
                }
            }
            assertEquals(n, s.positions());
            assertEquals(max / n, s.meanMaxWeight(), 1e-6);
            assertEquals(ent / n, s.meanEntropy(), 1e-6);
            byT.add(s);
        }
        for (int i = 1; i < byT.size(); i++) {
            assertTrue(byT.get(i).meanMaxWeight() > byT.get(i - 1).meanMaxWeight(), "a lower T gives peakier weights");
            assertTrue(byT.get(i).meanEntropy() < byT.get(i - 1).meanEntropy());
        }
        // on these well separated topics the router ends up on the document's own cluster most of the time
        assertTrue(byT.get(2).ownClusterShare() > 0.6, "own-cluster share " + byT.get(2).ownClusterShare());
        assertEquals(3, RoutingStats.summaries(byT).rowCount());
    }
}
