package org.cbtm.scale.slurm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.cbtm.base.AtomicFiles;
import org.cbtm.experiment.CbtmConfig;

/**
 * What {@code SlurmRun prepare} writes for the Slurm scripts and the array tasks ({@code <run>/plan.json}, the run
 * folder being {@code slurm/} inside the experts' folder of the artifact store): the config, every expert's job
 * (its shard, folder and budget, and whether it is finished), the seed's job and the resources of each.
 *
 * @param config          the grid point
 * @param seedDir         the seed's run folder (kinds with a seed), or null
 * @param mixture         the whole training mixture as a shard file (the seed's data), or null
 * @param valid           a held-out shard file, or null
 * @param seedDone        whether the seed is trained (its marker, {@link #SEED_MARKER}, exists)
 * @param experts         one job per cluster, in cluster order
 * @param expertResources what each expert task asks Slurm for
 * @param seedResources   what the seed task asks for (the expert resources for kinds without a seed)
 */
public record SlurmPlan(CbtmConfig config, String seedDir, String mixture, String valid, boolean seedDone,
                        List<Expert> experts, Resources expertResources, Resources seedResources) {

    /** The plan's file in the run folder. */
    public static final String FILE = "plan.json";
    /** Written by the seed task once the seed is trained: the seed artifact's path. */
    public static final String SEED_MARKER = "seed.json";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One expert's job.
     *
     * @param cluster the cluster (= array task index)
     * @param shard   the cluster's shard file
     * @param dir     the expert's folder (its artifact, metrics and {@code slurm.json} go here)
     * @param tokens  its budget (total / K)
     * @param done    whether its artifact existed when the plan was written
     */
    public record Expert(int cluster, String shard, String dir, long tokens, boolean done) {
        public Expert {
            Objects.requireNonNull(shard, "shard");
            Objects.requireNonNull(dir, "dir");
        }
    }

    public SlurmPlan {
        Objects.requireNonNull(config, "config");
        experts = List.copyOf(experts);
        if (experts.size() != config.k()) {
            throw new IllegalArgumentException(experts.size() + " expert jobs for K = " + config.k());
        }
        for (int c = 0; c < experts.size(); c++) {
            if (experts.get(c).cluster() != c) {
                throw new IllegalArgumentException("expert job " + c + " is for cluster " + experts.get(c).cluster());
            }
        }
        if (config.expert().hasSeed() && (seedDir == null || mixture == null)) {
            throw new IllegalArgumentException(config.expert().name() + " experts branch from a seed: the plan needs "
                    + "its folder and the mixture");
        }
    }

    /** The clusters whose expert is not finished, in order: the array's task indices. */
    public List<Integer> pending() {
        List<Integer> out = new ArrayList<>();
        for (Expert e : experts) {
            if (!e.done()) {
                out.add(e.cluster());
            }
        }
        return out;
    }

    public Path write(Path runDir) {
        return AtomicFiles.write(runDir.resolve(FILE), out -> out.write(JSON.writeValueAsBytes(this)));
    }

    public static SlurmPlan read(Path runDir) {
        Path file = runDir.resolve(FILE);
        try {
            // the config is written with its derived values ("dense"), which are not constructor fields
            return JSON.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .readValue(file.toFile(), SlurmPlan.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Slurm plan " + file + " (run environment/slurm/submit "
                    + "first): " + e.getMessage(), e);
        }
    }
}
