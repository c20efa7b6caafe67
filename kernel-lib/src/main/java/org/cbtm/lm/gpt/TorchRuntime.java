package org.cbtm.lm.gpt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

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
 * calls it. Launchers of separate processes should set the variable themselves ({@link #childEnvironment}).
 *
 * <p>Large tensors and page faults: libtorch allocates every tensor above glibc's mmap threshold (at most 32 MB)
 * with a fresh {@code mmap}, and the kernel then faults it in page by page on first touch. On this project's VMs a
 * 4 KiB page fault is expensive: allocating and zeroing one (2048 x 47,815) logits tensor took 1.5 s, and a
 * matmul into a fresh output 3x as long as into a reused one (measured with Debian's PyTorch and with ours alike).
 * {@code GLIBC_TUNABLES=glibc.malloc.hugetlb=1} makes malloc advise transparent huge pages for such regions
 * (512x fewer faults): the same allocation took 40 ms. glibc reads it only at process start, so it cannot be set
 * from here: the project's launchers (kernelspec, training jobs, Maven tests, environment scripts) set it, and
 * {@link #mallocHugePages()} reports whether this process runs with it.
 *
 * <p>Matrix products and the CPU vendor: the oneMKL inside DJL's libtorch takes a generic code path on AMD CPUs
 * (it checks the vendor, not the instruction sets). {@code environment/native/mkl_dispatch.c} answers its vendor
 * question with yes, so that it picks its kernels by the CPU's features: on this project's AMD EPYC the output
 * layer's product ran 2.4x faster. Like the tunable it must be preloaded at process start ({@code LD_PRELOAD}):
 * the environment scripts build it and name it in {@value #MKL_DISPATCH_VARIABLE}, {@link #childEnvironment}
 * passes it on, and {@link #mklDispatch()} reports whether this process has it.
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

    /** The glibc tunable that backs large allocations with transparent huge pages (see the class comment). */
    public static final String HUGE_PAGE_TUNABLE = "glibc.malloc.hugetlb=1";

    /**
     * Adds the native settings of a libtorch process to the environment {@code env} of a child process: passive
     * OpenMP waiting and huge-page-backed malloc, each unless the user chose otherwise (a GLIBC_TUNABLES without a
     * hugetlb entry gets it appended).
     */
    public static void childEnvironment(Map<String, String> env) {
        env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        String tunables = env.get("GLIBC_TUNABLES");
        if (tunables == null || tunables.isBlank()) {
            env.put("GLIBC_TUNABLES", HUGE_PAGE_TUNABLE);
        } else if (!tunables.contains("glibc.malloc.hugetlb")) {
            env.put("GLIBC_TUNABLES", tunables + ":" + HUGE_PAGE_TUNABLE);
        }
        preloadMklDispatch(env, System.getenv(MKL_DISPATCH_VARIABLE));
    }

    /** Names the MKL dispatch library that environment/lib.sh built (absent on CPUs that do not need it). */
    public static final String MKL_DISPATCH_VARIABLE = "CBTM_MKL_DISPATCH_LIB";

    /**
     * Preloads the MKL dispatch library {@code library} (this process's {@value #MKL_DISPATCH_VARIABLE} unless the
     * child's own names one) in the child environment {@code env}, once; nothing when neither names an existing file.
     */
    static void preloadMklDispatch(Map<String, String> env, String library) {
        String lib = env.getOrDefault(MKL_DISPATCH_VARIABLE, library);
        if (lib == null || lib.isBlank() || !Files.isRegularFile(Path.of(lib))) {
            return;
        }
        env.put(MKL_DISPATCH_VARIABLE, lib);
        String preload = env.get("LD_PRELOAD");
        if (preload == null || preload.isBlank()) {
            env.put("LD_PRELOAD", lib);
        } else if (!Arrays.asList(preload.split("[: ]+")).contains(lib)) {
            env.put("LD_PRELOAD", preload + ":" + lib);
        }
    }

    /** Whether oneMKL in this process picks its kernels by CPU features (the dispatch library is loaded). */
    public static synchronized String mklDispatch() {
        if (dispatch == null) { // preloading happens at process start: one look is enough
            try {
                dispatch = Files.readString(Path.of("/proc/self/maps")).contains("libcbtm_mkl_dispatch")
                        ? "oneMKL by CPU features (libcbtm_mkl_dispatch preloaded)"
                        : "oneMKL's own dispatch (its generic path on AMD CPUs)";
            } catch (IOException | RuntimeException e) {
                dispatch = "oneMKL dispatch unknown";
            }
        }
        return dispatch;
    }

    private static String dispatch;

    /** Whether this process was started with huge-page-backed malloc, for logs and benchmark reports. */
    public static String mallocHugePages() {
        String tunables = System.getenv("GLIBC_TUNABLES");
        return tunables != null && tunables.contains("glibc.malloc.hugetlb=1") ? "GLIBC_TUNABLES=" + tunables
                : "4 KiB pages (GLIBC_TUNABLES=" + (tunables == null ? "unset" : tunables) + ")";
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
