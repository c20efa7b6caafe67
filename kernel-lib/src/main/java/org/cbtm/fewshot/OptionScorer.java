package org.cbtm.fewshot;

import java.util.List;

import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalSequence;
import org.cbtm.lm.LanguageModel;

/**
 * Scores the options of a few-shot prompt: the thing being evaluated. {@link ModelScorer} wraps one
 * {@link LanguageModel} (a dense model, an expert, a MoE); {@link EnsembleScorer} mixes experts' whole-option
 * probabilities with one router weight vector per prompt (C-BTM, BTM); other schemes implement this.
 */
public interface OptionScorer {

    /** A short description for tables. */
    String name();

    /** The vocabulary size: it must be the evaluation tokenizer's. */
    int vocabSize();

    /** The longest prompt + option the scorer takes; {@code Integer.MAX_VALUE} if none. */
    int contextLength();

    /**
     * The log-probability of each option after {@code prompt}. The prompt's id reaches routers that use it (the
     * random router draws per id); {@code prompt.length() + } the longest option must fit {@link #contextLength()}.
     */
    OptionScores score(EvalSequence prompt, List<int[]> options);

    /**
     * The scorer of a model: a {@link SparseEnsemble} is scored as methods 1.5 says, by {@link EnsembleScorer}
     * (a mixture of whole options with the prompt's weights, not the ensemble's per-token mixture); any other model
     * by {@link ModelScorer}.
     */
    static OptionScorer of(LanguageModel model) {
        return model instanceof SparseEnsemble e ? EnsembleScorer.of(e) : new ModelScorer(model);
    }
}
