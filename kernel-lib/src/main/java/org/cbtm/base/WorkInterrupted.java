package org.cbtm.base;

/**
 * Long work (training, evaluation) stopped because its thread was interrupted, as a notebook's Kernel > Interrupt
 * does. Artifacts are written atomically, so what was finished (checkpoints, cached scores) is intact, and running the
 * same call again resumes from it.
 */
public final class WorkInterrupted extends RuntimeException {

    public WorkInterrupted(String what) {
        super(what + " was interrupted; what it had finished (checkpoints, cached results) is kept, and running it "
                + "again resumes from there");
    }

    /** Throws when the current thread has been interrupted; the thread's interrupt flag stays set for its callers. */
    public static void check(String what) {
        if (Thread.currentThread().isInterrupted()) {
            throw new WorkInterrupted(what);
        }
    }
}
