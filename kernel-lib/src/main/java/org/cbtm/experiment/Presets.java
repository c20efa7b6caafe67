package org.cbtm.experiment;

import org.cbtm.base.Profile;

import org.cbtm.corpus.Corpora;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.train.ExpertKind;
import org.cbtm.train.NgramExperts;
import org.cbtm.train.TransformerExperts;
import org.cbtm.train.TrainConfig;

/**
 * The settings the C-BTM notebooks (04 to 09) share, per profile, so that their grids hit the same cached artifacts
 * and the claims table of notebook 09 compares like with like. QUICK fits the CI budget on 2 cores (the quick
 * mixture has about 590k training tokens); FULL uses the full mixture (about 7.9M training tokens).
 */
public final class Presets {
    private Presets() {
    }

    /** Test documents are truncated to this many tokens (the transformer experts' context). */
    public static int evalContext() {
        return 128;
    }

    /** The n-gram experts: interpolated modified Kneser-Ney of order 4. */
    public static ExpertKind ngram() {
        return new NgramExperts(new NgramConfig(4));
    }

    /** The transformer experts of this profile (CPU-sized in QUICK, GPT-2-small-sized in FULL). */
    public static ExpertKind transformer() {
        int vocab = Corpora.tokenizer().vocabSize();
        return Profile.current() == Profile.QUICK
                ? new TransformerExperts(new GptConfig(vocab, 2, 128, 4, 128, 0.0), TrainConfig.quick(1 << 20),
                        seedTokens())
                : new TransformerExperts(GptConfig.full(vocab).withContextLength(128),
                        TrainConfig.reference(1 << 24, 32, 128, 5e-4), seedTokens());
    }

    /** Seed tokens for transformer experts. */
    public static long seedTokens() {
        return Profile.current().pick(40_000L, 2_000_000L);
    }

    /** The main expert budget (tokens of all experts together). */
    public static long budget() {
        return Profile.current().pick(500_000L, 7_000_000L);
    }

    /** The budgets of the scaling notebook, smallest first. */
    public static long[] budgets() {
        return Profile.current() == Profile.QUICK
                ? new long[] {62_500, 125_000, 250_000, 500_000}
                : new long[] {875_000, 1_750_000, 3_500_000, 7_000_000};
    }

    /** The numbers of clusters compared. */
    public static int[] ks() {
        return new int[] {1, 2, 4, 8, 16};
    }

    /** The standard experiment of this profile. */
    public static CbtmExperiment experiment() {
        return CbtmExperiment.standard(evalContext());
    }
}
