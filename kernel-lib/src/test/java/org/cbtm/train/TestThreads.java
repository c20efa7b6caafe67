package org.cbtm.train;

import ai.djl.pytorch.jni.JniUtils;
import org.cbtm.lm.gpt.TorchRuntime;

/**
 * Tests train tiny models: one PyTorch thread. With two OpenMP threads on a 2-core machine shared with other
 * processes (CI runs notebooks beside the tests), every parallel region waits for a descheduled thread and a
 * 3 ms step was measured at 130 ms.
 */
public final class TestThreads {

    private TestThreads() {
    }

    public static void single() {
        TorchRuntime.engine();
        JniUtils.setNumThreads(1);
    }
}
