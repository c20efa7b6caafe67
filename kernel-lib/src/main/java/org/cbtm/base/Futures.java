package org.cbtm.base;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work submitted to a pool, with the errors a caller of the work itself would see. */
public final class Futures {

    private Futures() {
    }

    /**
     * Waits for every future in order. A task's exception is rethrown as it was thrown (unchecked ones unchanged,
     * checked ones wrapped); an interrupt of the waiting thread cancels the rest and throws {@link WorkInterrupted}
     * naming {@code what}. Either way the other tasks are cancelled.
     */
    public static void awaitAll(List<? extends Future<?>> futures, String what) {
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new WorkInterrupted(what);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }
}
