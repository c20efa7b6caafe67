package org.cbtm.notebook.kernel;

import java.lang.reflect.Field;
import java.util.Map;

import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets in this JVM on a thread of their own (JShell's {@link LocalExecutionControl}: snippet code is
 * instrumented so that {@link #stop()} ends even a busy loop, and the snippet's threads are interrupted, which ends
 * a sleep or a wait). On top of it, this keeps what JShell reduces to strings: the object a snippet's variable
 * holds (so a table renders as a table) and the exception a snippet threw (so the error names the real class).
 */
final class CellExecution extends LocalExecutionControl {

    private volatile Throwable lastThrown;
    private volatile Object lastValue;

    /** The exception the last snippet threw, once; null when there was none. */
    Throwable takeThrown() {
        Throwable t = lastThrown;
        lastThrown = null;
        return t;
    }

    /** The object read by the last {@code JShell.varValue} call, once. */
    Object takeValue() {
        Object v = lastValue;
        lastValue = null;
        return v;
    }

    @Override
    protected String throwConvertedInvocationException(Throwable cause) throws RunException, InternalException {
        lastThrown = cause;
        return super.throwConvertedInvocationException(cause);
    }

    @Override
    public String varValue(String className, String varName) throws RunException, EngineTerminationException,
            InternalException {
        try {
            Field f = findClass(className).getDeclaredField(varName);
            f.setAccessible(true);
            lastValue = f.get(null);
            // the string form is not used: the kernel renders the object itself, and a big table's toString is slow
            return "";
        } catch (ReflectiveOperationException | RuntimeException e) {
            lastValue = null;
            return super.varValue(className, varName);
        }
    }

    /** A provider that hands JShell this control and reports the instance it made. */
    static ExecutionControlProvider provider(java.util.function.Consumer<CellExecution> made) {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "cbtm-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                CellExecution c = new CellExecution();
                made.accept(c);
                return c;
            }
        };
    }
}
