package org.cbtm.eval;

import java.util.List;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

/**
 * The column names of result tables (a grid's rows, one per config), defined once: every table that holds grid
 * results, every plot and every claim reads them through these names.
 */
public final class ResultColumns {
    private ResultColumns() {
    }

    /** How the data was split: "dense" (K = 1), "balanced", "unbalanced", "random", "metadata", ... */
    public static final String METHOD = "clustering";
    /** Number of clusters (experts). */
    public static final String K = "k";
    /** Expert training tokens of the whole run (all experts together), the budget compared at. */
    public static final String BUDGET = "budget";
    /** The expert kind's short name, e.g. "kn4" or "gpt-2l128d". */
    public static final String EXPERT = "expert";
    /** Experts kept per position: "1", "2", ... or "all". */
    public static final String TOP_K = "top_k";
    /** The routing temperature T. */
    public static final String TEMPERATURE = "temperature";
    /** The distance form of the centroid router ("paper" or "reference"). */
    public static final String DISTANCE = "distance";
    /** The router's short description (e.g. "centroid", "random", "uniform"). */
    public static final String ROUTER = "router";
    /** The seed of the clustering and of random routing. */
    public static final String SEED = "seed";
    /** Test perplexity, exp(mean NLL) over every predicted test token. */
    public static final String PERPLEXITY = "perplexity";
    public static final String TEST_TOKENS = "test_tokens";
    public static final String SEED_TOKENS = "seed_tokens";
    /** Tokens the experts actually trained on, together. */
    public static final String TRAINING_TOKENS = "training_tokens";
    public static final String TRAINING_FLOPS = "training_flops";
    /** Parameters run per test token (the selected experts and the router). */
    public static final String INFERENCE_PARAMS = "inference_params";
    public static final String EXPERTS_PER_TOKEN = "experts_per_token";
    public static final String ROUTER_SHARE = "router_share";
    public static final String TRAIN_WALL_S = "train_wall_s";
    public static final String EVAL_WALL_S = "eval_wall_s";
    public static final String DEVICE = "device";
    public static final String CACHED = "cached";

    /** The settings a grid varies, in the order plots name series by them. */
    public static final List<String> SETTINGS = List.of(METHOD, EXPERT, BUDGET, K, TOP_K, TEMPERATURE, DISTANCE, ROUTER,
            SEED);

    /** The text of a top-k setting: "all" when every one of {@code k} experts is kept. */
    public static String topKText(int topK, int k) {
        return topK >= k ? "all" : Integer.toString(topK);
    }

    /** The number of experts kept in row {@code row} ("all" is K). */
    public static int topK(Table t, int row) {
        int k = t.intColumn(K).getInt(row);
        if (t.column(TOP_K).type() == ColumnType.STRING) {
            String s = t.stringColumn(TOP_K).get(row);
            return "all".equals(s) ? k : Integer.parseInt(s);
        }
        return Math.min(k, t.intColumn(TOP_K).getInt(row));
    }

    /** Whether row {@code row} keeps every expert. */
    public static boolean keepsAll(Table t, int row) {
        return topK(t, row) >= t.intColumn(K).getInt(row);
    }
}
