package org.cbtm.cluster;

import org.cbtm.base.Provenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.tfidf.TfidfVectorizer;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class ClusterTablesTest {
    private static final double EPS = 1e-12;

    @Test
    void sizesAreOneRowPerClusterWithRelativeShare() {
        Table t = ClusterTables.sizes("balanced", "mixture", 4, 7, new int[] {0, 0, 1, 2, 2, 2});
        assertEquals(List.of("method", "set", "K", "seed", "cluster", "size", "relative"), t.columnNames());
        assertEquals(4, t.rowCount());
        assertEquals(List.of(2, 1, 3, 0), t.intColumn("size").asList());
        assertEquals(List.of(0, 1, 2, 3), t.intColumn("cluster").asList());
        assertEquals(2 * 4 / 6.0, t.doubleColumn("relative").getDouble(0), EPS);
        assertEquals(0.0, t.doubleColumn("relative").getDouble(3), EPS);
        assertEquals(7L, t.longColumn("seed").getLong(0));
        assertThrows(IllegalArgumentException.class, () -> ClusterTables.sizes("b", "s", 2, 1, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> ClusterTables.sizes("b", "s", 2, 1, new int[] {0, 2}));
    }

    @Test
    void sizeSummaryPoolsClustersAndSeedsPerGroup() {
        Table sizes = ClusterTables.stack(List.of(
                ClusterTables.sizes("unbalanced", "fit", 4, 1, new int[] {0, 0, 0, 0, 0, 1, 2, 3}), // 5,1,1,1
                ClusterTables.sizes("unbalanced", "fit", 4, 2, new int[] {0, 0, 1, 1, 2, 2, 3, 3}), // 2,2,2,2
                ClusterTables.sizes("balanced", "fit", 2, 1, new int[] {0, 1, 0, 1, 0, 1})));
        Table s = ClusterTables.sizeSummary(sizes);
        assertEquals(2, s.rowCount());
        assertEquals(List.of("unbalanced", "balanced"), s.stringColumn("method").asList());
        // unbalanced: sizes 1,1,1,2,2,2,2,5 over two seeds of 8 documents
        assertEquals(2, s.intColumn("seeds").getInt(0));
        assertEquals(8, s.intColumn("documents").getInt(0));
        assertEquals(1, s.intColumn("min").getInt(0));
        assertEquals(2.0, s.doubleColumn("median").getDouble(0), EPS);
        assertEquals(5, s.intColumn("max").getInt(0));
        assertEquals(4, s.intColumn("range").getInt(0));
        assertEquals(0.5, s.doubleColumn("min rel").getDouble(0), EPS); // share N/K = 2
        assertEquals(2.5, s.doubleColumn("max rel").getDouble(0), EPS);
        assertEquals(5.0, s.doubleColumn("max/min").getDouble(0), EPS);
        // balanced: 3 and 3
        assertEquals(0, s.intColumn("range").getInt(1));
        assertEquals(1.0, s.doubleColumn("median rel").getDouble(1), EPS);
        // medians print without digit grouping, like the integer columns beside them
        Table big = ClusterTables.sizeSummary(ClusterTables.sizes("b", "s", 1, 1, new int[1400]));
        assertEquals("1400.0", big.doubleColumn("median").getString(0));
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertEquals(2.0, ClusterTables.median(new int[] {1, 2, 3}), EPS);
        assertEquals(2.5, ClusterTables.median(new int[] {1, 2, 3, 4}), EPS);
    }

    @Test
    void balancingEffectComparesMedianAndRangePerK() {
        Table sizes = ClusterTables.stack(List.of(
                ClusterTables.sizes("balanced", "mix", 2, 1, new int[] {0, 0, 1, 1}),       // 2, 2
                ClusterTables.sizes("unbalanced", "mix", 2, 1, new int[] {0, 0, 0, 1}),     // 3, 1
                ClusterTables.sizes("balanced", "mix", 4, 1, new int[] {0, 0, 0, 1, 2, 3, 3, 3}),   // 3,1,1,3
                ClusterTables.sizes("unbalanced", "mix", 4, 1, new int[] {0, 1, 1, 2, 2, 3, 3, 3}), // 1,2,2,3
                ClusterTables.sizes("balanced", "other", 2, 1, new int[] {0, 1})));
        Table e = ClusterTables.balancingEffect(ClusterTables.sizeSummary(sizes), "mix");
        assertEquals(List.of(2, 4), e.intColumn("K").asList());
        assertEquals(0.0, e.doubleColumn("range rel balanced").getDouble(0), EPS);
        assertEquals(1.0, e.doubleColumn("range rel unbalanced").getDouble(0), EPS);
        assertEquals("yes", e.stringColumn("range narrower").get(0));
        assertEquals("equal", e.stringColumn("median higher").get(0)); // both medians are 2 of share 2
        // K = 4: balanced 1,1,3,3 (range 1.0 rel, median 1.0); unbalanced 1,2,2,3 (range 1.0 rel, median 1.0)
        assertEquals("equal", e.stringColumn("range narrower").get(1));
        assertThrows(IllegalArgumentException.class,
                () -> ClusterTables.balancingEffect(ClusterTables.sizeSummary(sizes), "nothing"));
    }

    @Test
    void agreementOfAPartitionWithItselfIsPerfect() {
        int[] a = {0, 0, 1, 1, 2, 2};
        List<String> same = List.of("x", "x", "y", "y", "z", "z");
        Table t = ClusterTables.agreement("k-means", 3, a, same, "source");
        assertEquals(List.of("partition", "K", "against", "NMI", "ARI", "purity"), t.columnNames());
        assertEquals(1.0, t.doubleColumn("NMI").getDouble(0), 1e-9);
        assertEquals(1.0, t.doubleColumn("ARI").getDouble(0), 1e-9);
        assertEquals(1.0, t.doubleColumn("purity").getDouble(0), 1e-9);
        Table u = ClusterTables.agreement("k-means", 1, new int[6], same, "source");
        assertEquals(0.0, u.doubleColumn("NMI").getDouble(0), 1e-9);
        assertEquals(2 / 6.0, u.doubleColumn("purity").getDouble(0), 1e-9);
    }

    @Test
    void bySourceMeasuresSpreadAndLabelsWithinEachSource() {
        int[] a = {0, 0, 0, 0, 1, 2, 1, 2};
        List<String> src = List.of("a", "a", "a", "a", "b", "b", "b", "b");
        List<String> lab = List.of("p", "p", "q", "q", "u", "v", "u", "v");
        Table t = ClusterTables.bySource(a, 3, src, lab);
        assertEquals(List.of("a", "b"), t.stringColumn("source").asList());
        assertEquals(List.of(1, 2), t.intColumn("clusters").asList());
        assertEquals(1.0, t.doubleColumn("effective clusters").getDouble(0), 1e-9);
        assertEquals(2.0, t.doubleColumn("effective clusters").getDouble(1), 1e-9);
        assertEquals(1.0, t.doubleColumn("largest cluster").getDouble(0), 1e-9);
        // a sits in one cluster: nothing to recover; in b the clusters are exactly the labels u / v
        assertEquals(0.0, t.doubleColumn("NMI label").getDouble(0), 1e-9);
        assertEquals(1.0, t.doubleColumn("NMI label").getDouble(1), 1e-9);
        assertEquals(0.5, t.doubleColumn("purity label").getDouble(0), 1e-9);
        assertEquals(List.of(2, 2), t.intColumn("labels").asList());
    }

    @Test
    void selectAndIndicesRestrictToOneSource() {
        List<String> src = List.of("a", "b", "a", "c");
        int[] idx = ClusterTables.indicesOf(src, "a");
        assertArrayEquals(new int[] {0, 2}, idx);
        assertArrayEquals(new int[] {5, 7}, ClusterTables.select(new int[] {5, 6, 7, 8}, idx));
        assertEquals(List.of("a", "a"), ClusterTables.select(src, idx));
    }

    @Test
    void clusterSummaryNamesEachTopicClusterByItsOwnWords() {
        TestCorpus c = new TestCorpus(400, 5);
        TfidfSvdEmbedder.Fit fit = TfidfSvdEmbedder.fitTransform(c.texts, TfidfSvdEmbedder.Config.reference(1).withDimensions(10));
        KMeansModel km = KMeans.reference(4, true, 2).withInit(KMeans.Init.KMEANS_PLUS_PLUS).fit(fit.embeddings());
        int[] a = km.predict(fit.embeddings());
        Table t = ClusterTables.clusterSummary(fit.embedder(), km.centres(), a, c.labels, 5);
        assertEquals(List.of("K", "cluster", "size", "top source", "share", "other sources", "top terms"), t.columnNames());
        assertEquals(4, t.rowCount());
        assertEquals(400, t.intColumn("size").asList().stream().mapToInt(Integer::intValue).sum());
        for (int j = 0; j < 4; j++) {
            String topic = t.stringColumn("top source").get(j);
            Set<String> vocabulary = Set.of(TestCorpus.TOPICS[Integer.parseInt(topic.substring("topic".length()))]);
            String[] terms = t.stringColumn("top terms").get(j).split(", ");
            assertEquals(5, terms.length);
            assertTrue(vocabulary.contains(terms[0]), terms[0] + " is not a word of " + topic);
            assertTrue(t.doubleColumn("share").getDouble(j) > 0.5);
        }
    }

    @Test
    void clustersOfSourceFollowsOneSourceOverK() {
        TestCorpus c = new TestCorpus(300, 6);
        TfidfSvdEmbedder.Fit fit = TfidfSvdEmbedder.fitTransform(c.texts, TfidfSvdEmbedder.Config.reference(1).withDimensions(10));
        List<ClusterModel> models = new java.util.ArrayList<>();
        for (int k : new int[] {2, 4, 8}) {
            models.add(new ClusterModel(fit.embedder(), KMeans.reference(k, true, 1).fit(fit.embeddings()),
                    Provenance.ofTexts("test", null, 1, c.texts)));
        }
        Table t = ClusterTables.clustersOfSource(models, fit.embeddings(), c.labels, "topic1", 4);
        assertTrue(t.rowCount() >= 1);
        assertTrue(t.stringColumn("top source").asList().stream().allMatch("topic1"::equals));
        Set<Integer> ks = new HashSet<>(t.intColumn("K").asList());
        assertTrue(List.of(2, 4, 8).containsAll(ks));
        // at K = 8 four topics need about two clusters each
        assertTrue(t.where(t.intColumn("K").isEqualTo(8)).rowCount() >= 1);
        assertEquals("clusters led by topic1", t.name());
    }

    @Test
    void termSpecificityMatchesItsDefinition() {
        TestCorpus c = new TestCorpus(300, 9);
        TfidfSvdEmbedder.Fit fit = TfidfSvdEmbedder.fitTransform(c.texts, TfidfSvdEmbedder.Config.reference(1).withDimensions(10));
        KMeansModel km = KMeans.reference(4, true, 2).fit(fit.embeddings());
        Table t = ClusterTables.termSpecificity("balanced", 2, fit.embedder(), km.centres(), 6);
        assertEquals(List.of("method", "K", "seed", "mean idf", "distinct share", "nearest overlap"), t.columnNames());
        List<List<String>> lists = ClusterTables.topTermLists(fit.embedder(), km.centres(), 6);
        TfidfVectorizer v = fit.embedder().vectorizer();
        double idf = lists.stream().flatMap(List::stream).mapToDouble(w -> v.idf(v.index(w))).average().orElseThrow();
        assertEquals(idf, t.doubleColumn("mean idf").getDouble(0), 1e-12);
        Set<String> distinct = new HashSet<>();
        lists.forEach(distinct::addAll);
        assertEquals(distinct.size() / 24.0, t.doubleColumn("distinct share").getDouble(0), 1e-12);
        double overlap = t.doubleColumn("nearest overlap").getDouble(0);
        assertTrue(overlap >= 0 && overlap <= 1);
        // one cluster: no pair to compare
        KMeansModel one = KMeans.reference(1, true, 2).fit(fit.embeddings());
        assertTrue(Double.isNaN(ClusterTables.termSpecificity("b", 2, fit.embedder(), one.centres(), 6)
                .doubleColumn("nearest overlap").getDouble(0)));
    }

    @Test
    void jaccardOfTermSets() {
        assertEquals(1 / 3.0, ClusterTables.jaccard(Set.of("a", "b"), Set.of("b", "c")), EPS);
        assertEquals(0.0, ClusterTables.jaccard(Set.of(), Set.of()), EPS);
    }

    @Test
    void fitRowDescribesAKMeansRun() {
        TestCorpus c = new TestCorpus(120, 3);
        TfidfSvdEmbedder.Fit fit = TfidfSvdEmbedder.fitTransform(c.texts, TfidfSvdEmbedder.Config.reference(1).withDimensions(8));
        KMeansModel b = KMeans.reference(3, true, 2).fit(fit.embeddings());
        KMeansModel u = KMeans.reference(3, false, 2).fit(fit.embeddings());
        Table t = ClusterTables.stack(List.of(ClusterTables.fit("balanced", b), ClusterTables.fit("unbalanced", u)));
        assertEquals(2, t.rowCount());
        assertEquals(b.iterations(), t.intColumn("iterations").getInt(0));
        assertTrue(t.longColumn("auction rounds").getLong(0) > 0);
        assertEquals(0L, t.longColumn("auction rounds").getLong(1));
    }

    @Test
    void meanOverAveragesNumericColumnsPerKey() {
        Table t = ClusterTables.stack(List.of(
                ClusterTables.agreement("b", 2, new int[] {0, 0, 1, 1}, List.of("x", "x", "y", "y"), "s"),
                ClusterTables.agreement("b", 2, new int[] {0, 1, 0, 1}, List.of("x", "x", "y", "y"), "s"),
                ClusterTables.agreement("u", 2, new int[] {0, 0, 1, 1}, List.of("x", "x", "y", "y"), "s")));
        Table m = ClusterTables.meanOver(t, "partition", "K");
        assertEquals(List.of("partition", "K", "seeds", "NMI", "ARI", "purity"), m.columnNames());
        assertEquals(List.of("b", "u"), m.stringColumn("partition").asList());
        assertEquals(List.of(2, 1), m.intColumn("seeds").asList());
        assertEquals(0.75, m.doubleColumn("purity").getDouble(0), 1e-12);
        assertEquals(1.0, m.doubleColumn("purity").getDouble(1), 1e-12);
        assertEquals(List.of(2, 2), m.intColumn("K").asList());
        // means of counts print with one decimal, means of scores with three
        Table fits = ClusterTables.meanOver(ClusterTables.sizes("b", "s", 2, 1, new int[] {0, 0, 1}), "method");
        assertEquals("1.5", fits.doubleColumn("size").getString(0));
        assertEquals("1.000", fits.doubleColumn("relative").getString(0));
    }

    @Test
    void stackNeedsTablesOfTheSameShape() {
        assertThrows(IllegalArgumentException.class, () -> ClusterTables.stack(List.of()));
        Table a = ClusterTables.sizes("b", "s", 2, 1, new int[] {0, 1});
        Table stacked = ClusterTables.stack(List.of(a, a));
        assertEquals(4, stacked.rowCount());
        assertEquals(2, a.rowCount(), "the first table is not modified");
        assertTrue(Arrays.asList(stacked.columnNames().toArray()).contains("relative"));
    }
}
