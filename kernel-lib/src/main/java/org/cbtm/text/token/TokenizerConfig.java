package org.cbtm.text.token;

/**
 * How the corpus tokenizer is fitted.
 *
 * @param maxVocab the largest vocabulary including the special and the 256 byte tokens; 0 means no cap (every
 *                 GPT-2 token the training text uses with at least {@code minCount} occurrences)
 * @param minCount a GPT-2 token must occur this often in the training text to get its own id; rarer ones are
 *                 spelled with byte tokens
 */
public record TokenizerConfig(int maxVocab, int minCount) {

    /** No cap, every used token kept: the default of {@code datasets/build}. */
    public static final TokenizerConfig DEFAULT = new TokenizerConfig(0, 1);

    public TokenizerConfig {
        if (maxVocab != 0 && maxVocab < Tokenizer.FIRST_BASE_ID) {
            throw new IllegalArgumentException("maxVocab must be 0 (no cap) or >= " + Tokenizer.FIRST_BASE_ID
                    + " (the end-of-document token and 256 byte tokens), got " + maxVocab);
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1, got " + minCount);
        }
    }
}
