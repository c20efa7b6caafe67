package org.cbtm.experiment;

import org.cbtm.base.CsvTables;
import org.cbtm.base.ProjectPaths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.cbtm.cluster.ClusterModel;
import org.cbtm.cluster.FittedPartition;
import org.cbtm.cluster.KMeansPartitioner;
import org.cbtm.cluster.RandomPartition;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalConfig;
import org.cbtm.eval.EvalSequence;
import org.cbtm.eval.EvalSequences;
import org.cbtm.eval.ComputeAccount;
import org.cbtm.eval.Perplexity;
import org.cbtm.eval.PerplexityResult;
import org.cbtm.lm.LanguageModel;
import org.cbtm.base.Progress;
import org.cbtm.route.CentroidRouter;
import org.cbtm.route.RandomRouter;
import org.cbtm.route.Router;
import org.cbtm.route.UniformRouter;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.train.CbtmExperts;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.ExpertKind;
import org.cbtm.corpus.TokenShard;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Runs C-BTM grid points end to end on one train / test split, caching every stage in an {@link ArtifactStore}:
 * the clustering (keyed by clustering, K, seed and the training texts), the seed and the experts (stable folders
 * keyed by everything that shapes them, so an interrupted training resumes), and the evaluation (keyed by the
 * whole config and the test texts). Re-running a notebook therefore recomputes only what changed, and a grid that
 * crashed continues where it stopped.
 *
 * <pre>{@code
 * CbtmExperiment exp = CbtmExperiment.standard();
 * Table results = exp.runGrid(List.of(CbtmConfig.of(1, 500_000, 0, kn4), CbtmConfig.of(4, 500_000, 0, kn4)));
 * }</pre>
 */
public final class CbtmExperiment implements AutoCloseable {

    private final List<Document> train;
    private final List<Document> test;
    private final Tokenizer tokenizer;
    private final ArtifactStore store;
    private final String trainPrint;
    private final String testPrint;
    private final EvalConfig evalConfig;
    private TokenShard trainShard;
    private final Map<String, FittedPartition> partitions = new LinkedHashMap<>();
    private final Map<String, List<EvalSequence>> testSequences = new LinkedHashMap<>();
    private String loadedKey;
    private List<LanguageModel> loaded;

