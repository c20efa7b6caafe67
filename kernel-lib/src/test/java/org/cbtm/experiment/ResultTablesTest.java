package org.cbtm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Result tables and figures on synthetic grids. */
class ResultTablesTest {

    /** clustering, k, budget, top_k, perplexity and the accounting columns of runGrid. */
    private static Table grid(Object[][] rows) {
        StringColumn clustering = StringColumn.create("clustering");
        IntColumn k = IntColumn.create("k");
        LongColumn budget = LongColumn.create("budget");
        StringColumn expert = StringColumn.create("expert");
        IntColumn topK = IntColumn.create("top_k");
        DoubleColumn ppl = DoubleColumn.create("perplexity");
        LongColumn tokens = LongColumn.create("training_tokens");
        DoubleColumn flops = DoubleColumn.create("training_flops");
        DoubleColumn params = DoubleColumn.create("inference_params");
        DoubleColumn perToken = DoubleColumn.create("experts_per_token");
        DoubleColumn trainS = DoubleColumn.create("train_wall_s");
        DoubleColumn evalS = DoubleColumn.create("eval_wall_s");
        StringColumn device = StringColumn.create("device");
        for (Object[] r : rows) {
            clustering.append((String) r[0]);
            k.append((Integer) r[1]);
            budget.append((Long) r[2]);
            topK.append((Integer) r[3]);
            ppl.append((Double) r[4]);
            expert.append("kn4");
            tokens.append((Long) r[2]);
            flops.append(Double.NaN);
            params.append(1000.0 * (Integer) r[3]);
            perToken.append((Integer) r[3]);
            trainS.append(1.5);
            evalS.append(0.5);
            device.append("cpu");
        }
        return Table.create("grid", clustering, k, budget, expert, topK, ppl, tokens, flops, params, perToken, trainS,
                evalS, device);
    }

    private static final Table SIX = grid(new Object[][] {
            {"dense", 1, 500L, 1, 100.0},
            {"balanced", 2, 500L, 2, 95.0}, {"random", 2, 500L, 2, 104.0},
            {"balanced", 4, 500L, 4, 97.0}, {"random", 4, 500L, 4, 110.0},
            {"balanced", 4, 500L, 1, 99.0}});

    private static final Table EIGHT = grid(new Object[][] {
            {"dense", 1, 1000L, 1, 200.0}, {"balanced", 2, 1000L, 2, 190.0}, {"balanced", 4, 1000L, 4, 210.0},
            {"dense", 1, 2000L, 1, 150.0}, {"balanced", 2, 2000L, 2, 140.0}, {"balanced", 4, 2000L, 4, 130.0},
            {"dense", 1, 4000L, 1, 100.0}, {"balanced", 2, 4000L, 2, 102.0}, {"balanced", 4, 4000L, 4, 101.0}});

    @Test
    void sizeSearchHasOneRowPerModelAndTheLastStepsChange() {
        Table dense = EIGHT.where(EIGHT.stringColumn("clustering").isEqualTo("dense"));
        Table larger = dense.copy();
        larger.stringColumn("expert").set(larger.stringColumn("expert").isNotMissing(), "bigger");
        larger.replaceColumn("perplexity", larger.doubleColumn("perplexity").multiply(0.5).setName("perplexity"));
        dense.append(larger);
        Table s = ResultTables.sizeSearch(dense);
        assertEquals(List.of("expert", "tokens=1000", "tokens=2000", "tokens=4000", "last step %"), s.columnNames());
        assertEquals(List.of("kn4", "bigger"), s.stringColumn("expert").asList());
        assertEquals(100 * (100.0 / 150 - 1), s.doubleColumn("last step %").get(0), 1e-9);
        assertEquals(75.0, s.doubleColumn("tokens=2000").get(1), 1e-9);
        Table oneBudget = dense.where(dense.longColumn("budget").isEqualTo(1000));
        assertThrows(IllegalArgumentException.class, () -> ResultTables.sizeSearch(oneBudget));
    }

    @Test
    void pivotKeepsOrderAndMarksMissingCells() {
        Table p = ResultTables.pivot(SIX, "k", "clustering", "perplexity", "");
        assertEquals(List.of("k", "dense", "balanced", "random"), p.columnNames());
        assertEquals(List.of("1", "2", "4"), p.stringColumn("k").asList());
        // numeric row keys sort numerically whatever the input order
        Table q = ResultTables.pivot(SIX.sortDescendingOn("k"), "k", "clustering", "perplexity", "");
        assertEquals(List.of("1", "2", "4"), q.stringColumn("k").asList());
        assertTrue(p.doubleColumn("random").isMissing(0));
        // the first row wins on duplicates: balanced K = 4 with all experts, not the top-1 row after it
        assertEquals(97.0, p.doubleColumn("balanced").get(2));
        assertEquals(1, ResultTables.argMin(p, "balanced"));
        assertEquals(0, ResultTables.argMin(p, "dense"), "missing values are skipped");
    }

