package org.cbtm.present;

import java.util.List;
import java.util.Locale;

/**
 * The colours of every figure, defined once.
 *
 * <ul>
 *   <li>One fixed colour per <b>method</b> ({@link #method}): a method is drawn in the same colour in every figure
 *   of every notebook. Names are matched by prefix, case-insensitively, as they appear in the {@code clustering}
 *   column of result tables and in series names derived from it ("oracle (balanced)", "balanced K=4 vs dense %",
 *   "balanced top-1"): dense, balanced, unbalanced, random, oracle, MoE, BTM (and "metadata", the split BTM
 *   trains on), SmallTalk. Any other name gets a colour of the categorical sequence chosen by a hash of the name,
 *   so it too is the same in every figure.</li>
 *   <li>One {@linkplain #categorical categorical sequence} for everything else: sources, experts, clusters, K
 *   values, metrics.</li>
 *   <li>{@linkplain #ramp Shades} of a method's colour when several series of one method differ by an ordered
 *   setting (K = 2 light, ..., the largest K in the method's own colour).</li>
 *   <li>Colour scales for heatmaps.</li>
 * </ul>
 */
public final class Palette {
    private Palette() {
    }

    // ------------------------------------------------------------------ methods

    /** The dense baseline (K = 1): near-black grey, drawn dashed or dotted as a reference. */
    public static final String DENSE = "#444444";
    /** Balanced k-means clusters (C-BTM). */
    public static final String BALANCED = "#1f77b4";
    /** Unbalanced k-means clusters. */
    public static final String UNBALANCED = "#d62728";
    /** Random splits of the data. */
    public static final String RANDOM = "#ff7f0e";
    /** Oracle routing (the expert of the document's own cluster). */
    public static final String ORACLE = "#2ca02c";
    /** The sparse-upcycled mixture-of-experts baseline. */
    public static final String MOE = "#9467bd";
    /** Branch-Train-Merge: experts on metadata domains. */
    public static final String BTM = "#8c564b";
    /** SmallTalk LM. */
    public static final String SMALLTALK = "#e377c2";

    /** Reference lines and marks that are not data (y = 1, the end of the seed phase). */
    public static final String REFERENCE = "#777777";
    /** Marks that must stand out on any cell colour (the diagonal of an expert x cluster heatmap). */
    public static final String HIGHLIGHT = "#ffb000";
    /** The seed run of a loss-curve figure (what every expert branches from). */
    public static final String SEED = "#222222";

    /** Method name prefixes (lower case) and their colours, most specific first. */
    private static final List<String[]> METHODS = List.of(
            new String[] {"dense", DENSE},
            new String[] {"unbalanced", UNBALANCED},
            new String[] {"balanced", BALANCED},
            new String[] {"random", RANDOM},
            new String[] {"oracle", ORACLE},
            new String[] {"moe", MOE},
            new String[] {"sparse-upcycled", MOE},
            new String[] {"upcycled", MOE},
            new String[] {"c-btm", BALANCED},
            new String[] {"branch-train-mix", BTM},
            new String[] {"btm", BTM},
            new String[] {"metadata", BTM},
            new String[] {"smalltalk", SMALLTALK},
            new String[] {"small talk", SMALLTALK});

    /**
     * The colour of a method (see the class comment), e.g. {@code method("oracle (balanced)")} is {@link #ORACLE}.
     * Never null: unknown names get a stable colour of the {@linkplain #categorical categorical sequence}.
     */
    public static String method(String name) {
        String known = knownMethod(name);
        if (known != null) {
            return known;
        }
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return CATEGORICAL.get(Math.floorMod(key.hashCode(), CATEGORICAL.size()));
    }

    /** The fixed colour of a known method, or null when {@code name} is none of them. */
    public static String knownMethod(String name) {
        if (name == null) {
            return null;
        }
        String key = name.strip().toLowerCase(Locale.ROOT);
        for (String[] m : METHODS) {
            if (key.startsWith(m[0])) {
                return m[1];
            }
        }
        return null;
    }

    /**
     * The place of a method in legends: dense, balanced, unbalanced, random, oracle, MoE, BTM, SmallTalk, then
     * every other name (after all known ones).
     */
    public static int methodRank(String name) {
        String known = knownMethod(name);
        int i = known == null ? -1 : ORDER.indexOf(known);
        return i < 0 ? ORDER.size() : i;
    }

    /** The methods in legend order. */
    private static final List<String> ORDER = List.of(DENSE, BALANCED, UNBALANCED, RANDOM, ORACLE, MOE, BTM, SMALLTALK);

