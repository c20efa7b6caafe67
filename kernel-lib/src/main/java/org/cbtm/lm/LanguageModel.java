package org.cbtm.lm;

import java.util.ArrayList;
import java.util.List;

/**
 * What every model in the project is to the evaluation code: experts (n-gram, transformer), ensembles,
 * averaged models and MoEs. Token ids are those of the experiment's {@link org.cbtm.text.token.Tokenizer}
 * (id 0 is the end-of-document token); every model compared in one table shares it.
 *
 * <p>Conventions (methods 1.5): a sequence of n tokens yields n-1 scores, one per predicted position
 * t = 1..n-1, each the natural-log probability {@code log p(x_t | x_<t)}. The first token is never
 * predicted. A model with a finite {@link #contextLength()} conditions on at most that many previous tokens;
 * callers truncate documents to the context length before scoring (the evaluation protocol), models need
 * not slide a window.
 */
public interface LanguageModel extends AutoCloseable {

    /** Size of the vocabulary; ids are 0..vocabSize()-1. */
    int vocabSize();

    /** The longest sequence (in tokens) the model scores in one piece; {@code Integer.MAX_VALUE} if none. */
    int contextLength();

    /** Parameters that run for one token (methods 6): for an ensemble, the selected experts'. */
    long inferenceParameters();

    /** A short human-readable description for tables ("KN-4", "GPT 4L/256d", "C-BTM top-2 of 8"). */
    String name();

    /**
     * Log-probabilities of the next token after each context, one {@code float[vocabSize()]} per context.
     * An empty context means "start of a document" (the model conditions on the end-of-document token where
     * it was trained that way).
     */
    float[][] nextTokenLogProbs(List<int[]> contexts);

    /** Per-position log-probabilities of one sequence: {@code n-1} values for {@code n} tokens. */
    float[] sequenceLogProbs(int[] tokens);

    /** Batched form of {@link #sequenceLogProbs(int[])}; models override it when batching pays. */
    default List<float[]> sequenceLogProbs(List<int[]> sequences) {
        List<float[]> out = new ArrayList<>(sequences.size());
        for (int[] s : sequences) {
            out.add(sequenceLogProbs(s));
        }
        return out;
    }

    /**
     * Log-probabilities at the selected positions only: {@code selected[t-1]} asks for the score of token t
     * ({@code n-1} flags for {@code n} tokens); entries not selected are unspecified. A sparse ensemble calls it so
     * that an expert pays only for the positions that route to it. The default scores every position; models
     * whose cost per position does not grow with the prefix (n-grams) override it and
     * {@link #scoresPositionsSparsely()}.
     */
    default float[] sequenceLogProbs(int[] tokens, boolean[] selected) {
        if (selected.length != Math.max(0, tokens.length - 1)) {
            throw new IllegalArgumentException(selected.length + " position flags for " + tokens.length + " tokens");
        }
        return sequenceLogProbs(tokens);
    }

    /**
     * The summed log-probability of each option's tokens after {@code prompt}: {@code sum_j log p(o_j | prompt, o_<j)}
     * (methods 1.5, few-shot label scoring). {@code prompt} must not be empty; an empty option scores 0. The default
     * scores {@code prompt + option} once per option; models with a key/value cache override it to run the prompt
     * once. {@code prompt.length + option.length} must fit {@link #contextLength()}.
     */
    default double[] optionLogProbs(int[] prompt, List<int[]> options) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("an option is scored after a prompt of at least one token");
        }
        List<int[]> sequences = new ArrayList<>(options.size());
        for (int[] o : options) {
            int[] seq = java.util.Arrays.copyOf(prompt, prompt.length + o.length);
            System.arraycopy(o, 0, seq, prompt.length, o.length);
            sequences.add(seq);
        }
        List<float[]> scores = sequenceLogProbs(sequences);
        double[] out = new double[options.size()];
        for (int i = 0; i < out.length; i++) {
            float[] lp = scores.get(i);
            // position t-1 scores token t: the option's tokens are t = prompt.length .. end
            for (int t = prompt.length; t < prompt.length + options.get(i).length; t++) {
                out[i] += lp[t - 1];
            }
        }
        return out;
    }

    /** Whether {@link #sequenceLogProbs(int[], boolean[])} costs less than scoring every position. */
    default boolean scoresPositionsSparsely() {
        return false;
    }

    /** Releases native memory; pure-Java models have nothing to release. */
    @Override
    default void close() {
    }
}