    /**
     * An experiment on {@code train} (clustered, trained on) and {@code test} (evaluated on).
     *
     * @param evalConfig how perplexity is measured; its context length must be fixed (not 0) when experts of
     *                   different context lengths are compared in one grid
     */
    public CbtmExperiment(List<Document> train, List<Document> test, Tokenizer tokenizer, ArtifactStore store,
                          EvalConfig evalConfig) {
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("an experiment needs training and test documents (got " + train.size()
                    + " and " + test.size() + ")");
        }
        this.train = List.copyOf(train);
        this.test = List.copyOf(test);
        this.tokenizer = tokenizer;
        this.store = store;
        this.evalConfig = evalConfig;
        this.trainPrint = ArtifactStore.fingerprintTexts(this.train.stream().map(Document::text).toList())
                + "/" + tokenizer.sha256();
        this.testPrint = ArtifactStore.fingerprintTexts(this.test.stream().map(Document::text).toList())
                + "/" + tokenizer.sha256();
    }

    /**
     * The standard experiment: the profile's {@link Mixture#standard()} training and test splits of the built
     * corpus, its tokenizer, the project's artifact store, and test documents truncated to {@code evalContext}
     * tokens (the context of the transformer experts, so n-gram and transformer rows score the same tokens).
     * The training passages keep the mixture's order (source by source): the driver, not this experiment, makes an
     * expert's budget a random sample of its cluster ({@link CbtmTraining}).
     */
    public static CbtmExperiment standard(int evalContext) {
        Corpus corpus = Corpora.load();
        Mixture mixture = Mixture.standard();
        return new CbtmExperiment(mixture.sample(corpus, Split.TRAIN), mixture.sample(corpus, Split.TEST),
                Corpora.tokenizer(), ArtifactStore.standard(),
                EvalConfig.defaults().withContextLength(evalContext).withProgress(false));
    }

    public List<Document> trainDocuments() {
        return train;
    }

    public List<Document> testDocuments() {
        return test;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ArtifactStore store() {
        return store;
    }

    /** The whole training mixture as one shard (the seed's data, and the dense baseline's). */
    public synchronized TokenShard trainShard() {
        if (trainShard == null) {
            trainShard = TokenShard.encode(tokenizer, train);
        }
        return trainShard;
    }

    // ---------------------------------------------------------------- stages

    /** What a clustering depends on; K = 1 is one cluster whatever the config's clustering. */
    private record PartitionKey(CbtmConfig.Clustering clustering, int k, long seed) {
        static PartitionKey of(CbtmConfig c) {
            return new PartitionKey(c.isDense() ? CbtmConfig.Clustering.RANDOM : c.clustering(), c.k(), c.seed());
        }
    }

    /** The fitted partition of a config (K = 1: everything in one cluster); k-means fits are cached. */
    public synchronized FittedPartition partition(CbtmConfig c) {
        PartitionKey key = PartitionKey.of(c);
        String id = key.toString();
        FittedPartition p = partitions.get(id);
        if (p != null) {
            return p;
        }
        p = switch (key.clustering()) {
            case RANDOM -> new RandomPartition(c.k(), c.seed());
            case BALANCED, UNBALANCED -> {
                var artifact = store.getOrCompute("clustering", key, Map.of("train", trainPrint), dir -> {
                    ClusterModel m = KMeansPartitioner.reference(c.k(), key.clustering() == CbtmConfig.Clustering.BALANCED,
                            c.seed()).fit(train.stream().map(Document::text).toList());
                    m.save(dir.resolve("model.zip"));
                    return Map.of("k", c.k());
                });
                yield ClusterModel.load(artifact.file("model.zip"));
            }
        };
        partitions.put(id, p);
        return p;
    }

    /** What shapes a set of experts; {@code recipe} changes when the driver trains differently from the same inputs. */
    private record TrainingKey(PartitionKey partition, long totalTokens, long seedTokens, ExpertKind expert, int recipe) {
        static final int RECIPE = 2; // 2: n-gram experts sample their cluster in a seeded order within the budget
    }

    private record SeedKey(ExpertKind expert, long seedTokens) {
    }

    /** Trains (or finds) the seed and experts of a config. */
    public CbtmExperts experts(CbtmConfig c) {
        FittedPartition p = partition(c);
        PartitionKey pk = PartitionKey.of(c);
        Path expertsDir = store.folder("experts", ArtifactStore.key("experts",
                new TrainingKey(pk, c.totalTokens(), c.seedTokens(), c.expert(), TrainingKey.RECIPE), Map.of("train", trainPrint)));
        Path seedDir = store.folder("seed", ArtifactStore.key("seed", new SeedKey(c.expert(), c.seedTokens()),
                Map.of("train", trainPrint)));
        var shards = ClusterShards.build(p, train, tokenizer);
        var data = new CbtmTraining.Data(shards.shards(), trainShard(), null);
        return CbtmTraining.run(CbtmTraining.Plan.of(c.expert(), c.seedTokens(), c.totalTokens()), data, seedDir,
                expertsDir);
    }

    /** The test documents labelled with the config's clusters. */
    public synchronized List<EvalSequence> testSequences(CbtmConfig c) {
        FittedPartition p = partition(c);
        return testSequences.computeIfAbsent(p.describe() + "/" + c.seed(), x -> EvalSequences.of(tokenizer, test, p));
    }

    /** The router of a config: centroid router for k-means clusters, random for random clusters, uniform for K = 1. */
    public Router router(CbtmConfig c) {
        FittedPartition p = partition(c);
        if (c.isDense()) {
            return new UniformRouter(1);
        }
        return switch (p) {
            case ClusterModel m -> new CentroidRouter(m, tokenizer, c.routing());
            default -> new RandomRouter(c.k(), Math.min(c.k(), c.routing().topK()), c.seed());
        };
    }

    private record EvalKey(CbtmConfig config, int contextLength) {
    }

    /** Runs one grid point (training and evaluation as needed). */
    public CbtmResult run(CbtmConfig c) {
        CbtmExperts experts = experts(c);
        var artifact = store.getOrCompute("evaluation", new EvalKey(c, evalConfig.contextLength()),
                Map.of("train", trainPrint, "test", testPrint), dir -> {
                    SparseEnsemble ensemble = new SparseEnsemble(load(c, experts), router(c));
                    EvalConfig ec = evalConfig.withThreads(c.expert() instanceof ExpertKind.Ngram
                            ? Runtime.getRuntime().availableProcessors() : 1);
                    PerplexityResult r = Perplexity.evaluate(ensemble, testSequences(c), ec);
                    ComputeAccount account = ComputeAccount.unknown();
                    CsvTables.write(r.byCluster(account), dir.resolve("by-cluster.csv"));
                    CsvTables.write(r.bySource(account), dir.resolve("by-source.csv"));
                    var stats = ensemble.stats();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("perplexity", r.perplexity());
                    m.put("mean_nll", r.meanNll());
                    m.put("test_tokens", r.tokens());
                    m.put("inference_params", stats.parametersPerToken());
                    m.put("experts_per_token", stats.expertsPerPosition());
                    m.put("router_share", stats.routerShare());
                    m.put("eval_s", r.wallSeconds());
                    return m;
                });
        JsonNode m = artifact.metrics();
        return new CbtmResult(c, m.path("perplexity").asDouble(), m.path("mean_nll").asDouble(),
                m.path("test_tokens").asLong(), experts.seedTokens(), experts.expertTokens(), experts.expertFlops(),
                m.path("inference_params").asDouble(), m.path("experts_per_token").asDouble(),
                m.path("router_share").asDouble(), experts.expertSeconds(), m.path("eval_s").asDouble(),
                experts.device(), artifact.reused(), CsvTables.read(artifact.file("by-cluster.csv")),
                CsvTables.read(artifact.file("by-source.csv")));
    }

    /** The experts of a config as models, kept loaded while consecutive grid points share them. */
    private synchronized List<LanguageModel> load(CbtmConfig c, CbtmExperts experts) {
        String key = experts.experts().toString();
        if (!key.equals(loadedKey)) {
            closeLoaded();
            loaded = experts.loadAll();
            loadedKey = key;
        }
        return loaded;
    }

    /** Runs every grid point in order (with a progress bar) and returns one row per point ({@link #table}). */
    public Table runGrid(List<CbtmConfig> grid) {
        List<CbtmResult> results = new ArrayList<>();
        Progress bar = Progress.start("Grid", grid.size(), "runs");
        try {
            for (CbtmConfig c : grid) {
                bar.note("%s", c.label());
                try (var quiet = Progress.muted()) { // one bar for the grid, not one per expert and evaluation
                    results.add(run(c));
                }
                bar.advance(1);
            }
        } finally {
            bar.close();
        }
        return table(results);
    }

    /**
     * One row per result: clustering, k, budget, expert, top_k, temperature, distance, perplexity, the compute
     * columns (test_tokens, seed_tokens, training_tokens, training_flops, inference_params, experts_per_token,
     * router_share, train_wall_s, eval_wall_s, device) and whether it was reused from the cache.
     */
    public static Table table(List<CbtmResult> results) {
        StringColumn clustering = StringColumn.create("clustering");
        IntColumn k = IntColumn.create("k");
        LongColumn budget = LongColumn.create("budget");
        StringColumn expert = StringColumn.create("expert");
        IntColumn topK = IntColumn.create("top_k");
        DoubleColumn temperature = DoubleColumn.create("temperature");
        StringColumn distance = StringColumn.create("distance");
        DoubleColumn ppl = DoubleColumn.create("perplexity");
        LongColumn testTokens = LongColumn.create("test_tokens");
        LongColumn seedTokens = LongColumn.create("seed_tokens");
        LongColumn trainTokens = LongColumn.create("training_tokens");
        DoubleColumn flops = DoubleColumn.create("training_flops");
        DoubleColumn params = DoubleColumn.create("inference_params");
        DoubleColumn perToken = DoubleColumn.create("experts_per_token");
        DoubleColumn routerShare = DoubleColumn.create("router_share");
        DoubleColumn trainS = DoubleColumn.create("train_wall_s");
        DoubleColumn evalS = DoubleColumn.create("eval_wall_s");
        StringColumn device = StringColumn.create("device");
        StringColumn reused = StringColumn.create("cached");
        for (CbtmResult r : results) {
            CbtmConfig c = r.config();
            clustering.append(c.isDense() ? "dense" : c.clustering().name().toLowerCase(Locale.ROOT));
            k.append(c.k());
            budget.append(c.totalTokens());
            expert.append(c.expert().name());
            topK.append(Math.min(c.k(), c.routing().topK()));
            temperature.append(c.routing().temperature());
            distance.append(c.routing().distance().name().toLowerCase(Locale.ROOT));
            ppl.append(r.perplexity());
            testTokens.append(r.testTokens());
            seedTokens.append(r.seedTokens());
            trainTokens.append(r.trainingTokens());
            flops.append(r.trainingFlops());
            params.append(r.inferenceParameters());
            perToken.append(r.expertsPerToken());
            routerShare.append(r.routerShare());
            trainS.append(r.trainSeconds());
            evalS.append(r.evalSeconds());
            device.append(r.device());
            reused.append(r.reused() ? "yes" : "no");
        }
        return Table.create("C-BTM results", clustering, k, budget, expert, topK, temperature, distance, ppl, testTokens,
                seedTokens, trainTokens, flops, params, perToken, routerShare, trainS, evalS, device, reused);
    }

    /** Saves a results table as {@code figures/<name>.csv} (atomically; the figures folder of this profile). */
    public static Path saveCsv(Table table, String name) {
        return CsvTables.write(table, ProjectPaths.figures().resolve(name + ".csv"));
    }

    private void closeLoaded() {
        if (loaded != null) {
            for (LanguageModel m : loaded) {
                m.close();
            }
        }
        loaded = null;
        loadedKey = null;
    }

    @Override
    public synchronized void close() {
        closeLoaded();
    }
}
