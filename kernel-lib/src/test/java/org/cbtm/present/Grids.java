package org.cbtm.present;

import static org.cbtm.eval.ResultColumns.BUDGET;
import static org.cbtm.eval.ResultColumns.DISTANCE;
import static org.cbtm.eval.ResultColumns.EXPERT;
import static org.cbtm.eval.ResultColumns.INFERENCE_PARAMS;
import static org.cbtm.eval.ResultColumns.K;
import static org.cbtm.eval.ResultColumns.METHOD;
import static org.cbtm.eval.ResultColumns.PERPLEXITY;
import static org.cbtm.eval.ResultColumns.SEED;
import static org.cbtm.eval.ResultColumns.TEMPERATURE;
import static org.cbtm.eval.ResultColumns.TOP_K;
import static org.cbtm.eval.ResultColumns.TRAINING_TOKENS;

import java.util.ArrayList;
import java.util.List;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Grid result tables for the plot tests, built by hand with the column names of {@code ResultColumns} (the
 * presentation layer may not use the experiment package that builds them in the notebooks). The top-k column is an
 * int column, or a string column ("1", ..., "all") when {@link #stringTopK}.
 */
final class Grids {
    private final List<Object[]> rows = new ArrayList<>();
    private boolean stringTopK;
    private boolean withSeed;

    static Grids grid() {
        return new Grids();
    }

    /** The top-k column as strings ("all" for every expert), as the grid tables will have it. */
    Grids stringTopK() {
        stringTopK = true;
        return this;
    }

    /** Adds a seed column. */
    Grids withSeed() {
        withSeed = true;
        return this;
    }

    /**
     * A row: method, K, budget, top-k (0 for all), temperature, distance form, perplexity, inference parameters per
     * token, seed.
     */
    Grids row(String method, int k, long budget, int topK, double t, String distance, double ppl, double params, long seed) {
        rows.add(new Object[] {method, k, budget, topK, t, distance, ppl, params, seed});
        return this;
    }

    /** A row at T = 0.1, the paper's distance form, seed 0. */
    Grids row(String method, int k, long budget, int topK, double ppl, double params) {
        return row(method, k, budget, topK, 0.1, "paper", ppl, params, 0);
    }

    /** A dense row (K = 1). */
    Grids dense(long budget, double ppl, double params) {
        return row("dense", 1, budget, 0, ppl, params);
    }

    Table build() {
        StringColumn method = StringColumn.create(METHOD);
        IntColumn k = IntColumn.create(K);
        LongColumn budget = LongColumn.create(BUDGET);
        StringColumn expert = StringColumn.create(EXPERT);
        IntColumn topInt = IntColumn.create(TOP_K);
        StringColumn topText = StringColumn.create(TOP_K);
        DoubleColumn temperature = DoubleColumn.create(TEMPERATURE);
        StringColumn distance = StringColumn.create(DISTANCE);
        DoubleColumn ppl = DoubleColumn.create(PERPLEXITY);
        LongColumn tokens = LongColumn.create(TRAINING_TOKENS);
        DoubleColumn params = DoubleColumn.create(INFERENCE_PARAMS);
        LongColumn seed = LongColumn.create(SEED);
        for (Object[] r : rows) {
            int kk = (Integer) r[1];
            int top = (Integer) r[3];
            method.append((String) r[0]);
            k.append(kk);
            budget.append((Long) r[2]);
            expert.append("kn4");
            topInt.append(top == 0 || top > kk ? kk : top);
            topText.append(top == 0 || top >= kk ? "all" : Integer.toString(top));
            temperature.append((Double) r[4]);
            distance.append((String) r[5]);
            ppl.append((Double) r[6]);
            tokens.append((Long) r[2]);
            params.append((Double) r[7]);
            seed.append((Long) r[8]);
        }
        Table t = Table.create("grid", method, k, budget, expert, stringTopK ? topText : topInt, temperature, distance,
                ppl, tokens, params);
        if (withSeed) {
            t.addColumns(seed);
        }
        return t;
    }

    // ------------------------------------------------------------------ grids like the notebooks'

    /** Notebook 06: dense, and for K = 2, 4: balanced (all experts), balanced top-1, random. */
    static Table randomClusters(boolean stringTopK) {
        Grids g = grid().dense(1000, 100, 1000);
        double[] base = {95, 90};
        int[] ks = {2, 4};
        for (int i = 0; i < 2; i++) {
            g.row("balanced", ks[i], 1000, 0, base[i], 1000);
            g.row("balanced", ks[i], 1000, 1, base[i] + 8, 500.0 / ks[i]);
            g.row("random", ks[i], 1000, 0, base[i] + 20, 1000);
        }
        return (stringTopK ? g.stringTopK() : g).build();
    }

    /** Notebook 08: budgets 1k, 2k, 4k times K = 1, 2, 4 (all experts). */
    static Table scaling() {
        Grids g = grid();
        long[] budgets = {1000, 2000, 4000};
        for (int b = 0; b < budgets.length; b++) {
            g.dense(budgets[b], 100 - 10 * b, 1000);
            g.row("balanced", 2, budgets[b], 0, 100 - 10 * b + 2, 1000);
            g.row("balanced", 4, budgets[b], 0, 100 - 10 * b + 5, 1000);
        }
        return g.build();
    }

    /** Notebook 05: dense; K = 4 with top-1, 2, all; K = 8 with top-1, 2, 4, all. */
    static Table topK(boolean stringTopK) {
        Grids g = grid().dense(1000, 100, 1000)
                .row("balanced", 4, 1000, 1, 110, 300)
                .row("balanced", 4, 1000, 2, 96, 550)
                .row("balanced", 4, 1000, 0, 92, 1050)
                .row("balanced", 8, 1000, 1, 120, 160)
                .row("balanced", 8, 1000, 2, 100, 290)
                .row("balanced", 8, 1000, 4, 93, 540)
                .row("balanced", 8, 1000, 0, 91, 1040);
        return (stringTopK ? g.stringTopK() : g).build();
    }
}
