package org.cbtm.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.Provenance;
import org.cbtm.cluster.ClusterModel;
import org.cbtm.cluster.KMeans;
import org.cbtm.cluster.KMeansPartitioner;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.train.CbtmExperts;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.ExpertKind;
import org.cbtm.train.NgramExperts;
import org.cbtm.train.TransformerExperts;
import org.cbtm.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tech.tablesaw.api.Table;

class StoredModelsTest {

    // ------------------------------------------------------------------ clusterings

    private static final String[][] TOPICS = {
        {"river", "boat", "water", "fish", "bank", "shore", "current", "sail", "harbor", "tide"},
        {"court", "judge", "law", "trial", "jury", "verdict", "lawyer", "appeal", "evidence", "witness"},
        {"planet", "star", "orbit", "galaxy", "telescope", "comet", "moon", "gravity", "nebula", "rocket"},
    };

    private static final List<String> TEXTS = texts(150, 4);

    private static List<String> texts(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] voc = TOPICS[r.nextInt(TOPICS.length)];
            StringBuilder sb = new StringBuilder("The");
            for (int w = 0; w < 12; w++) {
                sb.append(' ').append(voc[r.nextInt(voc.length)]);
            }
            out.add(sb.append('.').toString());
        }
        return out;
    }

    private static KMeansPartitioner partitioner(int k, boolean balanced, long seed) {
        return new KMeansPartitioner(TfidfSvdEmbedder.Config.reference(seed).withDimensions(8),
                KMeans.reference(k, balanced, seed));
    }

    @Test
    void aClusteringIsFittedOnceAndThenFound(@TempDir Path root) throws Exception {
        ArtifactStore store = new ArtifactStore(root);
        KMeansPartitioner p = partitioner(3, true, 1);
        assertFalse(StoredModels.hasClustering(store, p, TEXTS));
        ClusterModel first = StoredModels.clustering(store, p, TEXTS);
        assertTrue(StoredModels.hasClustering(store, p, TEXTS));
        Path folder = StoredModels.clusteringFolder(store, p, TEXTS);
        assertTrue(folder.startsWith(root.resolve(StoredModels.CLUSTERING)));
        Path model = folder.resolve(StoredModels.MODEL_FILE);
        assertTrue(Files.isRegularFile(model));
        assertTrue(Files.isRegularFile(folder.resolve(ArtifactStore.SIDECAR)));
        assertArrayEquals(p.fit(TEXTS).predict(TEXTS), first.predict(TEXTS), "the stored model is the partitioner's fit");
        assertEquals(CanonicalJson.of(p), first.provenance().config());
        assertTrue(first.provenance().fittedOn(TEXTS));

        // a second call (a later notebook, a new store on the same folder) reads it back without fitting
        Files.setLastModifiedTime(model, FileTime.fromMillis(1_000));
        ClusterModel again = StoredModels.clustering(new ArtifactStore(root), p, TEXTS);
        assertEquals(1_000, Files.getLastModifiedTime(model).toMillis(), "not fitted again");
        assertArrayEquals(first.predict(TEXTS), again.predict(TEXTS));
        assertEquals(first.provenance(), again.provenance());
        try (Stream<Path> files = Files.list(root.resolve(StoredModels.CLUSTERING))) {
            assertEquals(1, files.count(), "one artifact, no staging folder left behind");
        }
    }

    @Test
    void clusteringsAreKeyedByPartitionerAndTexts(@TempDir Path root) {
        ArtifactStore store = new ArtifactStore(root);
        KMeansPartitioner p = partitioner(3, true, 1);
        Path folder = StoredModels.clusteringFolder(store, p, TEXTS);
        assertEquals(folder, StoredModels.clusteringFolder(store, partitioner(3, true, 1), new ArrayList<>(TEXTS)));
        assertNotEquals(folder, StoredModels.clusteringFolder(store, partitioner(4, true, 1), TEXTS), "K");
        assertNotEquals(folder, StoredModels.clusteringFolder(store, partitioner(3, false, 1), TEXTS), "variant");
        assertNotEquals(folder, StoredModels.clusteringFolder(store, partitioner(3, true, 2), TEXTS), "seed");
        assertNotEquals(folder, StoredModels.clusteringFolder(store, p, TEXTS.subList(1, TEXTS.size())), "fewer texts");
        List<String> edited = new ArrayList<>(TEXTS);
        edited.set(0, edited.get(0) + " edited");
        assertNotEquals(folder, StoredModels.clusteringFolder(store, p, edited), "an edited text");
        // the key is the artifact store's key of the partitioner record and the texts' fingerprint
        assertEquals(store.folder(StoredModels.CLUSTERING, ArtifactStore.key(StoredModels.CLUSTERING, p,
                Map.of(Provenance.TEXTS, Provenance.hash(TEXTS), Provenance.TEXT_COUNT, "150"))), folder);
    }

    @Test
    void aFittedModelIsStoredOnlyWithMatchingProvenance(@TempDir Path root) {
        ArtifactStore store = new ArtifactStore(root);
        KMeansPartitioner p = partitioner(3, true, 1);
        ClusterModel fitted = p.fit(TEXTS);
        ClusterModel stored = StoredModels.clustering(store, p, TEXTS, fitted);
        assertArrayEquals(fitted.predict(TEXTS), stored.predict(TEXTS));
        // and a later call of the fitting form finds it
        assertTrue(StoredModels.hasClustering(store, p, TEXTS));
        assertEquals(stored.provenance(), StoredModels.clustering(store, p, TEXTS).provenance());

        assertThrows(IllegalArgumentException.class,
                () -> StoredModels.clustering(store, partitioner(3, true, 2), TEXTS, fitted), "another config");
        assertThrows(IllegalArgumentException.class,
                () -> StoredModels.clustering(store, p, TEXTS.subList(1, TEXTS.size()), fitted), "other texts");
        ClusterModel noConfig = new ClusterModel(fitted.embedder(), fitted.kmeans(),
                Provenance.ofTexts("c-btm k-means", null, 1, TEXTS));
        assertThrows(IllegalArgumentException.class, () -> StoredModels.clustering(store, p, TEXTS, noConfig));
    }

    @Test
    void storeClusteringsReportsEachModel(@TempDir Path root) throws Exception {
        ArtifactStore store = new ArtifactStore(root);
        Map<KMeansPartitioner, ClusterModel> fitted = new LinkedHashMap<>();
        for (boolean balanced : new boolean[] {true, false}) {
            KMeansPartitioner p = partitioner(3, balanced, 1);
            fitted.put(p, p.fit(TEXTS));
        }
        Table t = StoredModels.storeClusterings(store, fitted, TEXTS);
        assertEquals(List.of("model", "artifact", "bytes", "status", "reloaded"), t.columnNames());
        assertEquals(2, t.rowCount());
        assertEquals("stored now", t.stringColumn("status").get(0));
        assertTrue(t.longColumn("bytes").getLong(1) > 0);
        assertTrue(t.stringColumn("reloaded").get(1).startsWith("identical assignment of 150 texts"));
        Table again = StoredModels.storeClusterings(store, fitted, TEXTS);
        assertEquals("already stored", again.stringColumn("status").get(1));
        ClusterModel unbalanced = StoredModels.clustering(store, partitioner(3, false, 1), TEXTS);
        assertFalse(unbalanced.kmeans().config().balanced());
    }

    @Test
    void aDamagedModelIsFittedAgain(@TempDir Path root) throws Exception {
        ArtifactStore store = new ArtifactStore(root);
        KMeansPartitioner p = partitioner(3, true, 1);
        ClusterModel first = StoredModels.clustering(store, p, TEXTS);
        Path model = StoredModels.clusteringFolder(store, p, TEXTS).resolve(StoredModels.MODEL_FILE);
        Files.write(model, new byte[] {1, 2, 3});
        ClusterModel again = StoredModels.clustering(store, p, TEXTS);
        assertArrayEquals(first.predict(TEXTS), again.predict(TEXTS));
        assertTrue(Files.size(model) > 3);
    }

    // ------------------------------------------------------------------ training runs

    private static final ExpertKind KN2 = new NgramExperts(new NgramConfig(2));
    private static final ExpertKind GPT = new TransformerExperts(new GptConfig(30, 1, 8, 2, 16, 0.0),
            TrainConfig.reference(4096, 2, 16, 1e-3), 1024);
    private static final ExpertKind GPT_LONGER_SEED = new TransformerExperts(new GptConfig(30, 1, 8, 2, 16, 0.0),
            TrainConfig.reference(4096, 2, 16, 1e-3), 2048);

    private static TokenShard shard(long seed, int docs) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            out.add(r.ints(10, 1, 30).toArray());
        }
        return TokenShard.ofDocuments(out, 30);
    }

    private static CbtmTraining.Data data(TokenShard valid) {
        return new CbtmTraining.Data(List.of(shard(1, 20), shard(2, 20)), shard(3, 40), valid);
    }

    @Test
    void trainingFoldersAreKeyedByPlanAndData(@TempDir Path dir) {
        ArtifactStore store = new ArtifactStore(dir);
        var plan = CbtmTraining.Plan.of(GPT, 2048);
        var data = data(shard(4, 5));
        Path experts = StoredModels.expertsFolder(store, plan, data);
        assertEquals(experts, StoredModels.expertsFolder(store, plan.withProcesses(2), data(shard(4, 5))),
                "same plan and data, same folder");
        assertTrue(experts.startsWith(dir.resolve(StoredModels.EXPERTS)));
        assertNotEquals(experts, StoredModels.expertsFolder(store, CbtmTraining.Plan.of(GPT, 4096), data), "budget");
        assertNotEquals(experts, StoredModels.expertsFolder(store, CbtmTraining.Plan.of(GPT_LONGER_SEED, 2048), data),
                "seed tokens");
        assertNotEquals(experts, StoredModels.expertsFolder(store, plan, data(shard(5, 5))), "held-out shard");
        var swapped = new CbtmTraining.Data(List.of(shard(2, 20), shard(1, 20)), shard(3, 40), shard(4, 5));
        assertNotEquals(experts, StoredModels.expertsFolder(store, plan, swapped),
                "the order of the clusters names the experts");
        // the dense baseline (one shard: everything) branches from the same seed
        var dense = new CbtmTraining.Data(List.of(shard(3, 40)), shard(3, 40), shard(4, 5));
        assertEquals(StoredModels.seedFolder(store, plan, data), StoredModels.seedFolder(store, plan, dense));
        assertNotEquals(StoredModels.expertsFolder(store, plan, data), StoredModels.expertsFolder(store, plan, dense));
        assertEquals(StoredModels.seedFolder(store, plan, data),
                StoredModels.seedFolder(store, CbtmTraining.Plan.of(GPT, 8192), data),
                "plans that differ only in the expert budget share the seed");
        assertNotEquals(StoredModels.seedFolder(store, plan, data),
                StoredModels.seedFolder(store, CbtmTraining.Plan.of(GPT_LONGER_SEED, 2048), data));
        assertNotEquals(StoredModels.seedFolder(store, plan, data), StoredModels.seedFolder(store, plan, data(null)));
        assertTrue(StoredModels.seedFolder(store, plan, data).startsWith(dir.resolve(StoredModels.SEED)));
        assertEquals("seed", StoredModels.seedFolder(store, plan, data).getFileName().toString());
    }

    @Test
    void aSecondTrainingRunFindsTheExperts(@TempDir Path dir) throws Exception {
        ArtifactStore store = new ArtifactStore(dir);
        var plan = CbtmTraining.Plan.of(KN2, 300);
        CbtmExperts first = StoredModels.train(store, plan, data(null));
        Path model = first.experts().get(0);
        assertTrue(model.startsWith(StoredModels.expertsFolder(store, plan, data(null))));
        Files.setLastModifiedTime(model, FileTime.fromMillis(1_000));
        CbtmExperts again = StoredModels.train(new ArtifactStore(dir), plan, data(null));
        assertEquals(first.experts(), again.experts());
        assertEquals(1_000, Files.getLastModifiedTime(model).toMillis(), "not retrained");
    }

    @Test
    void anInterruptedRunResumesInTheSameFolder(@TempDir Path dir) throws Exception {
        ArtifactStore store = new ArtifactStore(dir);
        var plan = CbtmTraining.Plan.of(KN2, 300);
        CbtmExperts first = StoredModels.train(store, plan, data(null));
        // as if the run had stopped after expert 0: expert 1's model is missing
        Path expert0 = first.experts().get(0);
        Path expert1 = first.experts().get(1);
        Files.setLastModifiedTime(expert0, FileTime.fromMillis(1_000));
        Files.delete(expert1);
        CbtmExperts resumed = StoredModels.train(store, plan, data(null));
        assertEquals(first.experts(), resumed.experts());
        assertTrue(Files.isRegularFile(expert1), "the missing expert is trained");
        assertEquals(1_000, Files.getLastModifiedTime(expert0).toMillis(), "the finished one is kept");
    }
}
