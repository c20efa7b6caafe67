package org.cbtm.base;

import java.util.ServiceLoader;

/**
 * Draws a {@link Progress} bar: a terminal line, a log line now and then, or (in the notebook layer) one output
 * updated in place. The base package draws terminal and log bars itself; a layer above plugs in its own drawing
 * through a {@link Provider} listed in {@code META-INF/services/org.cbtm.base.ProgressListener$Provider}.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Redraws {@code bar}; {@code last} is true once, when the bar closes. */
    void draw(Progress bar, boolean last);

    /** The least time between two redraws of a running bar, in nanoseconds. */
    default long minIntervalNanos() {
        return 100_000_000L;
    }

    /** A source of listeners for new bars; the first provider that returns one (not null) draws every new bar. */
    interface Provider {
        /** A listener for a new bar, or null when this provider does not apply (e.g. no notebook kernel running). */
        ProgressListener create();

        /** The listener of the first installed provider that applies, or null. */
        static ProgressListener installed() {
            for (Provider p : ServiceLoader.load(Provider.class, Provider.class.getClassLoader())) {
                ProgressListener l = p.create();
                if (l != null) {
                    return l;
                }
            }
            return null;
        }
    }
}
