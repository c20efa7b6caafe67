package org.cbtm.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.ProjectPaths;
import org.cbtm.base.Provenance;
import org.cbtm.cluster.ClusterModel;
import org.cbtm.cluster.KMeansPartitioner;
import org.cbtm.corpus.TokenShard;
import org.cbtm.train.CbtmExperts;
import org.cbtm.train.CbtmTraining;

import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The fitted clusterings and trained experts that notebooks and grids share, all kept in one {@link ArtifactStore}
 * (by default {@code build/artifacts}), each keyed by what made it, so that any notebook that needs a clustering or a
 * set of experts finds the one an earlier notebook made, or makes it (and stores it for the next one).
 *
 * <pre>
 *   root/cluster-model/&lt;sha256&gt;/model.zip     a fitted {@link KMeansPartitioner}: key = the partitioner record and
 *                                               the texts it was fitted on (SHA-256 and count); + artifact.json
 *   root/seed/&lt;sha256&gt;/seed/                  a seed run: expert kind, seed tokens, whole mixture, held-out shard
 *   root/experts/&lt;sha256&gt;/                    the experts: the above plus the total budget and every cluster shard
 * </pre>
 *
 * A clustering is an ordinary artifact ({@link ArtifactStore#getOrCompute}: stored atomically once complete). A
 * training run is a stable folder that the C-BTM driver fills job by job ({@link CbtmTraining#run}): re-running the
 * same plan on the same data finds the finished seed and experts (the driver skips them), an interrupted run resumes
 * in the same folder, and any change of data or settings gets new folders. Two plans that differ only in their
 * expert budget (a K = 4 run and its K = 1 dense baseline) share the seed.
 */
public final class StoredModels {

    /** The artifact kind of fitted k-means clusterings. */
    public static final String CLUSTERING = "cluster-model";
    /** The folder kind of seed runs. */
    public static final String SEED = "seed";
    /** The folder kind of expert runs. */
    public static final String EXPERTS = "experts";
    /** The file of a clustering inside its artifact folder. */
    public static final String MODEL_FILE = "model.zip";

    private StoredModels() {
    }

    // ------------------------------------------------------------------ clusterings

    /**
     * The clustering {@code partitioner} fits on {@code texts}: the stored one when an earlier run (any notebook, any
     * grid) fitted the same partitioner record on the same texts, else fitted now and stored as {@code model.zip}.
     * A stored model that cannot be read back (a format change, a damaged file) is fitted again.
     */
    public static ClusterModel clustering(ArtifactStore store, KMeansPartitioner partitioner, List<String> texts) {
        Objects.requireNonNull(partitioner, "partitioner");
        return stored(store, partitioner, texts, () -> partitioner.fit(texts));
    }

    /**
     * Stores {@code fitted}, a model the caller already fitted with {@code partitioner} on {@code texts} (its
     * provenance must say so: same partitioner config, same texts), unless that clustering is stored already;
     * returns the stored model as read back from the store.
     *
     * @throws IllegalArgumentException when {@code fitted}'s provenance names another config or other texts
     */
    public static ClusterModel clustering(ArtifactStore store, KMeansPartitioner partitioner, List<String> texts,
                                          ClusterModel fitted) {
        Objects.requireNonNull(partitioner, "partitioner");
        Provenance p = fitted.provenance();
        String config = CanonicalJson.of(partitioner);
        if (p == null || !config.equals(p.config()) || !p.fittedOn(texts)) {
            throw new IllegalArgumentException("this model is not " + partitioner + " fitted on these " + texts.size()
                    + " texts; its provenance says " + (p == null ? "nothing" : p.config() + " on " + p.inputs()));
        }
        return stored(store, partitioner, texts, () -> fitted);
    }

    /** Whether the clustering of {@code partitioner} on {@code texts} is stored (complete). */
    public static boolean hasClustering(ArtifactStore store, KMeansPartitioner partitioner, List<String> texts) {
        return store.find(CLUSTERING, partitioner, clusteringInputs(texts)).isPresent();
    }

    /** The artifact folder the clustering of {@code partitioner} on {@code texts} has (or would have). */
    public static Path clusteringFolder(ArtifactStore store, KMeansPartitioner partitioner, List<String> texts) {
        return store.folder(CLUSTERING, ArtifactStore.key(CLUSTERING, partitioner, clusteringInputs(texts)));
    }

    /**
     * The inputs a clustering is keyed by: the SHA-256 and number of the texts, under the names the model's own
     * {@link Provenance#ofTexts provenance} uses.
     */
    public static Map<String, String> clusteringInputs(List<String> texts) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put(Provenance.TEXTS, Provenance.hash(texts));
        in.put(Provenance.TEXT_COUNT, Integer.toString(texts.size()));
        return in;
    }

    private static ClusterModel stored(ArtifactStore store, KMeansPartitioner partitioner, List<String> texts,
                                       Supplier<ClusterModel> fit) {
        Map<String, String> inputs = clusteringInputs(texts);
        for (int attempt = 0; ; attempt++) {
            ArtifactStore.Artifact a = store.getOrCompute(CLUSTERING, partitioner, inputs, dir -> {
                ClusterModel m = fit.get();
                m.save(dir.resolve(MODEL_FILE));
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("k", m.numClusters());
                metrics.put("texts", texts.size());
                metrics.put("model", m.describe());
                return metrics;
            });
            String problem;
            try {
                ClusterModel m = ClusterModel.load(a.file(MODEL_FILE));
                if (inputs.get(Provenance.TEXTS).equals(m.provenance().input(Provenance.TEXTS))) {
                    return m;
                }
                problem = "it was fitted on other texts";
            } catch (RuntimeException e) {
                problem = e.getMessage();
            }
            if (!a.reused() || attempt > 0) {
                throw new IllegalStateException("the clustering stored at " + a.dir() + " cannot be used: " + problem);
            }
            store.delete(CLUSTERING, a.key()); // unreadable or stale: fit it again
        }
    }

    /**
     * Stores already fitted clusterings ({@link #clustering(ArtifactStore, KMeansPartitioner, List, ClusterModel)}),
     * reads each back from the store and compares its assignment of {@code texts} with the fitted model's (a model
     * stored now must assign them identically, else this throws): table {@code model, artifact, bytes, status,
     * reloaded}.
     */
    public static Table storeClusterings(ArtifactStore store, Map<KMeansPartitioner, ClusterModel> fitted,
                                         List<String> texts) {
        StringColumn model = StringColumn.create("model");
        StringColumn artifact = StringColumn.create("artifact");
        LongColumn bytes = LongColumn.create("bytes");
        StringColumn status = StringColumn.create("status");
        StringColumn reloaded = StringColumn.create("reloaded");
        for (Map.Entry<KMeansPartitioner, ClusterModel> e : fitted.entrySet()) {
            boolean existed = hasClustering(store, e.getKey(), texts);
            ClusterModel back = clustering(store, e.getKey(), texts, e.getValue());
            int[] before = e.getValue().predict(texts);
            int[] after = back.predict(texts);
            int differ = 0;
            for (int i = 0; i < before.length; i++) {
                differ += before[i] == after[i] ? 0 : 1;
            }
            Path file = clusteringFolder(store, e.getKey(), texts).resolve(MODEL_FILE);
            if (differ > 0 && !existed) {
                throw new IllegalStateException("the model read back from " + file + " assigns " + differ + " of "
                        + texts.size() + " texts differently");
            }
            model.append(e.getValue().describe());
            artifact.append(shortPath(file.getParent()));
            try {
                bytes.append(Files.size(file));
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
            status.append(existed ? "already stored" : "stored now");
            reloaded.append(differ == 0 ? "identical assignment of " + texts.size() + " texts"
                    : differ + " of " + texts.size() + " texts assigned differently by the stored model");
        }
        return Table.create("stored clusterings", model, artifact, bytes, status, reloaded);
    }

    // ------------------------------------------------------------------ training runs

    /**
     * Runs (or completes, or finds) a C-BTM training plan on {@code data} in its stable folders
     * ({@link #seedFolder}, {@link #expertsFolder}): {@link CbtmTraining#run}. A second call with the same plan and
     * data retrains nothing; a run that was interrupted resumes where it stopped.
     */
    public static CbtmExperts train(ArtifactStore store, CbtmTraining.Plan plan, CbtmTraining.Data data) {
        return CbtmTraining.run(plan, data, seedFolder(store, plan, data), expertsFolder(store, plan, data));
    }

    /**
     * The seed's folder: keyed by the expert kind and the seed tokens, the whole mixture and the held-out shard (not
     * by the expert budget, so a K = 4 run and its dense baseline share the seed). The run folder is {@code seed}
     * inside the keyed folder, so progress bars read "Training seed".
     */
    public static Path seedFolder(ArtifactStore store, CbtmTraining.Plan plan, CbtmTraining.Data data) {
        String key = ArtifactStore.key(SEED, seedConfig(plan), seedInputs(data));
        return store.folder(SEED, key).resolve("seed");
    }

    /** The experts' folder: the seed's key plus the total budget and the content of every cluster shard in order. */
    public static Path expertsFolder(ArtifactStore store, CbtmTraining.Plan plan, CbtmTraining.Data data) {
        Map<String, Object> config = seedConfig(plan);
        config.put("totalTokens", plan.totalTokens());
        Map<String, String> inputs = new LinkedHashMap<>(seedInputs(data));
        List<int[]> arrays = new ArrayList<>();
        for (TokenShard s : data.clusterShards()) {
            arrays.add(s.tokens());
            arrays.add(s.starts());
        }
        inputs.put("clusterShards", data.k() + ":" + ArtifactStore.fingerprintInts(arrays.toArray(int[][]::new)));
        return store.folder(EXPERTS, ArtifactStore.key(EXPERTS, config, inputs));
    }

    private static Map<String, Object> seedConfig(CbtmTraining.Plan plan) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("kind", plan.kind()); // a kind with a seed holds its seed's tokens
        return config;
    }

    private static Map<String, String> seedInputs(CbtmTraining.Data data) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("all", fingerprint(data.all()));
        inputs.put("valid", data.valid() == null ? "none" : fingerprint(data.valid()));
        return inputs;
    }

    private static String fingerprint(TokenShard s) {
        return s.vocabSize() + ":" + ArtifactStore.fingerprintInts(s.tokens(), s.starts());
    }

    private static String shortPath(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            Path root = ProjectPaths.root().toAbsolutePath().normalize();
            if (abs.startsWith(root)) {
                return root.relativize(abs).toString();
            }
        } catch (RuntimeException e) {
            // no project around: the absolute path
        }
        return abs.toString();
    }
}
