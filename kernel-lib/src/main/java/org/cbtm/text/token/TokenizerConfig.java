package org.cbtm.text.token;

/**
 * How the corpus tokenizer is fitted.
 *
 * @param maxVocab  the largest vocabulary including the special and the 256 byte tokens; 0 means no cap (every
 *                  GPT-2 token the training text uses with at least {@code minCount} occurrences)
 * @param minCount  a GPT-2 token must occur this often in the training text to get its own id; rarer ones are
 *                  spelled with byte tokens
 * @param baseRanks 0 for all of {@code r50k_base}; else the BPE keeps only its first {@code baseRanks} ranks (the
 *                  256 bytes and the first merges: a small vocabulary that is still a valid BPE, see
 *                  {@link Tokenizer#truncated})
 */
public record TokenizerConfig(int maxVocab, int minCount, int baseRanks) {

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
        if (baseRanks != 0 && (baseRanks < 256 || baseRanks > Tokenizer.R50K_RANKS)) {
            throw new IllegalArgumentException("baseRanks must be 0 (all of r50k_base) or in [256, "
                    + Tokenizer.R50K_RANKS + "], got " + baseRanks);
        }
    }

    /** Every r50k_base rank may be used. */
    public TokenizerConfig(int maxVocab, int minCount) {
        this(maxVocab, minCount, 0);
    }

    /**
     * The small vocabulary of {@code r50k_base}'s first {@code ranks} ranks, keeping those the training text uses
     * (e.g. {@code smallVocabulary(8192)} for about 8k ids).
     */
    public static TokenizerConfig smallVocabulary(int ranks) {
        return new TokenizerConfig(0, 1, ranks);
    }
}