    // ------------------------------------------------------------------ everything else

    /**
     * The categorical sequence (Tableau 10): softer than the method colours, for sources, experts, clusters, K values
     * and metrics.
     */
    public static final List<String> CATEGORICAL = List.of("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
            "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac");
    /** The sequence for more than ten groups (Plotly's Dark24). */
    public static final List<String> CATEGORICAL_LARGE = List.of(
            "#2E91E5", "#E15F99", "#1CA71C", "#FB0D0D", "#DA16FF", "#222A2A", "#B68100", "#750D86", "#EB663B",
            "#511CFB", "#00A08B", "#FB00D1", "#FC0080", "#B2828D", "#6C7C32", "#778AAE", "#862A16", "#A777F1",
            "#620042", "#1616A7", "#DA60CA", "#6C4516", "#0D2A63", "#AF0038");

    /** Colour {@code i} of the categorical sequence (cycling). */
    public static String categorical(int i) {
        return CATEGORICAL.get(Math.floorMod(i, CATEGORICAL.size()));
    }

    /** Colour {@code i} of {@code n} groups: the categorical sequence, or the larger one beyond ten groups. */
    public static String categorical(int i, int n) {
        List<String> p = n <= CATEGORICAL.size() ? CATEGORICAL : CATEGORICAL_LARGE;
        return p.get(Math.floorMod(i, p.size()));
    }

    /**
     * Shade {@code i} of {@code n} of a colour, for series of one method that differ by an ordered setting: the last
     * ({@code i = n - 1}) is the colour itself, the first the lightest (mixed 50% with white).
     */
    public static String ramp(String colour, int i, int n) {
        if (n <= 1 || i >= n - 1) {
            return colour;
        }
        return mix(colour, "#ffffff", 0.5 * (n - 1 - i) / (n - 1));
    }

    /**
     * Variant {@code j} of a colour, for further series of one method: 0 is the colour itself, later ones lighter
     * (at most 55% white). Dashes tell them apart too.
     */
    public static String variant(String colour, int j) {
        if (j <= 0) {
            return colour;
        }
        return mix(colour, "#ffffff", Math.min(0.55, 0.2 * j));
    }

    /** {@code a} mixed with {@code b}: share {@code t} of {@code b} (0 is {@code a}). Colours as "#rrggbb". */
    public static String mix(String a, String b, double t) {
        int[] x = rgb(a);
        int[] y = rgb(b);
        StringBuilder s = new StringBuilder("#");
        for (int c = 0; c < 3; c++) {
            int v = (int) Math.round(x[c] + (y[c] - x[c]) * t);
            s.append(String.format(Locale.ROOT, "%02x", Math.max(0, Math.min(255, v))));
        }
        return s.toString();
    }

    private static int[] rgb(String hex) {
        if (hex == null || !hex.matches("#[0-9a-fA-F]{6}")) {
            throw new IllegalArgumentException("a colour is #rrggbb, got " + hex);
        }
        int v = Integer.parseInt(hex.substring(1), 16);
        return new int[] {(v >> 16) & 255, (v >> 8) & 255, v & 255};
    }

    // ------------------------------------------------------------------ colour scales

    /** White to dark blue (ColorBrewer Blues): 0 is white, so empty cells disappear. */
    public static final List<List<Object>> BLUES = List.of(List.of(0, "#f7fbff"), List.of(0.125, "#deebf7"),
            List.of(0.25, "#c6dbef"), List.of(0.375, "#9ecae1"), List.of(0.5, "#6baed6"), List.of(0.625, "#4292c6"),
            List.of(0.75, "#2171b5"), List.of(0.875, "#08519c"), List.of(1, "#08306b"));
    /** Dark blue (0: the best) to white (the worst): {@link #BLUES} reversed. */
    public static final List<List<Object>> BLUES_REVERSED = List.of(List.of(0, "#08306b"), List.of(0.125, "#08519c"),
            List.of(0.25, "#2171b5"), List.of(0.375, "#4292c6"), List.of(0.5, "#6baed6"), List.of(0.625, "#9ecae1"),
            List.of(0.75, "#c6dbef"), List.of(0.875, "#deebf7"), List.of(1, "#f7fbff"));
    /** Dark blue (best) to white (worst), steep at the dark end so that small differences already show. */
    public static final List<List<Object>> BLUES_REVERSED_STEEP = List.of(List.of(0, "#08306b"),
            List.of(0.12, "#2171b5"), List.of(0.3, "#6baed6"), List.of(0.55, "#c6dbef"), List.of(1, "#f7fbff"));
}
