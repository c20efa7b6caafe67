package org.cbtm.eval;

import java.util.List;

/**
 * A model whose scores may depend on the labels of an evaluation sequence, not only its tokens: an ensemble with
 * the oracle router (the document's cluster) or the random router (the document's id). The evaluation calls this
 * instead of {@link org.cbtm.lm.LanguageModel#sequenceLogProbs(List)} when a model implements it.
 */
public interface SequenceScorer {

    /** Per-position natural-log probabilities, {@code n-1} values for each sequence of {@code n} tokens. */
    List<float[]> scoreSequences(List<EvalSequence> sequences);
}
