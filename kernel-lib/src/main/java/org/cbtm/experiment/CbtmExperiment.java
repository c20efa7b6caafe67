package org.cbtm.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.CsvTables;
import org.cbtm.base.ProjectPaths;
import org.cbtm.base.Progress;
import org.cbtm.base.Profile;
import org.cbtm.base.Provenance;
import org.cbtm.cluster.FittedPartition;
import org.cbtm.cluster.PartitionSpec;
import org.cbtm.cluster.Partitioner;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.TokenShard;
import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalConfig;
import org.cbtm.eval.EvalSequence;
import org.cbtm.eval.EvalSequences;
import org.cbtm.eval.Perplexity;
import org.cbtm.eval.PerplexityResult;
import org.cbtm.lm.LanguageModel;
import org.cbtm.route.Router;
import org.cbtm.route.RoutingSpec;
import org.cbtm.route.UniformRouter;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.train.CbtmExperts;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.ComputeAccount;
import org.cbtm.train.ExpertKind;

import tech.tablesaw.api.Table;

/**
 * Runs C-BTM grid points end to end on one train / test split, caching every stage in an {@link ArtifactStore}:
 * the clustering (keyed by clustering, K, seed and the training texts), the seed and the experts (stable folders
 * keyed by everything that shapes them, so an interrupted training resumes), and the evaluation (keyed by the
 * whole config and the test texts). Re-running a notebook therefore recomputes only what changed, and a grid that
 * crashed continues where it stopped.
 *
 * <pre>{@code
 * CbtmExperiment exp = Presets.experiment();
 * GridResults results = exp.runGrid(List.of(CbtmConfig.dense(kn4, 500_000), CbtmConfig.balanced(4, kn4, 500_000)));
 * }</pre>
 */
public final class CbtmExperiment implements AutoCloseable {

