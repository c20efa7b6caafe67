package org.cbtm.lm.gpt;

import ai.djl.ndarray.types.DataType;

/**
 * The number format of a model's training forward and backward passes. FP32 is the default and the only one that
 * resumes bit for bit. The two mixed forms keep the model's parameters and the optimiser state in FP32 (the
 * master weights) and run the passes on 16-bit copies of the parameters, refreshed after every update
 * ({@link Gpt#computeIn}); the log-softmax of the loss runs in FP32.
 *
 * <p>Why copies and not autocast: DJL 0.35.1's {@code toType} runs under PyTorch's no-grad guard (its JNI
 * {@code torchTo}), so a cast inside the graph stops the gradient; copies that are leaves of the graph need no
 * differentiable cast. And DJL 0.35.1's stock JNI has no bfloat16 in its dtype table (djl_pytorch_utils.h:
 * {@code GetScalarTypeFromDType} ends in a bare {@code throw;}, which terminates the JVM): BF16 needs the JNI
 * built from {@code environment/gpu/djl-jni} (patched to add it), which announces itself with
 * {@code CBTM_JNI_BF16=1}. FP16 works with the stock JNI (no loss scaling: use it for short runs and tests).
 */
public enum Precision {
    /** Everything in float32. */
    FP32(DataType.FLOAT32),
    /** bfloat16 passes, float32 master weights and optimiser state (needs the patched JNI). */
    BF16(DataType.BFLOAT16),
    /** float16 passes, float32 master weights and optimiser state, no loss scaling. */
    FP16(DataType.FLOAT16);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    /** The DJL data type of the forward and backward passes. */
    public DataType dataType() {
        return dataType;
    }

    /** Whether the passes run in a 16-bit format on copies of the parameters. */
    public boolean mixed() {
        return this != FP32;
    }

    /**
     * Throws unless the loaded JNI can make tensors of this format: BF16 needs {@code CBTM_JNI_BF16=1} (set by
     * {@code environment/gpu/check} after building the patched JNI); creating one with the stock JNI would
     * terminate the JVM rather than throw.
     */
    public void requireSupported() {
        if (this == BF16 && !"1".equals(System.getenv("CBTM_JNI_BF16"))) {
            throw new IllegalStateException("BF16 needs DJL's PyTorch JNI built with bfloat16 in its dtype table "
                    + "(environment/gpu/build-jni.sh; DJL 0.35.1's stock JNI terminates the JVM on a bfloat16 tensor), "
                    + "announced by CBTM_JNI_BF16=1; on the stock JNI use FP16 or FP32");
        }
    }
}
