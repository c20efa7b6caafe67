package org.cbtm.notebook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cbtm.base.Progress;
import org.junit.jupiter.api.Test;

class NotebookProgressTest {

    @Test
    void htmlIsEscaped() {
        Progress p = new Progress("<b>x</b>", 10, "it", (q, last) -> { }, () -> 0L, 0);
        assertTrue(NotebookProgress.html(p).contains("&lt;b&gt;x&lt;/b&gt;"));
    }

    @Test
    void noNotebookBarOutsideTheKernel() {
        assertTrue(new NotebookProgress.Provider().create() == null, "tests run without a kernel");
    }
}
