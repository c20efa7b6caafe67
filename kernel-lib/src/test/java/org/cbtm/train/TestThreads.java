package org.cbtm.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Tests train tiny models: one PyTorch thread. With two OpenMP threads on a 2-core machine shared with other
 * processes (CI runs notebooks beside the tests), every parallel region waits for a descheduled thread and a
 * 3 ms step was measured at 130 ms.
 */
public final class TestThreads {

    private TestThreads() {
    }

    public static void single() {
        Engine.getInstance();
        JniUtils.setNumThreads(1);
    }
}
