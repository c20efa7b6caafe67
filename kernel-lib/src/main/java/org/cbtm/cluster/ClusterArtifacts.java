package org.cbtm.cluster;

import org.cbtm.base.Provenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.cbtm.base.Profile;
import org.cbtm.base.ProjectPaths;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Where fitted cluster models are kept between notebooks: notebook 02 fits the C-BTM clustering of the training
 * mixture and saves it here; the expert-training notebook loads it to split the corpus. One file per profile, K and
 * variant, under the git-ignored build folder:
 * {@code build/artifacts/clusters/<profile>/k<K>-balanced.zip} (or {@code -unbalanced.zip}), written atomically by
 * {@link ClusterModel#save} (a reader never sees half a file).
 */
public final class ClusterArtifacts {
    private ClusterArtifacts() {
    }

    /** The folder of one profile's cluster models inside a build folder. */
    public static Path folder(Path buildDir, Profile profile) {
        return buildDir.resolve("artifacts").resolve("clusters").resolve(profile.name().toLowerCase(Locale.ROOT));
    }

    /** The file of the K-cluster model of a profile inside a build folder. */
    public static Path modelPath(Path buildDir, Profile profile, int k, boolean balanced) {
        if (k < 1) {
            throw new IllegalArgumentException("K must be >= 1, got " + k);
        }
        return folder(buildDir, profile).resolve("k" + k + (balanced ? "-balanced" : "-unbalanced") + ".zip");
    }

    /** {@link #modelPath(Path, Profile, int, boolean)} in the project's build folder. */
    public static Path modelPath(Profile profile, int k, boolean balanced) {
        return modelPath(ProjectPaths.build(), profile, k, balanced);
    }

    /** The path of the model of the current profile. */
    public static Path modelPath(int k, boolean balanced) {
        return modelPath(Profile.current(), k, balanced);
    }

    /** Saves {@code model} (atomically) where {@link #load} finds it; K and the variant come from the model. */
    public static Path save(Path buildDir, Profile profile, ClusterModel model) {
        KMeans c = model.kmeans().config();
        return model.save(modelPath(buildDir, profile, c.k(), c.balanced()));
    }

    /** {@link #save(Path, Profile, ClusterModel)} into the project's build folder, for the current profile. */
    public static Path save(ClusterModel model) {
        return save(ProjectPaths.build(), Profile.current(), model);
    }

    /** Loads a saved model; a clear error says which notebook makes it when it is missing. */
    public static ClusterModel load(Path buildDir, Profile profile, int k, boolean balanced) {
        Path p = modelPath(buildDir, profile, k, balanced);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("No " + (balanced ? "balanced" : "unbalanced") + " K = " + k
                    + " cluster model for the " + profile.name().toLowerCase(Locale.ROOT) + " profile at " + p
                    + ": run notebooks/02-clustering.ipynb first (environment/reproduce --profile "
                    + profile.name().toLowerCase(Locale.ROOT) + " notebooks/02-clustering.ipynb).");
        }
        return ClusterModel.load(p);
    }

    /** {@link #load(Path, Profile, int, boolean)} from the project's build folder, for the current profile. */
    public static ClusterModel load(int k, boolean balanced) {
        return load(ProjectPaths.build(), Profile.current(), k, balanced);
    }

    /**
     * Saves every model into a build folder, loads each back and checks that it assigns {@code texts} exactly as
     * the original does (throws otherwise): table {@code model, file, bytes, reloaded}.
     */
    public static Table saveAll(Path buildDir, Profile profile, List<ClusterModel> models, List<String> texts) {
        Table t = Table.create("saved cluster models", StringColumn.create("model"), StringColumn.create("file"),
                LongColumn.create("bytes"), StringColumn.create("reloaded"));
        for (ClusterModel m : models) {
            Path p = save(buildDir, profile, m);
            int[] before = m.predict(texts);
            int[] after = ClusterModel.load(p).predict(texts);
            if (!Arrays.equals(before, after)) {
                throw new IllegalStateException("the model reloaded from " + p + " assigns the texts differently");
            }
            t.stringColumn("model").append(m.describe());
            t.stringColumn("file").append(shortPath(buildDir, p));
            try {
                t.longColumn("bytes").append(Files.size(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            t.stringColumn("reloaded").append("identical assignment of " + texts.size() + " texts");
        }
        return t;
    }

    /** {@link #saveAll(Path, Profile, List, List)} into the project's build folder, for the current profile. */
    public static Table saveAll(List<ClusterModel> models, List<String> texts) {
        return saveAll(ProjectPaths.build(), Profile.current(), models, texts);
    }

    private static String shortPath(Path buildDir, Path p) {
        Path base = buildDir.toAbsolutePath().getParent();
        Path abs = p.toAbsolutePath();
        return base != null && abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
    }

    /**
     * Whether {@code model} was fitted on exactly these texts (same count and SHA-256 as its provenance): a model
     * saved before the corpus or the mixture changed is stale and should be refitted.
     */
    public static boolean fittedOn(ClusterModel model, List<String> texts) {
        Provenance p = model.provenance();
        return p.fittedOn(texts);
    }
}
