package org.cbtm.present;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cbtm.cluster.ClusterAnalytics;
import org.cbtm.cluster.ClusterTables;
import org.cbtm.cluster.DocumentMap;
import org.cbtm.corpus.CorpusStats;
import org.cbtm.corpus.Document;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * One figure of every public figure builder of the package, on small tables shaped like the notebooks' (keyed
 * "Class.method"), for the tests that hold for every figure: axis titles, the style, the palette.
 */
final class AllFigures {
    private AllFigures() {
    }

    /** The plot classes whose public static methods build figures. */
    static final List<Class<?>> PLOT_CLASSES = List.of(ClusterPlots.class, CorpusPlots.class, ExpertPlots.class,
            EnsemblePlots.class, ResultPlots.class, BalancingPlots.class);

    static Map<String, JsonFigure> build() {
        Map<String, JsonFigure> f = new LinkedHashMap<>();
        // cluster
        int[] a = {0, 0, 1, 1, 1, 2};
        List<String> labels = List.of("fiction: general", "fiction: general", "science_fiction", "news", "news",
                "science_fiction");
        f.put("ClusterPlots.overlapHeatmap", ClusterPlots.overlapHeatmap(ClusterAnalytics.overlap(a, labels, 3),
                ClusterPlots.Normalise.ROWS, "overlap"));
        DocumentMap dm = new DocumentMap(new int[] {0, 1, 2}, new double[] {1, 2, 3}, new double[] {3, 2, 1},
                new double[] {0.5, 0.25});
        f.put("ClusterPlots.documentMap", ClusterPlots.documentMap(dm, new String[] {"0", "1", "1"}, null, "map",
                "cluster"));
        Table sizes = ClusterTables.stack(List.of(
                ClusterTables.sizes("balanced", "mix", 2, 1, new int[] {0, 0, 1, 1}),
                ClusterTables.sizes("unbalanced", "mix", 2, 1, new int[] {0, 0, 0, 1}),
                ClusterTables.sizes("random", "mix", 2, 1, new int[] {0, 1, 0, 1})));
        f.put("ClusterPlots.sizeBoxes", ClusterPlots.sizeBoxes(sizes, "mix", "sizes"));
        f.put("ClusterPlots.sortedSizes", ClusterPlots.sortedSizes(sizes, 2, "sorted"));
        Table agreement = ClusterTables.stack(List.of(
                ClusterTables.agreement("balanced", 2, new int[] {0, 0, 1, 1}, List.of("a", "a", "b", "b"), "s"),
                ClusterTables.agreement("balanced", 4, new int[] {0, 1, 2, 3}, List.of("a", "a", "b", "b"), "s"),
                ClusterTables.agreement("random", 2, new int[] {0, 1, 0, 1}, List.of("a", "a", "b", "b"), "s"),
                ClusterTables.agreement("random", 4, new int[] {0, 1, 2, 3}, List.of("a", "a", "b", "b"), "s")));
        f.put("ClusterPlots.linesByK", ClusterPlots.linesByK(agreement, "partition", List.of("NMI"), "agreement", "NMI"));
        // corpus
        CorpusStats stats = corpusStats();
        f.put("CorpusPlots.passagesBySource", CorpusPlots.passagesBySource(stats));
        f.put("CorpusPlots.tokensBySource", CorpusPlots.tokensBySource(stats));
        f.put("CorpusPlots.labels", CorpusPlots.labels(stats, "brown", 10));
        f.put("CorpusPlots.lengthBoxes", CorpusPlots.lengthBoxes(stats));
        f.put("CorpusPlots.lengthHistogram", CorpusPlots.lengthHistogram(stats));
        // experts
        f.put("ExpertPlots.matrixHeatmap", ExpertPlots.matrixHeatmap(new double[][] {{10, 40}, {20, 30}},
                new String[] {"expert 0", "expert 1"}, new String[] {"cluster 0", "cluster 1"}, "matrix"));
        Table curves = Table.create("loss curves", StringColumn.create("run", "seed", "seed", "expert 0", "expert 1"),
                LongColumn.create("tokens_incl_seed", 100, 200, 300, 300),
                DoubleColumn.create("valid_loss", 8, 6, 5.5, 5.7));
        f.put("ExpertPlots.lossCurves", ExpertPlots.lossCurves(curves, "valid_loss", "loss", "nats per token"));
        // ensembles and grids
        Table topK = Grids.topK(false);
        f.put("EnsemblePlots.perplexityByTopK", EnsemblePlots.perplexityByTopK(topK, "top-k"));
        Table temps = Grids.grid().dense(1000, 100, 1000)
                .row("balanced", 4, 1000, 0, 0.1, "paper", 92, 1000, 0)
                .row("balanced", 4, 1000, 0, 1.0, "paper", 96, 1000, 0)
                .row("balanced", 4, 1000, 0, 0.1, "reference", 93, 1000, 0)
                .row("balanced", 4, 1000, 0, 1.0, "reference", 94, 1000, 0).build();
        f.put("EnsemblePlots.perplexityByTemperature", EnsemblePlots.perplexityByTemperature(temps, "T"));
        f.put("EnsemblePlots.lines", EnsemblePlots.lines(temps, "temperature", "perplexity", "distance", "lines",
                "temperature", "perplexity"));
        Table random = Grids.randomClusters(false);
        f.put("ResultPlots.perplexityVsK", ResultPlots.perplexityVsK(random, "vs K"));
        f.put("ResultPlots.perplexityVsTokens", ResultPlots.perplexityVsTokens(Grids.scaling(), "vs tokens"));
        f.put("ResultPlots.changeVsDense", ResultPlots.changeVsDense(Grids.scaling(), "vs dense"));
        f.put("ResultPlots.perplexityVsInferenceParams", ResultPlots.perplexityVsInferenceParams(topK, "vs params"));
        Table matrix = Table.create("m", IntColumn.create("expert", 0, 1, 0, 1), IntColumn.create("cluster", 0, 0, 1, 1),
                DoubleColumn.create("perplexity", 10, 20, 40, 30), DoubleColumn.create("ratio_to_best", 1, 2, 4.0 / 3, 1));
        f.put("ResultPlots.expertClusterHeatmap", ResultPlots.expertClusterHeatmap(matrix, "experts"));
        Table bySource = Table.create("by source", StringColumn.create("source", "fiction: general", "science_fiction"),
                DoubleColumn.create("balanced K=4 vs dense %", -3, 2), DoubleColumn.create("random K=4 vs dense %", 1, 4),
                DoubleColumn.create("oracle K=4 vs dense %", -5, -1));
        f.put("ResultPlots.sourceChanges", ResultPlots.sourceChanges(bySource, List.of("balanced K=4 vs dense %",
                "random K=4 vs dense %", "oracle K=4 vs dense %"), "sources"));
        // balancing
        Table seeds = balancingGrid();
        f.put("BalancingPlots.perplexityOverSeeds", BalancingPlots.perplexityOverSeeds(seeds, overSeeds(), "seeds"));
        f.put("BalancingPlots.clusterRatios", BalancingPlots.clusterRatios(perCluster(), "ratios"));
        Table pairs = Table.create("pairs", IntColumn.create("K", 2, 2, 4), LongColumn.create("seed", 0, 1, 0),
                DoubleColumn.create("difference", -0.2, 0.1, -0.3), DoubleColumn.create("unbalanced vs balanced %", 5, -1, 8));
        f.put("BalancingPlots.changeVsTokens", BalancingPlots.changeVsTokens(pairs, "pairs"));
        return f;
    }

