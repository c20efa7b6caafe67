package org.cbtm.lm.gpt;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd recording off on this thread until closed, then restores it. Grad mode is per
 * thread and only the thread that started the engine begins with it off (djl-notes): inference, evaluation
 * and in-place optimiser updates run inside one of these, whatever thread calls them.
 */
public final class NoGrad implements AutoCloseable {

    private final boolean previous;

    private NoGrad() {
        TorchRuntime.engine(); // loads the native library before the first JNI call
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
