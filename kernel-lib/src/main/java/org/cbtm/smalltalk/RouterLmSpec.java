package org.cbtm.smalltalk;

import org.cbtm.cluster.PartitionSpec;
import org.cbtm.cluster.Partitioner;
import org.cbtm.corpus.Corpora;
import org.cbtm.text.token.Tokenizer;

/**
 * SmallTalk's partition as a partition spec of an experiment grid (methods 3): router LMs trained by hard EM
 * ({@link RouterEm}), then the training mixture sharded once with the final routers (balanced). The grid's K sets E
 * (it replaces {@code em.experts()}); the run's seed seeds the EM. The fitted partition ({@link RouterLmPartition})
 * holds the routers, which {@link SmallTalkRouting} routes with.
 *
 * <p>The routers read token ids, so the spec names the experiment's tokenizer: {@code "corpus"} for the corpus
 * tokenizer ({@link Corpora#tokenizer()}) or {@code "r50k-RANKS"} for {@link Tokenizer#truncated(int)}
 * ({@link #tokenizerName}).
 *
 * @param em        the EM's settings
 * @param tokenizer the tokenizer's name
 */
public record RouterLmSpec(RouterEmConfig em, String tokenizer) implements PartitionSpec {

    public RouterLmSpec {
        if (em == null) {
            throw new IllegalArgumentException("a router-LM partition needs its RouterEmConfig");
        }
        resolve(tokenizer); // fails early on a bad name
    }

    /** The spec for {@code tokenizer} (the experiment's). */
    public static RouterLmSpec of(RouterEmConfig em, Tokenizer tokenizer) {
        return new RouterLmSpec(em, tokenizerName(tokenizer));
    }

    @Override
    public String name() {
        return "router-lm";
    }

    @Override
    public Partitioner partitioner(int k, long seed) {
        return new RouterLmPartitioner(k == em.experts() ? em : em.withExperts(k), resolve(tokenizer), seed);
    }

    public RouterLmSpec withEm(RouterEmConfig other) {
        return new RouterLmSpec(other, tokenizer);
    }

    /** The name under which {@link #resolve} finds {@code t}: "corpus" or "r50k-RANKS". */
    public static String tokenizerName(Tokenizer t) {
        if (t.vocabSize() - 1 >= 256 && t.vocabSize() - 1 <= Tokenizer.R50K_RANKS
                && Tokenizer.truncated(t.vocabSize() - 1).sha256().equals(t.sha256())) {
            return "r50k-" + (t.vocabSize() - 1);
        }
        if (Corpora.tokenizer().sha256().equals(t.sha256())) {
            return "corpus";
        }
        throw new IllegalArgumentException("the tokenizer (sha256 " + t.sha256().substring(0, 12) + "...) is neither the "
                + "corpus tokenizer nor a truncated r50k_base: a router-LM partition cannot name it");
    }

    /** The tokenizer of a name made by {@link #tokenizerName}. */
    public static Tokenizer resolve(String name) {
        if ("corpus".equals(name)) {
            return Corpora.tokenizer();
        }
        if (name != null && name.startsWith("r50k-")) {
            try {
                return Tokenizer.truncated(Integer.parseInt(name.substring(5)));
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new IllegalArgumentException("unknown tokenizer name " + name + ": use \"corpus\" or \"r50k-RANKS\"");
    }
}
