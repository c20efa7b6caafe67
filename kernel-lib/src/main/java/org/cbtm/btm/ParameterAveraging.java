package org.cbtm.btm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.cbtm.train.Checkpoint;

/**
 * BTM's second inference mode (methods 2): one LM whose parameters are a convex combination of the ELMs',
 * {@code theta = sum_j w_j theta_j} over every tensor, so it costs one expert per token. Uniform weights, or the
 * domain posterior of the target domain's held-out data ({@link CachedPrior}). Every ELM must share the
 * architecture (and, to make sense, the seed they were branched from). The averaged checkpoint has no optimiser
 * state: a run branched from it starts with fresh moments.
 */
public final class ParameterAveraging {

    private ParameterAveraging() {
    }

    /** The average of {@code checkpoints} with {@code weights} (non-negative, one per checkpoint, summing to 1). */
    public static Checkpoint average(List<Checkpoint> checkpoints, double[] weights, String description) {
        validate(checkpoints.size(), weights);
        return Checkpoint.average(checkpoints, weights, description);
    }

    /**
     * Averages the checkpoint files {@code elms} into {@code file}, unless it exists already (its header then must
     * record the same ingredients and weights, else the file is refused: delete it or choose another name).
     */
    public static Path write(List<Path> elms, double[] weights, Path file, String description) {
        validate(elms.size(), weights);
        String recipe = recipe(elms, weights, description);
        if (Files.isRegularFile(file)) {
            String found = Checkpoint.readInfo(file).parentPath();
            if (found == null || !found.startsWith(recipe)) {
                throw new IllegalStateException(file + " holds another average (" + found + "), not " + recipe
                        + ": delete it or write this one elsewhere");
            }
            return file;
        }
        List<Checkpoint> read = new ArrayList<>();
        for (Path p : elms) {
            read.add(Checkpoint.read(p));
        }
        // the recipe is recorded where a trained checkpoint records its parent's path
        return average(read, weights, recipe).write(file);
    }

    private static void validate(int models, double[] weights) {
        if (models == 0) {
            throw new IllegalArgumentException("parameter averaging needs at least one model");
        }
        if (weights.length != models) {
            throw new IllegalArgumentException("one weight per model: " + models + " models, " + weights.length
                    + " weights " + Arrays.toString(weights));
        }
        DomainPosterior.logOf(weights); // finite, non-negative, sums to 1
    }

    private static String recipe(List<Path> elms, double[] weights, String description) {
        StringBuilder b = new StringBuilder(description).append(": ");
        for (int j = 0; j < elms.size(); j++) {
            b.append(j == 0 ? "" : " + ").append(weights[j]).append(" * ").append(elms.get(j).toAbsolutePath());
        }
        return b.toString();
    }

    /** Uniform weights over {@code k} models. */
    public static double[] uniform(int k) {
        return DomainPosterior.uniform(k);
    }
}
