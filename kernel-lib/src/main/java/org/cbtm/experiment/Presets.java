package org.cbtm.experiment;

import java.util.List;

import org.cbtm.base.Profile;
import org.cbtm.corpus.Corpora;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.train.ExpertKind;
import org.cbtm.train.NgramExperts;
import org.cbtm.train.TransformerExperts;
import org.cbtm.train.TrainConfig;

/**
 * The settings the C-BTM notebooks (04 to 09) share, per profile, so that their grids hit the same cached artifacts
 * and the claims table of notebook 09 compares like with like.
 * <ul>
 *   <li>QUICK fits the CI budget on 2 cores (the quick mixture has about 590k training tokens): KN-4 experts, and
 *       transformer experts that train a few steps to show the path works.</li>
 *   <li>STANDARD reproduces the comparisons with transformer experts on 2 CPU cores: a 4,097-id vocabulary
 *       (r50k_base's first 4,096 ranks; the output layer of the 47,815-id corpus tokenizer would dominate a small
 *       model), a 2-layer, 64-wide GPT branched from a seed trained on 3M tokens (about one pass over the standard
 *       mixture, as the paper branches from a pretrained OPT), budgets up to 1.5M tokens per grid point after the
 *       seed (notebook 08 searches sizes and budgets).</li>
 *   <li>FULL uses the full mixture (about 7.9M training tokens), KN-4 experts for the grids and GPT-2-small-sized
 *       transformers, which need a GPU.</li>
 * </ul>
 */
public final class Presets {
    /** r50k_base ranks of the standard profile's small vocabulary (4,097 ids with the end-of-document id). */
    public static final int STANDARD_VOCAB_RANKS = 4096;

    /**
     * The seed's budget in the standard profile: about one pass over the standard mixture, so that the experts branch
     * from a model that has learnt what it can from all of the data, as the paper's branch from a pretrained OPT.
     */
    public static final long STANDARD_SEED_TOKENS = 3_000_000L;

    private static volatile Tokenizer smallTokenizer;

    private Presets() {
    }

    /** Test documents are truncated to this many tokens (the transformer experts' context). */
    public static int evalContext() {
        return 128;
    }

    /**
     * The tokenizer of this profile's experiment: the corpus tokenizer (47,815 ids), or in STANDARD the small
     * vocabulary of {@link #STANDARD_VOCAB_RANKS} ranks (lossless: bytes fall back to byte ids).
     */
    public static Tokenizer tokenizer() {
        return Profile.current() == Profile.STANDARD ? standardTokenizer() : Corpora.tokenizer();
    }

    /** The standard profile's small vocabulary (whatever the current profile). */
    public static Tokenizer standardTokenizer() {
        Tokenizer t = smallTokenizer;
        if (t == null) {
            t = Tokenizer.truncated(STANDARD_VOCAB_RANKS);
            smallTokenizer = t;
        }
        return t;
    }

    /** The n-gram experts: interpolated modified Kneser-Ney of order 4. */
    public static ExpertKind ngram() {
        return new NgramExperts(new NgramConfig(4));
    }

    /**
     * The experts of the C-BTM grids of notebooks 05 to 09: transformers in STANDARD, KN-4 n-gram models otherwise
     * (the quick profile's transformers train too few steps for a comparison to mean anything).
     */
    public static ExpertKind expert() {
        return Profile.current() == Profile.STANDARD ? transformer() : ngram();
    }

    /** The transformer experts of this profile (a few steps in QUICK, CPU-sized in STANDARD, GPT-2-small in FULL). */
    public static ExpertKind transformer() {
        return switch (Profile.current()) {
            case QUICK -> new TransformerExperts(new GptConfig(tokenizer().vocabSize(), 2, 128, 4, 128, 0.0),
                    TrainConfig.quick(1 << 20), seedTokens());
            case STANDARD -> standardTransformer(2, 64, 2);
            case FULL -> new TransformerExperts(GptConfig.full(tokenizer().vocabSize()).withContextLength(128),
                    TrainConfig.reference(1 << 24, 32, 128, 5e-4), seedTokens());
        };
    }

