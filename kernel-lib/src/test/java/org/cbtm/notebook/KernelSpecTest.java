package org.cbtm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSpecTest {

    private static KernelSpec spec(Path root) {
        return new KernelSpec(Path.of("/opt/jdk-25/bin/java"), "/lib/a.jar;/lib/deps/*", root, root.resolve("build/plotly/plotly.min.js"), "8g");
    }

    @Test
    void writesKernelJsonAndInitScript(@TempDir Path root) throws Exception {
        Path dir = root.resolve("build/jupyter/kernels").resolve(KernelSpec.NAME);
        spec(root).writeTo(dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("kernel.json").toFile());
        assertEquals("Java (C-BTM)", json.get("display_name").asText());
        assertEquals("java", json.get("language").asText());
        JsonNode argv = json.get("argv");
        assertEquals(List.of("/bin/sh", dir.resolve("kernel.sh").toAbsolutePath().toString(), "{connection_file}"),
                List.of(argv.get(0).asText(), argv.get(1).asText(), argv.get(2).asText()));
        String launcher = Files.readString(dir.resolve("kernel.sh"));
        assertTrue(launcher.contains("exec '/opt/jdk-25/bin/java' "), "the chosen JDK, never a bare java from PATH");
        assertTrue(launcher.contains("'-Djava.awt.headless=true'") && launcher.contains("'-Xmx8g'"));
        assertTrue(launcher.contains("'-cp' '/lib/a.jar:/lib/deps/*' '" + KernelSpec.MAIN_CLASS + "' \"$conn\""),
                "the library's own kernel, the classpath in java's syntax");
        JsonNode env = json.get("env");
        assertEquals(dir.resolve("init.jsh").toAbsolutePath().toString(), env.get("CBTM_INIT_SCRIPT").asText());
        assertEquals("true", env.get("DJL_OFFLINE").asText());
        assertEquals("true", env.get("OPT_OUT_TRACKING").asText());
        assertTrue(env.get("DJL_CACHE_DIR").asText().startsWith(root.resolve("build").toString()),
                "DJL's natives unpack inside the project's build folder");
        assertEquals("1", env.get("CBTM_KERNEL").asText());
        assertEquals(root.toString(), env.get("CBTM_HOME").asText());
        assertEquals(KernelSpec.initScript(), Files.readString(dir.resolve("init.jsh")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("init.jsh", "kernel.json", "kernel.sh"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary files left behind");
        }
    }

    /** The launcher prints one line to the terminal and sends everything the JVM prints to the kernel's log. */
    @Test
    void launcherLogsToAFileAndQuotesArguments(@TempDir Path root) throws Exception {
        Path dir = root.resolve("spec");
        // /bin/echo in place of java: the "JVM" prints its arguments, which must land in the log, intact
        new KernelSpec(Path.of("/bin/echo"), "/lib/it's here.jar", root, root.resolve("plotly.js"), "1g").writeTo(dir);
        Path log = root.resolve("logs/k.log");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", dir.resolve("kernel.sh").toString(), root.resolve("kernel-abc.json").toString());
        pb.environment().put("CBTM_KERNEL_LOG", log.toString());
        Process p = pb.start();
        String terminal = new String(p.getErrorStream().readAllBytes()) + new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor());
        assertEquals("[cbtm] Java (C-BTM) kernel kernel-abc starting; its log: " + log + "\n", terminal);
        String logged = Files.readString(log);
        assertTrue(logged.contains("-cp /lib/it's here.jar " + KernelSpec.MAIN_CLASS + " " + root.resolve("kernel-abc.json")), logged);
    }

    @Test
    void initScriptIsImportsOnly() {
        for (String line : KernelSpec.initScript().split("\n")) {
            assertTrue(line.matches("import (static )?[\\w.]+(\\.\\*)?;"), "not an import: " + line);
        }
    }

    /** An import that does not resolve would greet every notebook with an error: compile the script here. */
    @Test
    void everyDefaultImportResolves() {
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            shell.addToClasspath(System.getProperty("java.class.path"));
            for (String line : KernelSpec.initScript().split("\n")) {
                for (SnippetEvent e : shell.eval(line)) {
                    List<String> errors = shell.diagnostics(e.snippet()).map(d -> d.getMessage(java.util.Locale.ROOT)).toList();
                    assertEquals(Snippet.Status.VALID, e.status(), line + " -> " + errors);
                }
            }
            // and the helpers a notebook calls first are reachable through them
            List<SnippetEvent> ev = shell.eval("Profile p = profile(); Table t = Table.create(\"x\");");
            ev.forEach(e -> assertEquals(Snippet.Status.VALID, e.status(), e.snippet().source()));
        }
    }

    @Test
    void invalidSpecsFailClearly(@TempDir Path root) {
        var e = assertThrows(IllegalArgumentException.class, () -> new KernelSpec(Path.of("java"), " ", root, root, "8g"));
        assertTrue(e.getMessage().contains("build kernel-lib first"));
        assertThrows(IllegalArgumentException.class, () -> new KernelSpec(Path.of("java"), "a.jar", root, root, "lots"));
    }

    @Test
    void argumentsParseAsPairs() {
        Map<String, String> m = KernelSpec.parse(new String[] {"--out", "/x", "--heap", "4g"});
        assertEquals(Map.of("out", "/x", "heap", "4g"), m);
        assertTrue(KernelSpec.defaultHeap().matches("\\d+m"));
    }
}
