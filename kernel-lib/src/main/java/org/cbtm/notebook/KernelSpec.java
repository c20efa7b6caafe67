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

/**
 * Writes the Jupyter kernelspec of the "Java (C-BTM)" kernel: {@code kernel.json} and the init script of default
 * imports. We write it ourselves instead of running the kernel's interactive installer, which calls a bare
 * {@code java} from the PATH (17 here) and wipes its folder first.
 *
 * <p>{@code java -cp ... org.cbtm.notebook.KernelSpec --out DIR --java JAVA --kernel-jar JAR --classpath CP
 * --project ROOT --plotly FILE [--heap 8g]}
 */
public record KernelSpec(Path javaBin, Path kernelJar, String classpath, Path project, Path plotly, String heap) {

    public static final String NAME = "java-cbtm";
    public static final String DISPLAY_NAME = "Java (C-BTM)";

    /**
     * The kernel evaluates the init script in one JShell call at start: imports only, since a declaration there
     * kills the kernel before it answers. Every package listed must exist (a test compiles this list).
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
            "org.cbtm.train.*",
            "org.cbtm.route.*",
            "org.cbtm.ensemble.*",
            "org.cbtm.eval.*",
            "org.cbtm.present.*",
            "org.cbtm.notebook.*",
            "static org.cbtm.notebook.Notebook.*");

    public KernelSpec {
        Objects.requireNonNull(javaBin, "javaBin");
        Objects.requireNonNull(kernelJar, "kernelJar");
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

    /** The content of kernel.json for a kernelspec folder {@code dir}. */
    public Map<String, Object> kernelJson(Path dir) {
        List<String> argv = new ArrayList<>(List.of(
                javaBin.toString(),
                "-Xmx" + heap,
                "-Djava.awt.headless=true",
                "-Dai.djl.offline=true",
                "-Dfile.encoding=UTF-8",
                "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-jar", kernelJar.toString(),
                "{connection_file}"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RJK_CLASSPATH", classpath);
        env.put("RJK_INIT_SCRIPT", dir.resolve("init.jsh").toString());
        env.put("RJK_TIMEOUT_MILLIS", "-1");
        env.put("RJK_COMPILER_OPTIONS", "--add-modules jdk.incubator.vector");
        env.put("CBTM_KERNEL", "1");
        env.put("CBTM_HOME", project.toString());
        env.put("CBTM_PLOTLY_JS", plotly.toString());
        Path djlCache = project.resolve("build").resolve("djl-cache");
        env.put("DJL_OFFLINE", "true");
        env.put("DJL_CACHE_DIR", djlCache.toString());
        env.put("ENGINE_CACHE_DIR", djlCache.toString());
        env.put("OPT_OUT_TRACKING", "true");
        // libtorch's OpenMP threads spin while idle by default, which on a shared 2-core machine slowed training
        // steps 2-3x (environment/bench/training); waiting passively costs nothing measurable when idle
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", DISPLAY_NAME);
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("env", env);
        spec.put("metadata", Map.of("debugger", false));
        return spec;
    }

    /** Writes kernel.json and init.jsh into {@code dir}, each atomically. */
    public void writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot create " + dir, e);
        }
        AtomicFiles.writeString(dir.resolve("init.jsh"), initScript());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.write(dir.resolve("kernel.json"), out -> json.writeValue(out, kernelJson(dir.toAbsolutePath())));
    }

    public static void main(String[] args) {
        Map<String, String> a = parse(args);
        Path out = Path.of(require(a, "out"));
        KernelSpec spec = new KernelSpec(Path.of(require(a, "java")), Path.of(require(a, "kernel-jar")),
                require(a, "classpath"), Path.of(require(a, "project")), Path.of(require(a, "plotly")),
                a.getOrDefault("heap", defaultHeap()));
        for (Path p : List.of(spec.javaBin(), spec.kernelJar())) {
            if (!Files.isRegularFile(p)) {
                fail("not found: " + p);
            }
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
        System.err.println("usage: KernelSpec --out DIR --java JAVA --kernel-jar JAR --classpath CP --project ROOT --plotly FILE [--heap 8g]");
        System.exit(2);
    }
}
