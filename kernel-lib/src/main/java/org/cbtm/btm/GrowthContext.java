package org.cbtm.btm;

import java.nio.file.Path;
import java.util.List;

/**
 * What a new domain's ELM can start from: the seed, the existing ELMs, and the new domain's posterior over them
 * (a {@link CachedPrior} estimated on its held-out data).
 *
 * @param seed      the seed checkpoint every ELM was branched from
 * @param elms      the existing ELMs' checkpoints, one per domain
 * @param posterior the new domain's posterior over {@code elms}
 */
public record GrowthContext(Path seed, List<Path> elms, CachedPrior posterior) {
    public GrowthContext {
        if (seed == null || elms == null || posterior == null) {
            throw new IllegalArgumentException("growing the set needs the seed, the existing ELMs and the new domain's posterior");
        }
        elms = List.copyOf(elms);
        if (elms.isEmpty()) {
            throw new IllegalArgumentException("growing the set needs at least one existing ELM");
        }
        if (posterior.prior().length != elms.size()) {
            throw new IllegalArgumentException("the posterior covers " + posterior.prior().length + " domains but "
                    + elms.size() + " ELMs were given");
        }
    }
}