    static CorpusStats corpusStats() {
        return CorpusStats.of(Stream.of(
                new Document("a#p0", "one two three", "brown", "fiction: general", "a", "train", null),
                new Document("a#p1", "three four", "brown", "fiction: general", "a", "train", null),
                new Document("b", "four five six seven", "brown", "science_fiction", "b", "test", null),
                new Document("c", "x y", "bible", "Genesis", "c", "train", null),
                new Document("d", "x y z", "bible", "Exodus", "d", "train", null)), t -> t.split(" ").length);
    }

    /** Notebook 07: dense, balanced and unbalanced at K = 2 and 4, two seeds. */
    static Table balancingGrid() {
        Grids g = Grids.grid().withSeed().row("dense", 1, 1000, 0, 0.1, "paper", 100, 1000, 0);
        for (long seed = 0; seed < 2; seed++) {
            for (int k : new int[] {2, 4}) {
                g.row("balanced", k, 1000, 0, 0.1, "paper", 95 - k + seed, 1000, seed);
                g.row("unbalanced", k, 1000, 0, 0.1, "paper", 97 - k + seed, 1000, seed);
            }
        }
        return g.build();
    }

    /** The means over seeds of {@link #balancingGrid()}, as BalancingLm.overSeeds shapes them. */
    static Table overSeeds() {
        return Table.create("perplexity over seeds", StringColumn.create("clustering", "dense", "balanced", "unbalanced",
                        "balanced", "unbalanced"), IntColumn.create("K", 1, 2, 2, 4, 4), IntColumn.create("runs", 1, 2, 2, 2, 2),
                DoubleColumn.create("mean", 100, 93.5, 95.5, 91.5, 93.5), DoubleColumn.create("min", 100, 93, 95, 91, 93),
                DoubleColumn.create("max", 100, 94, 96, 92, 94));
    }

    static Table perCluster() {
        return Table.create("per cluster", StringColumn.create("method", "balanced", "balanced", "unbalanced", "unbalanced"),
                IntColumn.create("K", 2, 2, 2, 2), LongColumn.create("seed", 0, 0, 0, 0), IntColumn.create("cluster", 0, 1, 0, 1),
                IntColumn.create("test docs", 3, 4, 5, 2), DoubleColumn.create("relative", 1.0, 1.0, 1.4, 0.6),
                DoubleColumn.create("ratio to dense", 0.95, 0.9, 0.97, 1.1));
    }
}
