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
        return new KernelSpec(Path.of("/opt/jdk-25/bin/java"), root.resolve("kernel.jar"),
                "/lib/a.jar;/lib/deps/*", root, root.resolve("build/plotly/plotly.min.js"), "8g");
    }

    @Test
    void writesKernelJsonAndInitScript(@TempDir Path root) throws Exception {
        Path dir = root.resolve("build/jupyter/kernels").resolve(KernelSpec.NAME);
        spec(root).writeTo(dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("kernel.json").toFile());
        assertEquals("Java (C-BTM)", json.get("display_name").asText());
        assertEquals("java", json.get("language").asText());
        JsonNode argv = json.get("argv");
        assertEquals("/opt/jdk-25/bin/java", argv.get(0).asText(), "the chosen JDK, never a bare java from PATH");
        assertEquals("{connection_file}", argv.get(argv.size() - 1).asText());
        assertTrue(argv.toString().contains("-Djava.awt.headless=true"));
        assertTrue(argv.toString().contains("-Xmx8g"));
        JsonNode env = json.get("env");
        assertEquals("/lib/a.jar;/lib/deps/*", env.get("RJK_CLASSPATH").asText());
        assertEquals(dir.resolve("init.jsh").toAbsolutePath().toString(), env.get("RJK_INIT_SCRIPT").asText());
        assertEquals("true", env.get("DJL_OFFLINE").asText());
        assertEquals("true", env.get("OPT_OUT_TRACKING").asText());
        assertTrue(env.get("DJL_CACHE_DIR").asText().startsWith(root.resolve("build").toString()),
                "DJL's natives unpack inside the project's build folder");
        assertEquals("1", env.get("CBTM_KERNEL").asText());
        assertEquals(root.toString(), env.get("CBTM_HOME").asText());
        assertEquals(KernelSpec.initScript(), Files.readString(dir.resolve("init.jsh")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("init.jsh", "kernel.json"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary files left behind");
        }
    }

    @Test
    void initScriptIsImportsOnly() {
        for (String line : KernelSpec.initScript().split("\n")) {
            assertTrue(line.matches("import (static )?[\\w.]+(\\.\\*)?;"), "not an import: " + line);
        }
    }

    /** The kernel dies at start if one import does not resolve: compile the script the way the kernel will. */
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
        var e = assertThrows(IllegalArgumentException.class, () -> new KernelSpec(Path.of("java"), root, " ", root, root, "8g"));
        assertTrue(e.getMessage().contains("build kernel-lib first"));
        assertThrows(IllegalArgumentException.class, () -> new KernelSpec(Path.of("java"), root, "a.jar", root, root, "lots"));
    }

    @Test
    void argumentsParseAsPairs() {
        Map<String, String> m = KernelSpec.parse(new String[] {"--out", "/x", "--heap", "4g"});
        assertEquals(Map.of("out", "/x", "heap", "4g"), m);
        assertTrue(KernelSpec.defaultHeap().matches("\\d+m"));
    }
}