    /**
     * A transformer of the standard profile's family: the small vocabulary, context 128, batches of 8 x 128 tokens
     * (on 2 cores, batches of 8 train about twice as many tokens per second as batches of 16 here), learning rate
     * 2e-3 with a 2% warmup, the reference optimiser otherwise. Notebook 08 compares sizes of this family.
     */
    public static TransformerExperts standardTransformer(int layers, int width, int heads) {
        TrainConfig r = TrainConfig.reference(1 << 20, 8, 128, 2e-3);
        TrainConfig train = r.withSchedule(TrainConfig.Schedule.POLYNOMIAL, (int) Math.min(100, r.steps() / 50), 0.0);
        return new TransformerExperts(new GptConfig(standardTokenizer().vocabSize(), layers, width, heads, 128, 0.0),
                train, STANDARD_SEED_TOKENS);
    }

    /** The budget of transformer runs: a few steps in QUICK, the main budget otherwise. */
    public static long transformerBudget() {
        return Profile.current().pick(65_536L, budget(), budget());
    }

    /** Seed tokens for transformer experts. */
    public static long seedTokens() {
        return Profile.current().pick(40_000L, STANDARD_SEED_TOKENS, 2_000_000L);
    }

    /** The main expert budget (tokens of all experts together). */
    public static long budget() {
        return budget(Profile.current());
    }

    /** The main expert budget of {@code profile} (e.g. to find the standard profile's experts from another profile). */
    public static long budget(Profile profile) {
        return profile.pick(500_000L, 1_500_000L, 7_000_000L);
    }

    /** The budgets of the scaling notebook, smallest first (the last is {@link #budget()}). */
    public static long[] budgets() {
        return switch (Profile.current()) {
            case QUICK -> new long[] {62_500, 125_000, 250_000, 500_000};
            case STANDARD -> new long[] {375_000, 750_000, 1_500_000};
            case FULL -> new long[] {875_000, 1_750_000, 3_500_000, 7_000_000};
        };
    }

    /** The numbers of clusters compared. */
    public static int[] ks() {
        return new int[] {1, 2, 4, 8, 16};
    }

    /**
     * The clustering seeds of the seed comparisons (notebooks 07 and 09): three, but one in STANDARD, where every
     * seed is another set of transformer runs.
     */
    public static List<Long> seeds() {
        return Profile.current() == Profile.STANDARD ? List.of(0L) : List.of(0L, 1L, 2L);
    }

    /**
     * The tokenizer of the notebooks that train many sets of transformers (12 BTM, 13 SmallTalk): the small
     * vocabulary, except in FULL (the corpus tokenizer there). With the 47,815-id tokenizer the output layer is
     * most of a small model's time, and these notebooks train a seed, K experts, a dense model and more sets.
     */
    public static Tokenizer compactTokenizer() {
        return Profile.current() == Profile.FULL ? tokenizer() : standardTokenizer();
    }

    /**
     * The transformer experts of those notebooks: the standard profile's model (2 layers, width 64, the small
     * vocabulary) in QUICK (with the quick profile's {@link #seedTokens()}) and STANDARD (the standard seed of
     * notebooks 05-09); FULL's GPT-2-small-sized model in FULL.
     */
    public static TransformerExperts compactTransformer() {
        return switch (Profile.current()) {
            case QUICK -> {
                TransformerExperts s = standardTransformer(2, 64, 2);
                yield new TransformerExperts(s.model(), s.training(), seedTokens());
            }
            case STANDARD -> standardTransformer(2, 64, 2);
            case FULL -> (TransformerExperts) transformer();
        };
    }

    /** The experiment of those notebooks: {@link #experiment()} tokenised with {@link #compactTokenizer()}. */
    public static CbtmExperiment compactExperiment() {
        return experiment().withTokenizer(compactTokenizer());
    }

    /** The standard experiment of this profile. */
    public static CbtmExperiment experiment() {
        return CbtmExperiment.standard(evalContext());
    }
}
