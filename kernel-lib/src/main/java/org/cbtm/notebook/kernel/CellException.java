package org.cbtm.notebook.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * An error as a cell reports it: a name (the real exception's simple class name, or what went wrong before the
 * code ran: {@code CompilationError}, {@code Interrupted}, ...), its message, and the traceback lines Jupyter shows.
 */
final class CellException extends RuntimeException {

    private static final String RED = "\u001b[1;31m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private final String errorName;
    private final List<String> traceback;

    CellException(String errorName, String message, List<String> details) {
        super(message);
        this.errorName = errorName;
        List<String> lines = new ArrayList<>();
        lines.add(RED + errorName + RESET + ": " + message);
        lines.addAll(details);
        this.traceback = List.copyOf(lines);
    }

    String errorName() {
        return errorName;
    }

    List<String> traceback() {
        return traceback;
    }

    /** The cell was interrupted: the kernel keeps its state. */
    static CellException interrupted() {
        return new CellException("Interrupted", "the cell was interrupted (Kernel > Interrupt); the kernel keeps its "
                + "variables and runs the next cell", List.of());
    }

    /**
     * An exception the cell's code threw, named by its own class, with the stack cut where the cell's code was
     * called (the frames below belong to JShell and this kernel), and its causes.
     */
    static CellException thrown(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable cur = t;
        boolean first = true;
        while (cur != null && seen.add(cur)) {
            if (!first) {
                lines.add("Caused by: " + cur);
            }
            for (StackTraceElement e : cur.getStackTrace()) {
                if (e.getClassName().startsWith("REPL.")) {
                    lines.add(DIM + "\tat the cell (" + e.getMethodName() + ")" + RESET);
                    break;
                }
                if (e.getClassName().startsWith("jdk.internal.reflect.")
                        || e.getClassName().startsWith("java.lang.reflect.Method")) {
                    break;
                }
                lines.add(DIM + "\tat " + e + RESET);
            }
            first = false;
            cur = cur.getCause();
        }
        return new CellException(t.getClass().getSimpleName(), message, lines);
    }
}
