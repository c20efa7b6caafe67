package org.cbtm.smalltalk;

/**
 * How a hard prefix router weighs the positions inside its own routing prefix (methods 3).
 */
public enum PrefixForm {
    /**
     * The library's {@link org.cbtm.route.Router} contract (the default): the token at position t is predicted by the
     * expert the routers choose from {@code x_<t}; once M tokens are read the choice is final for the rest of the
     * sequence. Positions inside the prefix may therefore use other experts than the final one (at most M - 1
     * positions of each sequence); from position M on, only the routed expert runs.
     */
    CAUSAL,
    /**
     * The paper's deployment: the whole sequence, its first M tokens included, is scored by the one expert chosen
     * from the first M tokens. The predictions of tokens 1..M-1 then use a choice made from tokens after them: fine
     * for serving a request whose prefix is given, outside the look-ahead contract for perplexity.
     */
    WHOLE_SEQUENCE;

    /** "causal", "whole sequence" for tables. */
    public String label() {
        return this == CAUSAL ? "causal" : "whole sequence";
    }
}
