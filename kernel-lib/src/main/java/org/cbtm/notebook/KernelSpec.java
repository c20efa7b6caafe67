package org.cbtm.notebook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.cbtm.base.AtomicFiles;
import org.cbtm.lm.gpt.TorchRuntime;

/**
 * Writes the Jupyter kernelspec of the "Java (C-BTM)" kernel: {@code kernel.json} and the init script of default
 * imports. The kernel is the library's own ({@code org.cbtm.notebook.kernel.KernelMain}), started with the chosen
 * JDK (never a bare {@code java} from the PATH) and the library's classpath.
 *
 * <p>{@code java -cp ... org.cbtm.notebook.KernelSpec --out DIR --java JAVA --classpath CP --project ROOT
 * --plotly FILE [--heap 8g]}
 */
public record KernelSpec(Path javaBin, String classpath, Path project, Path plotly, String heap) {

    public static final String NAME = "java-cbtm";
    public static final String DISPLAY_NAME = "Java (C-BTM)";

    /** The main class the kernelspec runs. */
    public static final String MAIN_CLASS = "org.cbtm.notebook.kernel.KernelMain";

    /**
     * The kernel evaluates the init script at start, one snippet at a time: imports only (a problem there is shown
     * in the first cell, never fatal). Every package listed must exist (a test compiles this list).
     */
    public static final List<String> DEFAULT_IMPORTS = List.of(
            "java.util.*",
            "java.util.stream.*",
            "java.nio.file.*",
            "tech.tablesaw.api.*",
            "tech.tablesaw.plotly.api.*",
            "tech.tablesaw.plotly.components.*",
            "tech.tablesaw.plotly.traces.*",
            "org.cbtm.base.*",
            "org.cbtm.experiment.*",
            "org.cbtm.corpus.*",
            "org.cbtm.text.token.*",
            "org.cbtm.text.tfidf.*",
            "org.cbtm.cluster.*",
            "org.cbtm.math.*",
            "org.cbtm.lm.*",
            "org.cbtm.lm.ngram.*",
            "org.cbtm.lm.gpt.*",
            "org.cbtm.lm.moe.*",
            "org.cbtm.moe.*",
            "org.cbtm.btm.*",
            "org.cbtm.smalltalk.*",
            "org.cbtm.train.*",
            "org.cbtm.route.*",
            "org.cbtm.ensemble.*",
            "org.cbtm.eval.*",
            "org.cbtm.fewshot.*",
            "org.cbtm.present.*",
            "org.cbtm.notebook.*",
            "static org.cbtm.notebook.Notebook.*");

    public KernelSpec {
        Objects.requireNonNull(javaBin, "javaBin");
        Objects.requireNonNull(classpath, "classpath");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(plotly, "plotly");
        if (classpath.isBlank()) {
            throw new IllegalArgumentException("the kernel classpath is empty: build kernel-lib first (mvn package)");
        }
        if (heap == null || !heap.matches("\\d+[mMgG]")) {
            throw new IllegalArgumentException("heap must look like 8g or 4096m, got " + heap);
        }
    }

    /** The init script: one import per line. */
    public static String initScript() {
        StringBuilder b = new StringBuilder();
        for (String i : DEFAULT_IMPORTS) {
            b.append("import ").append(i).append(";\n");
        }
        return b.toString();
    }

