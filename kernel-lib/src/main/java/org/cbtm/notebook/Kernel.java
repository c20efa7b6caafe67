package org.cbtm.notebook;

import org.rapaio.jupyter.kernel.global.Global;

/**
 * The only class that talks to the running kernel. It is loaded only when {@link #active()} says a kernel is
 * there, so the library works the same in tests and command-line tools, where it prints instead.
 */
final class Kernel {

    private Kernel() {
    }

    private static final boolean ACTIVE = "1".equals(System.getenv("CBTM_KERNEL")) && kernelPresent();

    /** True inside the Java kernel started from our kernelspec (it sets CBTM_KERNEL=1); fixed for the process. */
    static boolean active() {
        return ACTIVE;
    }

    private static boolean kernelPresent() {
        try {
            Class.forName("org.rapaio.jupyter.kernel.global.Global", false, Kernel.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Shows an object in a new output; returns its display id. */
    static String display(Object o) {
        return Global.display(o);
    }

    /** Replaces the content of an earlier output. */
    static void update(String id, Object o) {
        Global.updateDisplay(id, o);
    }
}
