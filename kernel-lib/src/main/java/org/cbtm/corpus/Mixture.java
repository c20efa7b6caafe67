package org.cbtm.corpus;

import org.cbtm.base.Profile;

import java.util.ArrayList;
import java.util.List;

/**
 * The multi-domain mixture the experiments cluster and train on: a seeded sample of at most
 * {@code maxPerSource} passages of each listed source, from the chosen splits. Every source is capped the same so
 * no domain dominates; clusters can then be compared with the {@code source} and {@code label} fields.
 *
 * @param sources      source names (see {@link Corpora#SOURCE_LIST})
 * @param maxPerSource at most this many passages from each source
 * @param seed         sampling seed (the sample depends only on the seed and the ids)
 */
public record Mixture(List<String> sources, int maxPerSource, long seed) {

    public Mixture {
        sources = List.copyOf(sources);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("A mixture needs at least one source");
        }
        for (String s : sources) {
            if (!Corpora.SOURCES.contains(s)) {
                throw new IllegalArgumentException("Unknown source '" + s + "'; known: " + Corpora.SOURCE_LIST);
            }
        }
        if (maxPerSource <= 0) {
            throw new IllegalArgumentException("maxPerSource must be > 0, got " + maxPerSource);
        }
    }

    /**
     * The mixture of the notebooks: all seven sources, 400 passages each per split in the quick profile, 2 000 in
     * the standard one, 20 000 in the full one (which is all of the smaller sources), seed 2023.
     */
    public static Mixture standard(Profile profile) {
        return new Mixture(Corpora.SOURCE_LIST, profile.pick(400, 2_000, 20_000), 2023);
    }

    /**
     * The test mixture of the notebooks: {@link #standard(Profile)}'s, except in the standard profile, which scores
     * 150 test passages per source: every transformer expert of every grid point reads all of them on 2 cores.
     */
    public static Mixture standardTest(Profile profile) {
        return profile == Profile.STANDARD ? new Mixture(Corpora.SOURCE_LIST, 150, 2023) : standard(profile);
    }

    public static Mixture standard() {
        return standard(Profile.current());
    }

    /** The sampled passages of one split, source by source in the order of {@link #sources()}. */
    public List<Document> sample(Corpus corpus, Split split) {
        List<Document> out = new ArrayList<>();
        for (String s : sources) {
            out.addAll(corpus.sources(s).split(split).sample(maxPerSource, seed));
        }
        return out;
    }

    /** {@link #sample(Corpus, Split)} of the built corpus. */
    public List<Document> sample(Split split) {
        return sample(Corpora.load(), split);
    }
}