    /** The JVM command that runs the kernel (the connection file follows it). */
    public List<String> javaCommand() {
        List<String> cmd = new ArrayList<>(List.of(
                javaBin.toString(),
                "-Xmx" + heap,
                "-Djava.awt.headless=true",
                "-Dai.djl.offline=true",
                "-Dfile.encoding=UTF-8",
                "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            // the JDK of this run is the kernel's (environment/lib.sh passes its own java): from 23 on, libraries
            // that still use sun.misc.Unsafe (Guava, ClassGraph) make it print warnings at run time
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-cp", classpath.replace(';', java.io.File.pathSeparatorChar), MAIN_CLASS));
        return cmd;
    }

    /**
     * The launcher the kernelspec runs: it picks the kernel's log file, prints the one line the Jupyter server's
     * terminal gets, and runs the JVM with its standard streams in the log, so that what the JVM or a native library
     * prints before or outside our code (the incubator-module notice, libtorch) never reaches the terminal.
     */
    public String launcher() {
        StringBuilder java = new StringBuilder();
        for (String arg : javaCommand()) {
            java.append(shellQuote(arg)).append(' ');
        }
        return """
                #!/bin/sh
                # Starts the Java (C-BTM) kernel (written by org.cbtm.notebook.KernelSpec; do not edit).
                conn="$1"
                log="${CBTM_KERNEL_LOG:-${CBTM_HOME:-/tmp}/build/jupyter/logs/$(basename "$conn" .json).log}"
                mkdir -p "$(dirname "$log")" || exit 1
                export CBTM_KERNEL_LOG="$log"
                echo "[cbtm] Java (C-BTM) kernel $(basename "$conn" .json) starting; its log: $log" >&2
                exec %s"$conn" >>"$log" 2>&1
                """.formatted(java);
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The content of kernel.json for a kernelspec folder {@code dir}. */
    public Map<String, Object> kernelJson(Path dir) {
        List<String> argv = List.of("/bin/sh", dir.resolve("kernel.sh").toString(), "{connection_file}");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CBTM_INIT_SCRIPT", dir.resolve("init.jsh").toString());
        env.put("CBTM_KERNEL", "1");
        env.put("CBTM_HOME", project.toString());
        env.put("CBTM_PLOTLY_JS", plotly.toString());
        Path djlCache = project.resolve("build").resolve("djl-cache");
        env.put("DJL_OFFLINE", "true");
        env.put("DJL_CACHE_DIR", djlCache.toString());
        env.put("ENGINE_CACHE_DIR", djlCache.toString());
        env.put("OPT_OUT_TRACKING", "true");
        // libtorch's OpenMP threads spin while idle by default, which on a shared 2-core machine slowed training
        // steps 2-3x (environment/bench/training); waiting passively costs nothing measurable when idle. Large
        // tensors get huge pages (page faults made a fresh logits tensor cost more than the matmul filling it)
        TorchRuntime.childEnvironment(env);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", DISPLAY_NAME);
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("env", env);
        spec.put("metadata", Map.of("debugger", false));
        return spec;
    }

    /** Writes kernel.json, the launcher kernel.sh and init.jsh into {@code dir}, each atomically. */
    public void writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot create " + dir, e);
        }
        AtomicFiles.writeString(dir.resolve("init.jsh"), initScript());
        AtomicFiles.writeString(dir.resolve("kernel.sh"), launcher());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.write(dir.resolve("kernel.json"), out -> json.writeValue(out, kernelJson(dir.toAbsolutePath())));
    }

    public static void main(String[] args) {
        Map<String, String> a = parse(args);
        Path out = Path.of(require(a, "out"));
        KernelSpec spec = new KernelSpec(Path.of(require(a, "java")), require(a, "classpath"), Path.of(require(a, "project")), Path.of(require(a, "plotly")),
                a.getOrDefault("heap", defaultHeap()));
        if (!Files.isRegularFile(spec.javaBin())) {
            fail("not found: " + spec.javaBin());
        }
        spec.writeTo(out);
        System.err.println("[cbtm] kernelspec '" + NAME + "' written to " + out);
    }

    /** Half of physical memory, at most 16 GiB: DJL's tensors live outside the heap and need the rest. */
    static String defaultHeap() {
        long bytes = 8L << 30;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            bytes = Math.min(16L << 30, Math.max(1L << 30, os.getTotalMemorySize() / 2));
        }
        return (bytes >> 20) + "m";
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                fail("bad argument '" + args[i] + "': expected --name value pairs");
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    private static String require(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null || v.isBlank()) {
            fail("missing --" + key);
        }
        return v;
    }

    private static void fail(String message) {
        System.err.println("[cbtm] KernelSpec: " + message);
        System.err.println("usage: KernelSpec --out DIR --java JAVA --classpath CP --project ROOT --plotly FILE [--heap 8g]");
        System.exit(2);
    }
}
