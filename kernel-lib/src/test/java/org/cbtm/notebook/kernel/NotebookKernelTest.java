package org.cbtm.notebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.cbtm.notebook.KernelSpec;

/** The kernel's evaluation, errors and interrupt, driven directly (the Jupyter protocol is tested in environment/tests). */
class NotebookKernelTest {

    static NotebookKernel kernel;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path init = dir.resolve("init.jsh");
        Files.writeString(init, KernelSpec.initScript());
        kernel = NotebookKernel.start(init);
        kernel.awaitReady();
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    private static String plain(DisplayData d) {
        return (String) d.getData(MIMEType.TEXT_PLAIN);
    }

    @Test
    void everyValueCarriesPlainTextAndTablesAlsoHtml() {
        assertEquals("2", plain(kernel.eval("1 + 1")));
        assertNull(kernel.eval("1 + 1;").getData(MIMEType.TEXT_HTML), "a number is text/plain only");
        DisplayData t = kernel.eval("Table.create(\"t\", IntColumn.create(\"x\", 1, 2))");
        assertTrue(plain(t).contains("x"));
        assertTrue(((String) t.getData(MIMEType.TEXT_HTML)).contains("<table"));
        assertEquals("a < b", plain(kernel.eval("\"a < b\"")));
        assertTrue(((String) kernel.eval("\"a < b\"").getData(MIMEType.TEXT_HTML)).contains("a &lt; b"));
    }

    @Test
    void stateCarriesAcrossCellsAndOnlyTheLastSnippetShows() {
        assertNull(kernel.eval("int carried = 20; carried += 1;\nString unused = \"x\";"));
        assertEquals("42", plain(kernel.eval("int twice = carried * 2;\ntwice")));
        assertNull(kernel.eval("twice = 3;"), "an assignment shows nothing");
    }

    @Test
    void theDefaultImportsAreThereAndAnImportCellKeepsThem() {
        assertNull(kernel.eval("import java.util.concurrent.atomic.*;"));
        assertEquals("[1]", plain(kernel.eval("List.of(new AtomicInteger(1).get())")));
        assertEquals("x", plain(kernel.eval("Table.create(\"x\").name()")));
    }

    @Test
    void errorsAreNamedAfterTheRealExceptionWithItsMessage() {
        CellException e = assertThrows(CellException.class, () -> kernel.eval("Integer.parseInt(\"zz\")"));
        assertEquals("NumberFormatException", e.errorName());
        assertEquals("For input string: \"zz\"", e.getMessage());
        assertTrue(e.traceback().get(0).contains("NumberFormatException"));
        assertTrue(e.traceback().stream().anyMatch(l -> l.contains("at the cell")), String.join("\n", e.traceback()));
        assertFalse(e.traceback().stream().anyMatch(l -> l.contains("jdk.jshell")), "JShell's frames are cut");
        CellException own = assertThrows(CellException.class,
                () -> kernel.eval("throw new IllegalStateException(\"no budget\", new RuntimeException(\"root\"));"));
        assertEquals("IllegalStateException", own.errorName());
        assertTrue(own.traceback().stream().anyMatch(l -> l.startsWith("Caused by: java.lang.RuntimeException: root")));
    }

    @Test
    void compileErrorsNameTheLineOfTheCell() {
        CellException e = assertThrows(CellException.class, () -> kernel.eval("int ok = 1;\n\nint bad = undefinedThing + 1;"));
        assertEquals("CompilationError", e.errorName());
        assertEquals("cannot find symbol", e.getMessage());
        assertTrue(e.traceback().stream().anyMatch(l -> l.startsWith("line 3: cannot find symbol")), String.join("\n", e.traceback()));
        assertFalse(String.join("\n", e.traceback()).contains("location: class"), "JShell's wrapper class is not named");
        CellException open = assertThrows(CellException.class, () -> kernel.eval("int x = (1 + 2;"));
        assertTrue(open.errorName().equals("CompilationError") || open.errorName().equals("IncompleteSource"), open.errorName());
        CellException unfinished = assertThrows(CellException.class, () -> kernel.eval("for (int i = 0; i < 3; i++) {"));
        assertEquals("IncompleteSource", unfinished.errorName());
    }

    @Test
    void interruptStopsASleepingOrBusyCellAndTheKernelGoesOn() throws Exception {
        for (String cell : new String[] {"Thread.sleep(120_000);", "while (true) { }", "long n = 0; while (true) { n++; }"}) {
            CompletableFuture<Throwable> done = CompletableFuture.supplyAsync(() -> {
                try {
                    kernel.eval(cell);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(1500);
            assertFalse(done.isDone(), cell + " should still be running");
            long t0 = System.nanoTime();
            kernel.interrupt();
            Throwable t = done.get(30, TimeUnit.SECONDS);
            assertTrue(t instanceof CellException c && c.errorName().equals("Interrupted"), cell + " -> " + t);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), cell + " took long to stop");
            assertEquals("2", plain(kernel.eval("1 + 1")), "the next cell runs, after " + cell);
        }
    }

    @Test
    void anInterruptWhileNothingRunsDoesNotHitTheNextCell() {
        kernel.interrupt();
        assertEquals("7", plain(kernel.eval("3 + 4")));
    }
}
