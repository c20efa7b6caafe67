package org.cbtm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.cbtm.base.HasProvenance;
import org.cbtm.base.Provenance;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class NotebookProvenanceTest {

    private static final Provenance P = Provenance.of("kn4 expert", Map.of("order", 4),
            Map.of("tokens sha256", "abc"), 0);

    @Test
    void showsTheProvenanceTableOfAnythingThatHasOne() {
        HasProvenance model = () -> P;
        Table t = (Table) Notebook.provenanceView(model);
        assertEquals("provenance: kn4 expert", t.name());
        assertEquals(P.table().stringColumn("value").asList(), t.stringColumn("value").asList());
        assertTrue(t.stringColumn("field").asList().contains("input: tokens sha256"));
        Table direct = (Table) Notebook.provenanceView(P);
        assertEquals(t.rowCount(), direct.rowCount());
    }

    @Test
    void saysClearlyWhenThereIsNone() {
        String plain = ((MimeBundle) Notebook.provenanceView("a string")).plain();
        assertTrue(plain.contains("`String` records no provenance"), plain);
        assertTrue(plain.contains("ClusterModel") && plain.contains("SparseEnsemble"), plain);
        HasProvenance empty = () -> null;
        assertTrue(((MimeBundle) Notebook.provenanceView(empty)).plain().contains("no provenance recorded"));
        assertTrue(((MimeBundle) Notebook.provenanceView(null)).plain().contains("nothing to show"));
    }

    @Test
    void outsideAKernelItPrintsTheTable() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            Notebook.provenance((HasProvenance) () -> P);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("kn4 expert") && out.contains("{\"order\":4}"), out);
    }
}
