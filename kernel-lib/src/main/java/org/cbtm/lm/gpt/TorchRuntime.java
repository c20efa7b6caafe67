package org.cbtm.lm.gpt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.engine.Engine;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Starts DJL's PyTorch engine with OpenMP threads that wait passively. libtorch's CPU kernels (and its MKL)
 * run on GNU OpenMP, whose idle threads spin at every barrier by default. On a machine shared with other
 * processes (2 cores running tests, notebooks and other jobs) a spinning thread takes the core its partner
 * needs: measured here, a tiny GPT step went from 3-7 ms to 61 ms with two threads, and a 4-layer, width-256
 * step (vocabulary 48k) lost 1.3x to 10x depending on the load. With {@code OMP_WAIT_POLICY=PASSIVE} idle threads
 * sleep instead; on a quiet machine the cost is a few microseconds per parallel region.
 *
 * <p>OpenMP reads the variable once, when libtorch is loaded, so {@link #engine()} sets it (in the C
 * environment of this process, through libc's {@code setenv}) just before the first engine start, unless the
 * user set {@code OMP_WAIT_POLICY} or the engine was already started by other code. Every model entry point
 * calls it. Launchers of separate processes should set the variable themselves.
 */
public final class TorchRuntime {

    private static boolean started;
    private static String policy = "not started";

    private TorchRuntime() {
    }

    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /** The PyTorch engine, started with passive OpenMP waiting when this is the first start. */
    public static synchronized Engine engine() {
        if (!started) {
            String env = System.getenv("OMP_WAIT_POLICY");
            if (env != null) {
                policy = env + " (from the environment)";
            } else if (openMpLoaded()) {
                policy = "OpenMP default (the engine was started before TorchRuntime)";
            } else {
                try {
                    Native.load("c", LibC.class).setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
                    policy = "PASSIVE (set before the engine started)";
                } catch (UnsatisfiedLinkError | RuntimeException e) {
                    policy = "OpenMP default (could not set OMP_WAIT_POLICY: " + e.getMessage() + ")";
                }
            }
            started = true;
        }
        return Engine.getInstance();
    }

    /** How OpenMP threads wait in this process, for logs and benchmark reports. */
    public static synchronized String ompWaitPolicy() {
        return policy;
    }

    private static boolean openMpLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libgomp");
        } catch (IOException | RuntimeException e) {
            return false; // not Linux: nothing known, setting the variable is harmless
        }
    }
}