    private final List<Document> train;
    private final List<Document> test;
    private final Tokenizer tokenizer;
    private final ArtifactStore store;
    private final Map<String, String> trainTextInputs;
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
        // hashed once: the clustering key's inputs, and (with the tokenizer) every other stage's training input
        this.trainTextInputs = StoredModels.clusteringInputs(trainTexts());
        this.trainPrint = trainTextInputs.get(Provenance.TEXTS) + "/" + tokenizer.sha256();
        this.testPrint = ArtifactStore.fingerprintTexts(this.test.stream().map(Document::text).toList())
                + "/" + tokenizer.sha256();
    }

    /**
     * The standard experiment: the profile's {@link Mixture#standard()} training split and
     * {@link Mixture#standardTest} test split of the built corpus, the profile's tokenizer ({@link Presets#tokenizer}),
     * the project's artifact store, and test documents truncated to {@code evalContext} tokens (the context of the
     * transformer experts, so n-gram and transformer rows score the same tokens).
     * The training passages keep the mixture's order (source by source): the driver, not this experiment, makes an
     * expert's budget a random sample of its cluster ({@link CbtmTraining}).
     */
    public static CbtmExperiment standard(int evalContext) {
        return standard(evalContext, ArtifactStore.standard());
    }

    /** {@link #standard(int)} with its artifacts in {@code store} (a store on a cluster's shared file system). */
    public static CbtmExperiment standard(int evalContext, ArtifactStore store) {
        Corpus corpus = Corpora.load();
        Profile profile = Profile.current();
        return new CbtmExperiment(Mixture.standard(profile).sample(corpus, Split.TRAIN),
                Mixture.standardTest(profile).sample(corpus, Split.TEST), Presets.tokenizer(), store,
                EvalConfig.defaults().withContextLength(evalContext).withProgress(false));
    }

    /** The same documents, store and evaluation settings, tokenised with {@code other}. */
    public CbtmExperiment withTokenizer(Tokenizer other) {
        return new CbtmExperiment(train, test, other, store, evalConfig);
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

    /** The fingerprint of the training texts and tokenizer: an input of every artifact trained on them. */
    public String trainFingerprint() {
        return trainPrint;
    }

    /** Fingerprint of the test texts (what evaluations are keyed by). */
    public String testFingerprint() {
        return testPrint;
    }

    /** How this experiment measures perplexity (context length, batching, threads). */
    public EvalConfig evalConfig() {
        return evalConfig;
    }

    public ArtifactStore store() {
        return store;
    }

    /** The texts of the training documents, in order. */
    public List<String> trainTexts() {
        return train.stream().map(Document::text).toList();
    }

    /** The whole training mixture as one shard (the seed's data, and the dense baseline's). */
    public synchronized TokenShard trainShard() {
        if (trainShard == null) {
            trainShard = TokenShard.encode(tokenizer, train);
        }
        return trainShard;
    }

    // ---------------------------------------------------------------- stages

    /** What a partition depends on; K = 1 is one part whatever the config's partition. */
    private record PartitionKey(PartitionSpec partition, int k, long seed) {
        static PartitionKey of(CbtmConfig c) {
            return new PartitionKey(c.isDense() ? PartitionSpec.random() : c.partition(), c.k(), c.seed());
        }
    }

    /** The fitted partition of a config (K = 1: everything in one part); fits worth caching are stored. */
    public synchronized FittedPartition partition(CbtmConfig c) {
        PartitionKey key = PartitionKey.of(c);
        String id = CanonicalJson.of(key);
        FittedPartition p = partitions.get(id);
        if (p != null) {
            return p;
        }
        PartitionSpec spec = key.partition();
        Partitioner partitioner = spec.partitioner(key.k(), key.seed());
        if (spec.storesFit()) {
            // keyed like StoredModels.clustering (the partitioner record and the texts), so that a notebook that
            // stores the same clustering and a grid find one artifact
            var artifact = store.getOrCompute(StoredModels.CLUSTERING, partitioner, trainTextInputs, dir -> {
                        spec.save(partitioner.fitDocuments(train), dir.resolve(StoredModels.MODEL_FILE));
                        return Map.of("k", key.k());
                    });
            p = spec.load(artifact.file(StoredModels.MODEL_FILE));
        } else {
            p = partitioner.fitDocuments(train);
        }
        if (p.numClusters() != c.k()) {
            throw new IllegalStateException(spec.name() + " partition has " + p.numClusters() + " parts for K = " + c.k());
        }
        partitions.put(id, p);
        return p;
    }

    /** What shapes a set of experts; {@code recipe} changes when the driver trains differently from the same inputs. */
    private record TrainingKey(PartitionKey partition, long totalTokens, ExpertKind expert, int recipe) {
        static final int RECIPE = 3; // 3: expert kinds as strategies; n-gram experts record the tokens they counted
    }

    private record SeedKey(ExpertKind expert) {
    }

    /**
     * What {@link #experts} hands to the C-BTM driver for a config: the plan, the cluster shards and the stable seed
     * and expert folders. A launcher that runs the same jobs elsewhere (a Slurm job array) uses it, so that experts
     * it trains are found finished here and never trained again.
     */
    public record TrainingRun(CbtmTraining.Plan plan, CbtmTraining.Data data, Path seedDir, Path expertsDir) {
    }

    /** The training run of a config (fits or finds its partition and assigns the training mixture). */
    public TrainingRun trainingRun(CbtmConfig c) {
        FittedPartition p = partition(c);
        PartitionKey pk = PartitionKey.of(c);
        Path expertsDir = store.folder("experts", ArtifactStore.key("experts",
                new TrainingKey(pk, c.totalTokens(), c.expert(), TrainingKey.RECIPE), Map.of("train", trainPrint)));
        Path seedDir = store.folder("seed", ArtifactStore.key("seed", new SeedKey(c.expert()),
                Map.of("train", trainPrint)));
        var shards = ClusterShards.build(p, train, tokenizer);
        var data = new CbtmTraining.Data(shards.shards(), trainShard(), null);
        return new TrainingRun(CbtmTraining.Plan.of(c.expert(), c.totalTokens()), data, seedDir, expertsDir);
    }

    /** Trains (or finds) the seed and experts of a config. */
    public CbtmExperts experts(CbtmConfig c) {
        TrainingRun r = trainingRun(c);
        return CbtmTraining.run(r.plan(), r.data(), r.seedDir(), r.expertsDir());
    }

    /** The test documents labelled with the config's clusters. */
    public synchronized List<EvalSequence> testSequences(CbtmConfig c) {
        FittedPartition p = partition(c);
        return testSequences.computeIfAbsent(CanonicalJson.of(PartitionKey.of(c)), x -> EvalSequences.of(tokenizer, test, p));
    }

    /** The router of a config, built by its routing spec; one expert (K = 1) needs no routing. */
    public Router router(CbtmConfig c) {
        FittedPartition p = partition(c);
        if (c.isDense()) {
            return new UniformRouter(1);
        }
        return c.routing().build(new RoutingSpec.Context(p, c.k(), tokenizer, c.seed(), () -> load(c, experts(c))));
    }

    /** The sizes of the config's clusters in the training mixture, relative to N / K ({@link CbtmAnalysis#clusterSizes}). */
    public Table clusterSizes(CbtmConfig c) {
        return CbtmAnalysis.clusterSizes(this, List.of(c));
    }

    private record EvalKey(CbtmConfig config, int contextLength) {
    }

    /** Runs one grid point (training and evaluation as needed). */
    public CbtmResult run(CbtmConfig c) {
        CbtmExperts experts = experts(c);
        EvalKey evalKey = new EvalKey(c, evalConfig.contextLength());
        Map<String, String> inputs = Map.of("train", trainPrint, "test", testPrint);
        var artifact = store.getOrCompute("evaluation", evalKey, inputs, dir -> {
                    SparseEnsemble ensemble = new SparseEnsemble(load(c, experts), router(c));
                    EvalConfig ec = evalConfig.withThreads(c.expert().scoringThreads());
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
        ComputeAccount trained = experts.account(); // read once: every expert's record
        Map<String, String> prov = new LinkedHashMap<>(inputs);
        prov.put("evaluation artifact", artifact.key());
        Provenance provenance = new Provenance("c-btm result", CanonicalJson.of(evalKey), prov, c.seed(),
                artifact.sidecar().path("libraryVersion").asText(null), artifact.sidecar().path("created").asText(null));
        return new CbtmResult(c, m.path("perplexity").asDouble(), m.path("mean_nll").asDouble(),
                m.path("test_tokens").asLong(), experts.seedTokens(), trained.trainingTokens(), trained.trainingFlops(),
                m.path("inference_params").asDouble(), m.path("experts_per_token").asDouble(),
                m.path("router_share").asDouble(), trained.trainingSeconds(), m.path("eval_s").asDouble(),
                trained.device(), artifact.reused(), CsvTables.read(artifact.file("by-cluster.csv")),
                CsvTables.read(artifact.file("by-source.csv")), experts.warnings(), provenance);
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

    /**
     * Runs every grid point in order (with a progress bar) and returns the typed results ({@link GridResults}: one
     * result per point with its provenance; {@code table()} for the table). Budget warnings are printed once each.
     */
    public GridResults runGrid(List<CbtmConfig> grid) {
        List<CbtmResult> results = new ArrayList<>();
        java.util.Set<String> warned = new java.util.LinkedHashSet<>();
        Progress bar = Progress.start("Grid", grid.size(), "runs");
        try {
            for (CbtmConfig c : grid) {
                bar.note("%s", c.label());
                CbtmResult r;
                try (var quiet = Progress.muted()) { // one bar for the grid, not one per expert and evaluation
                    r = run(c);
                }
                results.add(r);
                for (String w : r.warnings()) {
                    if (warned.add(w)) {
                        System.err.println("warning: " + c.label() + ": " + w);
                    }
                }
                bar.advance(1);
            }
        } finally {
            bar.close();
        }
        return new GridResults(results);
    }

    /** The results table of {@code results} (see {@link GridResults#table()}). */
    public static Table table(List<CbtmResult> results) {
        return new GridResults(results).table();
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
