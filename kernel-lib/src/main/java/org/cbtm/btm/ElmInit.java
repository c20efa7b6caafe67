package org.cbtm.btm;

import java.nio.file.Path;

/**
 * Where a new domain's ELM starts when the set grows (methods 2): a copy of the seed, of the nearest existing ELM,
 * or the posterior-weighted parameter average of the existing ELMs. A new way to start is one class implementing
 * this interface.
 */
public interface ElmInit {

    /** Short name for tables and folders ("seed", "nearest ELM", "weighted average"). */
    String name();

    /** The checkpoint the new ELM branches from; {@code dir} is where this init may write one. */
    Path checkpoint(GrowthContext context, Path dir);

    /** Branch from the seed (weights and optimiser state): the same start as every other ELM. */
    record FromSeed() implements ElmInit {
        @Override
        public String name() {
            return "seed";
        }

        @Override
        public Path checkpoint(GrowthContext context, Path dir) {
            return context.seed();
        }
    }

    /** Branch from the existing ELM with the largest posterior weight on the new domain's held-out data. */
    record FromNearest() implements ElmInit {
        @Override
        public String name() {
            return "nearest ELM";
        }

        @Override
        public Path checkpoint(GrowthContext context, Path dir) {
            return context.elms().get(context.posterior().argmax());
        }
    }

    /**
     * Branch from {@code theta = sum_j w_j theta_j} with w = the new domain's posterior over the existing ELMs
     * (the paper's best), written to {@code dir/average.ckpt}; no optimiser state.
     */
    record FromWeightedAverage() implements ElmInit {
        @Override
        public String name() {
            return "weighted average";
        }

        @Override
        public Path checkpoint(GrowthContext context, Path dir) {
            return ParameterAveraging.write(context.elms(), context.posterior().prior(), dir.resolve("average.ckpt"),
                    "posterior-weighted average for a new domain");
        }
    }
}
