package org.cbtm.ensemble;

import org.cbtm.train.NgramExperts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.cbtm.experiment.CbtmConfig;
import org.cbtm.experiment.CbtmExperiment;
import org.cbtm.experiment.CbtmResult;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.route.RoutingConfig;
import org.cbtm.train.ExpertKind;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class EnsembleTablesTest {
    private static final ExpertKind KN = new NgramExperts(new NgramConfig(3));

    private static CbtmResult result(CbtmConfig c, double ppl, double params, double ran) {
        Table empty = Table.create("empty");
        return new CbtmResult(c, ppl, Math.log(ppl), 1000, 0, c.totalTokens(), Double.NaN, params, ran, 0.1, 1, 1,
                "cpu", false, empty, empty, List.of(), null);
    }

    /** A grid like notebook 05's: dense, K = 4 with top-1 / 2 / all, a temperature and a distance-form point. */
    private static Table grid() {
        CbtmConfig base = CbtmConfig.balanced(4, KN, 1000);
        List<CbtmResult> r = new ArrayList<>();
        r.add(result(base.withK(1), 100, 1000, 1));
        r.add(result(base.withTopK(1), 120, 300, 1.5));
        r.add(result(base.withTopK(2), 95, 600, 2.5));
        r.add(result(base, 90, 1200, 4));
        r.add(result(base.withTemperature(1.0), 98, 1200, 4));
        r.add(result(base.withRouting(RoutingConfig.paper().withDistance(RoutingConfig.DistanceForm.REFERENCE)), 91,
                1200, 4));
        return CbtmExperiment.table(r);
    }

    @Test
    void topKEffectComparesWithAllExpertsAndDense() {
        Table g = grid();
        Table sweep = g.where(g.doubleColumn("temperature").isEqualTo(0.1)
                .and(g.stringColumn("distance").isEqualTo("paper")));
        Table t = EnsembleTables.topKEffect(sweep);
        assertEquals(3, t.rowCount());
        assertEquals(List.of("1", "2", "all"), t.stringColumn("top_k").asList());
        assertEquals(100 * (120 / 90.0 - 1), t.doubleColumn("vs all %").getDouble(0), 1e-9);
        assertEquals(0, t.doubleColumn("vs all %").getDouble(2), 1e-12);
        assertEquals(100 * (95 / 100.0 - 1), t.doubleColumn("vs dense %").getDouble(1), 1e-9);
        assertEquals(2.5, t.doubleColumn("experts run per token").getDouble(1), 1e-12);
        Table noAll = sweep.where(sweep.stringColumn("top_k").isNotEqualTo("all"));
        assertThrows(IllegalArgumentException.class, () -> EnsembleTables.topKEffect(noAll));
    }

    @Test
    void temperatureGridAndRouterShares() {
        Table g = grid();
        Table t = EnsembleTables.byTemperature(g.where(g.stringColumn("top_k").isEqualTo("all")));
        assertEquals(2, t.rowCount(), "one row per K and distance form");
        assertEquals(List.of("paper", "reference"), t.stringColumn("distance").asList());
        assertEquals(90, t.doubleColumn("T=0.1").getDouble(0), 1e-12);
        assertEquals(98, t.doubleColumn("T=1.0").getDouble(0), 1e-12);
        assertTrue(t.doubleColumn("T=1.0").isMissing(1), "the reference form was run at T = 0.1 only");
        assertEquals(0.1, t.doubleColumn("best T").getDouble(0), 1e-12);

        Table s = EnsembleTables.routerShare(g);
        assertEquals(List.of("1", "2", "all"), s.stringColumn("top_k").asList());
        assertEquals(List.of(1, 1, 3), s.intColumn("evaluations").asList());
        assertEquals(0.1, s.doubleColumn("median router share").getDouble(2), 1e-12);
    }
}
