package org.cbtm.cluster;

import org.cbtm.base.Provenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.cbtm.math.DenseMatrix;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class KMeansTest {
    private static final TestCorpus CORPUS = new TestCorpus(403, 1);

    private static DenseMatrix embeddings() {
        return TfidfSvdEmbedder.fitTransform(CORPUS.texts, TfidfSvdEmbedder.Config.reference(0).withDimensions(10))
                .embeddings();
    }

    @Test
    void balancedFitHasBalancedTrainingSizesAndIsDeterministic() {
        DenseMatrix x = embeddings();
        KMeansModel a = KMeans.reference(4, true, 3).fit(x);
        KMeansModel b = KMeans.reference(4, true, 3).fit(x);
        assertArrayEquals(a.centres().data(), b.centres().data());
        int[] sizes = ClusterAnalytics.counts(a.trainingAssignment(), 4);
        for (int s : sizes) {
            assertTrue(s == 100 || s == 101, "size " + s);
        }
        assertTrue(a.iterations() >= 1 && a.iterations() <= 20);
        // the stopping rule: stopped early only when the squared shift fell below the tolerance
        double last = a.shifts().get(a.shifts().size() - 1);
        assertTrue(a.iterations() == 20 || last < 1e-3);
        KMeansModel c = KMeans.reference(4, true, 4).fit(x);
        assertNotEquals(java.util.Arrays.toString(a.centres().data()), java.util.Arrays.toString(c.centres().data()));
    }

    @Test
    void unbalancedKMeansRecoversTheTopics() {
        DenseMatrix x = embeddings();
        KMeansModel m = KMeans.reference(4, false, 1).withInit(KMeans.Init.KMEANS_PLUS_PLUS).fit(x);
        int[] pred = m.predict(x);
        assertTrue(ClusterAnalytics.nmi(pred, CORPUS.labels) > 0.6, "nmi " + ClusterAnalytics.nmi(pred, CORPUS.labels));
    }

    @Test
    void chunkedFitWorks() {
        DenseMatrix x = embeddings();
        KMeansModel m = KMeans.reference(4, true, 1).withChunkSize(100).fit(x);
        assertEquals(4, m.k());
        assertTrue(m.lastChunkStart() > 0);
    }

    @Test
    void clearErrors() {
        DenseMatrix x = embeddings();
        assertThrows(IllegalArgumentException.class, () -> KMeans.reference(0, true, 1));
        assertThrows(IllegalArgumentException.class, () -> KMeans.reference(500, true, 1).fit(x));
        assertThrows(IllegalArgumentException.class, () -> KMeans.reference(2, true, 1).fit(new DenseMatrix(0, 10)));
        assertThrows(IllegalArgumentException.class,
                () -> KMeansPartitioner.reference(2, true, 1).fit(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> KMeansPartitioner.reference(3, true, 1).fit(List.of("a cat", "a dog")));
    }

    @Test
    void zeroVectorDocumentsAreAssignedToo() {
        // documents of stop words only embed to zero; they still get a cluster (the centre of smallest norm)
        ClusterModel m = KMeansPartitioner.reference(4, true, 2).fit(CORPUS.texts);
        int[] p = m.predict(List.of("the of and", ""));
        assertEquals(2, p.length);
        assertEquals(p[0], p[1]);
    }

    @Test
    void saveLoadRoundTripGivesIdenticalPredictions(@TempDir Path dir) {
        ClusterModel m = KMeansPartitioner.reference(4, true, 2).fit(CORPUS.texts);
        Path f = m.save(dir.resolve("model.zip"));
        ClusterModel back = ClusterModel.load(f);
        assertArrayEquals(m.predict(CORPUS.texts), back.predict(CORPUS.texts));
        assertArrayEquals(m.centres().data(), back.centres().data());
        assertEquals(m.provenance(), back.provenance());
        assertEquals(Provenance.hash(CORPUS.texts), back.provenance().input(Provenance.TEXTS));
        assertArrayEquals(m.embedder().embed(CORPUS.texts.get(3)), back.embedder().embed(CORPUS.texts.get(3)));
    }

    @Test
    void randomAndMetadataPartitions() {
        RandomPartition r = new RandomPartition(3, 9);
        int[] a = r.fit(CORPUS.texts).predict(CORPUS.texts);
        assertArrayEquals(a, new RandomPartition(3, 9).predict(CORPUS.texts));
        for (int c : ClusterAnalytics.counts(a, 3)) {
            assertTrue(c > 90, "random cluster size " + c);
        }
        FittedPartition meta = new MetadataPartitioner().fit(CORPUS.texts, CORPUS.labels);
        assertEquals(4, meta.numClusters());
        int[] m = meta.predict(CORPUS.texts, CORPUS.labels);
        assertEquals(1.0, ClusterAnalytics.purity(m, CORPUS.labels), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> meta.predict(List.of("x"), List.of("unseen")));
        assertThrows(IllegalArgumentException.class, () -> new MetadataPartitioner().fit(CORPUS.texts, null));
        assertThrows(IllegalArgumentException.class, () -> new RandomPartition(0, 1));
    }

    @Test
    void analytics() {
        int[] a = {0, 0, 1, 1, 2, 2, 2, 0};
        int[] b = {1, 1, 0, 0, 0, 2, 2, 1};
        // values from scikit-learn 1.2.1: normalized_mutual_info_score, adjusted_rand_score
        assertEquals(0.7794365191085164, ClusterAnalytics.nmi(a, b), 1e-12);
        assertEquals(0.6190476190476191, ClusterAnalytics.adjustedRandIndex(a, b), 1e-12);
        List<String> labels = List.of("x", "x", "y", "y", "y", "z", "z", "x");
        assertEquals(7.0 / 8, ClusterAnalytics.purity(a, labels), 1e-12);
        Table o = ClusterAnalytics.overlap(a, labels, 3);
        assertEquals(List.of("cluster", "x", "y", "z"), o.columnNames());
        assertEquals(3, o.intColumn("x").get(0));
        assertEquals(2, o.intColumn("z").get(2));
        Table s = ClusterAnalytics.sizes(a, 4);
        assertEquals(0, s.intColumn("size").get(3));
        ClusterModel m = KMeansPartitioner.reference(4, true, 2).fit(CORPUS.texts);
        Table top = ClusterAnalytics.topTerms(m.embedder(), m.centres(), 5);
        assertEquals(20, top.rowCount());
        // each cluster's top terms come from one topic
        for (int c = 0; c < 4; c++) {
            String first = top.stringColumn("term").get(c * 5);
            int topic = -1;
            for (int t = 0; t < TestCorpus.TOPICS.length; t++) {
                if (List.of(TestCorpus.TOPICS[t]).contains(first)) {
                    topic = t;
                }
            }
            assertTrue(topic >= 0, first);
        }
    }
}
