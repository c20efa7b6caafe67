package org.cbtm.lm.gpt;

/** The model of the unit tests: 2 layers of width 32, 2 heads, 32 positions, no dropout. */
public final class TinyGpt {
    private TinyGpt() {
    }

    /** A few thousand parameters plus the embeddings of {@code vocabSize} ids. */
    public static GptConfig config(int vocabSize) {
        return new GptConfig(vocabSize, 2, 32, 2, 32, 0.0);
    }
}
