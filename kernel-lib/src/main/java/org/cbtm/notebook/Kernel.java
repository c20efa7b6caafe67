package org.cbtm.notebook;

import java.util.Objects;

/**
 * The library's side of the running notebook kernel. The kernel ({@code org.cbtm.notebook.kernel}) attaches itself
 * at start; until then, as in tests and command-line tools, nothing is attached and the helpers print instead.
 */
public final class Kernel {

    /** What the library needs from a front end: show a bundle in a new output, and replace an earlier one. */
    public interface Frontend {
        /** Shows {@code bundle} in a new output of the running cell; returns its display id. */
        String display(MimeBundle bundle);

        /** Replaces the content of the output with display id {@code id}. */
        void update(String id, MimeBundle bundle);
    }

    private static volatile Frontend frontend;

    private Kernel() {
    }

    /** Called by the kernel once, before the first cell runs. */
    public static void attach(Frontend f) {
        frontend = Objects.requireNonNull(f, "frontend");
    }

    /** True inside a running notebook kernel. */
    static boolean active() {
        return frontend != null;
    }

    /** Shows an object in a new output; returns its display id. */
    static String display(Object o) {
        return frontend.display(Displays.bundle(o));
    }

    /** Replaces the content of an earlier output. */
    static void update(String id, Object o) {
        frontend.update(id, Displays.bundle(o));
    }
}
