package org.cbtm.fewshot;

import java.util.Arrays;
import java.util.Objects;

/**
 * A k-shot prompt ready for scoring: the token ids up to and including the task prompt (the options follow), how
 * many demonstrations were asked for and how many fit the context, and whether the test input itself had to be cut.
 *
 * @param tokens         the prompt's ids, starting with the end-of-document token (not copied: do not modify)
 * @param shotsRequested demonstrations asked for
 * @param shotsFit       demonstrations in the prompt (those dropped were dropped from the front)
 * @param inputCut       whether the test input was shortened to fit (only when no demonstration was left)
 */
public record Prompt(int[] tokens, int shotsRequested, int shotsFit, boolean inputCut) {

    public Prompt {
        Objects.requireNonNull(tokens, "tokens");
        if (shotsFit < 0 || shotsFit > shotsRequested) {
            throw new IllegalArgumentException(shotsFit + " of " + shotsRequested + " shots fit");
        }
    }

    public int length() {
        return tokens.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prompt p && shotsRequested == p.shotsRequested && shotsFit == p.shotsFit
                && inputCut == p.inputCut && Arrays.equals(tokens, p.tokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shotsRequested, shotsFit, inputCut) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Prompt[" + tokens.length + " tokens, " + shotsFit + " of " + shotsRequested + " shots"
                + (inputCut ? ", input cut" : "") + "]";
    }
}
