package org.cbtm.lm.gpt;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.cbtm.lm.moe.MoeConfig;

/**
 * The shape of a GPT-style decoder ({@link Gpt}): token and learned position embeddings, {@code layers}
 * pre-norm blocks of causal self-attention and a GELU MLP (4x wide), a final LayerNorm and an output layer
 * tied to the token embedding.
 *
 * @param vocabSize     size of the vocabulary (the experiment tokenizer's, 47,815 for the built corpus)
 * @param layers        number of transformer blocks
 * @param width         model width d (embedding size)
 * @param heads         attention heads; each has width / heads dimensions
 * @param contextLength longest sequence the model sees (the number of learned positions)
 * @param dropout       dropout rate on attention weights, residual branches and embeddings while training
 * @param moe           null for a dense model; otherwise which blocks' FFNs are mixture-of-experts layers
 *                      ({@link org.cbtm.lm.moe.MoeLayer}) and how they route
 */
@JsonInclude(JsonInclude.Include.NON_NULL) // a dense model's header reads as it did before MoE existed
public record GptConfig(int vocabSize, int layers, int width, int heads, int contextLength, double dropout,
                        MoeConfig moe) {

    /** A dense model. */
    public GptConfig(int vocabSize, int layers, int width, int heads, int contextLength, double dropout) {
        this(vocabSize, layers, width, heads, contextLength, dropout, null);
    }

    public GptConfig {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be at least 2, got " + vocabSize);
        }
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be at least 1, got " + layers);
        }
        if (width < 1) {
            throw new IllegalArgumentException("width must be positive, got " + width);
        }
        if (heads < 1) {
            throw new IllegalArgumentException("heads must be positive, got " + heads);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must divide width (" + width
                    + "): each head gets width / heads dimensions; use a head count that divides the width (e.g. "
                    + java.util.stream.IntStream.rangeClosed(1, Math.min(width, 64)).filter(h -> width % h == 0)
                    .filter(h -> Math.abs(h - heads) <= Math.max(2, heads)).boxed().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
        if (contextLength < 1) {
            throw new IllegalArgumentException("contextLength must be positive, got " + contextLength);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (moe != null && moe.moeLayers(layers) == 0) {
            throw new IllegalArgumentException("an MoE placed " + moe.placement() + " gives no MoE layer in a model of "
                    + layers + " block(s): use at least 2 blocks or placement EVERY");
        }
    }

    /**
     * For CPU notebooks (quick profile): 4 layers, width 256, 4 heads, 128 positions, no dropout (runs of a few
     * million tokens are too short for dropout to help). About 3.2M non-embedding parameters.
     */
    public static GptConfig quick(int vocabSize) {
        return new GptConfig(vocabSize, 4, 256, 4, 128, 0.0);
    }

    /** For GPU runs (full profile): GPT-2 small's body (12 layers, width 768, 12 heads), 512 positions, dropout 0.1. */
    public static GptConfig full(int vocabSize) {
        return new GptConfig(vocabSize, 12, 768, 12, 512, 0.1);
    }

    public GptConfig withDropout(double rate) {
        return new GptConfig(vocabSize, layers, width, heads, contextLength, rate, moe);
    }

    public GptConfig withContextLength(int positions) {
        return new GptConfig(vocabSize, layers, width, heads, positions, dropout, moe);
    }

    /** The same model with mixture-of-experts layers as {@code config} says (null: dense). */
    public GptConfig withMoe(MoeConfig config) {
        return new GptConfig(vocabSize, layers, width, heads, contextLength, dropout, config);
    }

    /** Whether block {@code block} has an MoE layer instead of the dense FFN. */
    public boolean moeBlock(int block) {
        return moe != null && moe.appliesTo(block);
    }

    /** Same tensors (everything but the dropout rate, which only matters while training). */
    public boolean sameArchitecture(GptConfig other) {
        return withDropout(0).equals(other.withDropout(0));
    }

    public int headWidth() {
        return width / heads;
    }

    /** Parameters of one dense block: two LayerNorms, qkv and output projections, the 4x MLP (weights and biases). */
    public long blockParameters() {
        return attentionParameters() + ffnParameters();
    }

    /** The part of a block that is not its FFN: two LayerNorms, qkv and output projections. */
    private long attentionParameters() {
        long d = width;
        return 4 * d * d + 8 * d;
    }

    /** One FFN (one expert of an MoE layer): 4x up and down projections with biases. */
    public long ffnParameters() {
        long d = width;
        return 8 * d * d + 5 * d;
    }

    /**
     * Parameters that are not embeddings (methods 6): the blocks and the final LayerNorm; an MoE layer counts all
     * its experts and its router.
     */
    public long nonEmbeddingParameters() {
        return blockParameterSum(moe == null ? 0 : moe.experts());
    }

    /**
     * The non-embedding parameters that run for one token (methods 6): a dense model's all; in an MoE layer the
     * top-k experts and the router. Training FLOPs are counted with these.
     */
    public long activeNonEmbeddingParameters() {
        return blockParameterSum(moe == null ? 0 : moe.topK());
    }

    private long blockParameterSum(int expertsCounted) {
        long n = 2L * width;
        for (int i = 0; i < layers; i++) {
            n += moeBlock(i)
                    ? attentionParameters() + expertsCounted * ffnParameters() + (long) moe.experts() * width
                    : blockParameters();
        }
        return n;
    }

    /** Every parameter: token embedding (shared with the output layer), position embedding and the rest. */
    public long totalParameters() {
        return (long) vocabSize * width + (long) contextLength * width + nonEmbeddingParameters();
    }

    /** The parameters that run for one token (methods 6): the embeddings and the active non-embedding parameters. */
    public long activeParameters() {
        return (long) vocabSize * width + (long) contextLength * width + activeNonEmbeddingParameters();
    }

    /**
     * Training FLOPs by the convention of methods 6: {@code 6 * non-embedding parameters * tokens}, with an MoE's
     * active parameters (top-k experts and the router per MoE layer).
     */
    public double trainingFlops(long tokens) {
        return 6.0 * activeNonEmbeddingParameters() * tokens;
    }

    /** "GPT 4L/256d", "GPT 4L/256d MoE 8x top-2". */
    public String shortName() {
        return "GPT " + layers + "L/" + width + "d" + (moe == null ? "" : " " + moe.shortName());
    }
}