    @Test
    void perplexityByKComparesWithDense() {
        Table oracle = CbtmAnalysis.oracleTable(List.of(CbtmConfig.balanced(2, Presets.ngram(), 500)),
                List.of(new org.cbtm.eval.PerplexityResult("o", 0, 64,
                        List.of(new org.cbtm.eval.PerplexityResult.DocumentScore("d", "s", 0, 10, 10 * Math.log(90))),
                        0, "cpu")));
        Table t = ResultTables.perplexityByK(SIX, oracle);
        assertEquals(List.of("2", "4"), t.stringColumn("k").asList());
        // columns in order of first appearance: the grid's series, then the extra rows
        assertEquals(List.of("k", "dense", "balanced", "random", "balanced top-1", "oracle (balanced)",
                "balanced vs dense %", "random vs dense %", "balanced top-1 vs dense %", "oracle (balanced) vs dense %"),
                t.columnNames());
        assertEquals(100.0, t.doubleColumn("dense").get(1));
        assertEquals(-5.0, t.doubleColumn("balanced vs dense %").get(0), 1e-9);
        assertEquals(10.0, t.doubleColumn("random vs dense %").get(1), 1e-9);
        assertEquals(90.0, t.doubleColumn("oracle (balanced)").get(0), 1e-9);
        assertTrue(t.doubleColumn("oracle (balanced)").isMissing(1));
    }

    @Test
    void bestKPerBudget() {
        Table b = ResultTables.bestK(EIGHT);
        assertEquals(3, b.rowCount());
        assertEquals(List.of(2, 4, 1), b.intColumn("best K").asList());
        assertEquals(List.of(2, 4, 4), b.intColumn("best K > 1").asList());
        assertEquals(-5.0, b.doubleColumn("vs dense %").get(0), 1e-9);
        assertEquals(1.0, b.doubleColumn("vs dense %").get(2), 1e-9);
        assertThrows(IllegalArgumentException.class,
                () -> ResultTables.bestK(grid(new Object[][] {{"balanced", 2, 10L, 2, 1.0}})));
    }

    @Test
    void spreadGroupsRepeats() {
        Table repeats = grid(new Object[][] {
                {"balanced", 4, 500L, 4, 100.0}, {"random", 4, 500L, 4, 120.0},
                {"balanced", 4, 500L, 4, 104.0}, {"random", 4, 500L, 4, 121.0}, {"balanced", 4, 500L, 4, 99.0}});
        Table s = ResultTables.spread(repeats);
        assertEquals(List.of("balanced", "random"), s.stringColumn("clustering").asList());
        assertEquals(List.of(3, 2), s.intColumn("runs").asList());
        assertEquals(101.0, s.doubleColumn("mean").get(0), 1e-9);
        assertEquals(5.0, s.doubleColumn("spread").get(0), 1e-9);
        assertEquals(120.0, s.doubleColumn("min").get(1), 1e-9);
    }

    @Test
    void compareBySourceSortsByGain() {
        Map<String, Table> m = new LinkedHashMap<>();
        m.put("dense", Table.create("d", StringColumn.create("source", "a", "b"), IntColumn.create("documents", 3, 4),
                LongColumn.create("tokens", 30, 40), DoubleColumn.create("perplexity", 100, 200)));
        m.put("balanced", Table.create("b", StringColumn.create("source", "b", "a"), IntColumn.create("documents", 4, 3),
                LongColumn.create("tokens", 40, 30), DoubleColumn.create("perplexity", 150, 110)));
        Table t = ResultTables.compareBySource(m);
        assertEquals(List.of("b", "a"), t.stringColumn("source").asList());
        assertEquals(-25.0, t.doubleColumn("balanced vs dense %").get(0), 1e-9);
        assertEquals(10.0, t.doubleColumn("balanced vs dense %").get(1), 1e-9);
        assertEquals(List.of(4, 3), t.intColumn("documents").asList());
    }

    @Test
    void computeAccountingStatesTheConvention() {
        Table a = ResultTables.computeAccounting(SIX);
        assertEquals(SIX.rowCount(), a.rowCount());
        assertEquals("balanced K=4 kn4 500 top-1", a.stringColumn("run").get(5));
        assertTrue(a.stringColumn("FLOPs convention").get(0).startsWith("n/a"));
        assertEquals(500L, a.longColumn("training tokens").get(0));
    }
}
