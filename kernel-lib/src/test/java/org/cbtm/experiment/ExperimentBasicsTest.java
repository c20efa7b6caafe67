package org.cbtm.experiment;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.Profile;
import org.cbtm.base.ProjectPaths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentBasicsTest {

    @Test
    void profilesParse() {
        assertEquals(Profile.QUICK, Profile.parse(null));
        assertEquals(Profile.QUICK, Profile.parse(" "));
        assertEquals(Profile.FULL, Profile.parse("FULL"));
        assertEquals(7, Profile.FULL.pick(1, 7));
        assertEquals("q", Profile.QUICK.pick("q", "f"));
        assertEquals(Profile.STANDARD, Profile.parse("Standard"));
        assertEquals("q", Profile.STANDARD.pick("q", "f"), "two values: standard takes the quick one");
        assertEquals(5L, Profile.STANDARD.pick(1L, 5L, 9L));
        assertEquals(9, Profile.FULL.pick(1, 5, 9));
        assertEquals("s", Profile.STANDARD.pick("q", "s", "f"));
        var e = assertThrows(IllegalArgumentException.class, () -> Profile.parse("fast"));
        assertTrue(e.getMessage().contains("'quick', 'standard' or 'full'"));
    }

    @Test
    void projectRootIsFoundFromTheModuleFolder() {
        Path root = ProjectPaths.root();
        assertTrue(Files.isDirectory(root.resolve("environment")), root.toString());
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")));
    }

    @Test
    void atomicWriteReplacesWholeAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sub/artifact.json");
        AtomicFiles.writeString(f, "first");
        AtomicFiles.writeString(f, "second");
        assertEquals("second", Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void failedWriteKeepsTheOldFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("artifact.txt");
        AtomicFiles.writeString(f, "complete");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes());
            throw new IllegalStateException("crash mid-write");
        }));
        assertEquals("complete", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }
}
