package org.cbtm.cluster;

import org.cbtm.base.Provenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.cbtm.base.Profile;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class ClusterArtifactsTest {
    private static final TestCorpus CORPUS = new TestCorpus(200, 4);

    private static ClusterModel model(boolean balanced) {
        TfidfSvdEmbedder.Fit fit = TfidfSvdEmbedder.fitTransform(CORPUS.texts, TfidfSvdEmbedder.Config.reference(1).withDimensions(8));
        return new ClusterModel(fit.embedder(), KMeans.reference(3, balanced, 1).fit(fit.embeddings()),
                Provenance.ofTexts("test", null, 1, CORPUS.texts));
    }

    @Test
    void pathsFollowProfileKAndVariant(@TempDir Path build) {
        assertEquals(build.resolve("artifacts/clusters/quick/k4-balanced.zip"),
                ClusterArtifacts.modelPath(build, Profile.QUICK, 4, true));
        assertEquals(build.resolve("artifacts/clusters/full/k8-unbalanced.zip"),
                ClusterArtifacts.modelPath(build, Profile.FULL, 8, false));
        assertThrows(IllegalArgumentException.class, () -> ClusterArtifacts.modelPath(build, Profile.QUICK, 0, true));
    }

    @Test
    void saveAllWritesReloadableModelsAtomically(@TempDir Path build) throws Exception {
        ClusterModel b = model(true);
        ClusterModel u = model(false);
        Table t = ClusterArtifacts.saveAll(build, Profile.QUICK, List.of(b, u), CORPUS.texts);
        assertEquals(List.of("model", "file", "bytes", "reloaded"), t.columnNames());
        assertEquals(2, t.rowCount());
        assertTrue(t.stringColumn("file").get(0).endsWith("artifacts/clusters/quick/k3-balanced.zip"));
        assertTrue(t.longColumn("bytes").getLong(1) > 0);
        ClusterModel back = ClusterArtifacts.load(build, Profile.QUICK, 3, false);
        assertArrayEquals(u.predict(CORPUS.texts), back.predict(CORPUS.texts));
        assertFalse(back.kmeans().config().balanced());
        try (Stream<Path> files = Files.list(ClusterArtifacts.folder(build, Profile.QUICK))) {
            assertEquals(List.of("k3-balanced.zip", "k3-unbalanced.zip"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file is left behind");
        }
    }

    @Test
    void missingModelSaysWhichNotebookMakesIt(@TempDir Path build) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ClusterArtifacts.load(build, Profile.FULL, 4, true));
        assertTrue(e.getMessage().contains("02-clustering.ipynb"), e.getMessage());
        assertTrue(e.getMessage().contains("--profile full"), e.getMessage());
    }

    @Test
    void fittedOnRecognisesTheTrainingTexts() {
        ClusterModel m = model(true);
        assertTrue(ClusterArtifacts.fittedOn(m, CORPUS.texts));
        assertFalse(ClusterArtifacts.fittedOn(m, CORPUS.texts.subList(1, CORPUS.texts.size())));
        List<String> changed = new java.util.ArrayList<>(CORPUS.texts);
        changed.set(0, changed.get(0) + " edited");
        assertFalse(ClusterArtifacts.fittedOn(m, changed));
    }
}
