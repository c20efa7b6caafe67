package org.cbtm.base;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A progress bar for long loops. In a terminal it redraws one line; in a log (no console, e.g. CI) it prints a line
 * every 10% or 30 s; in a notebook the notebook layer draws it (a {@link ProgressListener} found through
 * {@link ProgressListener.Provider}, so that this base package knows nothing of notebooks). It shows the rate and
 * the estimated time left.
 *
 * <pre>{@code
 * try (var bar = Progress.start("Training expert 3", totalTokens, "tok")) {
 *     while (...) { ...; bar.advance(tokensInStep); bar.note("loss %.3f", loss); }
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {


    private static final int WIDTH = 30;

    /** Open {@link #muted()} scopes; bars started while one is open draw nothing. */
    private static final java.util.concurrent.atomic.AtomicInteger MUTED = new java.util.concurrent.atomic.AtomicInteger();

    /** A scope in which new bars are silent: a loop with its own bar mutes the bars of the work it calls. */
    public static final class Muted implements AutoCloseable {
        private boolean open = true;

        private Muted() {
            MUTED.incrementAndGet();
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                MUTED.decrementAndGet();
            }
        }
    }

    /**
     * Mutes bars started until the scope closes (bars already running keep drawing):
     * {@code try (var quiet = Progress.muted()) { trainOneExpert(); }}. Process-wide: one notebook kernel runs one
     * cell at a time.
     */
    public static Muted muted() {
        return new Muted();
    }

    private final String label;
    private final long total;
    private final String unit;
    private final ProgressListener sink;
    private final LongSupplier clock;
    private final long startNanos;
    private final long minIntervalNanos;
    private long done;
    private long lastDrawNanos = Long.MIN_VALUE;
    private String note = "";
    private boolean closed;

    public Progress(String label, long total, String unit, ProgressListener sink, LongSupplier clock, long minIntervalNanos) {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("a progress bar needs a label");
        }
        this.label = label;
        this.total = Math.max(0, total);
        this.unit = unit == null || unit.isBlank() ? "it" : unit;
        this.sink = sink;
        this.clock = clock;
        this.minIntervalNanos = minIntervalNanos;
        this.startNanos = clock.getAsLong();
        sink.draw(this, false);
        lastDrawNanos = startNanos;
    }

    /** A bar over {@code total} items (0 or less: unknown total, shows count and rate only). */
    public static Progress start(String label, long total) {
        return start(label, total, "it");
    }

    public static Progress start(String label, long total, String unit) {
        ProgressListener sink;
        if (MUTED.get() > 0) {
            sink = (p, last) -> { };
        } else {
            sink = ProgressListener.Provider.installed();
            if (sink == null) {
                sink = new TerminalSink(System.err, System.console() != null);
            }
        }
        return new Progress(label, total, unit, sink, System::nanoTime, sink.minIntervalNanos());
    }

    /** Adds {@code n} finished items. */
    public void advance(long n) {
        set(done + n);
    }

    /**
     * Sets the number of finished items. This is also where long work notices an interrupt (a notebook's
     * Kernel > Interrupt): when the calling thread has been interrupted, it throws {@link WorkInterrupted}, so every
     * loop that reports progress stops at its next step.
     */
    public void set(long value) {
        WorkInterrupted.check(label);
        done = value;
        long now = clock.getAsLong();
        if (now - lastDrawNanos >= minIntervalNanos) {
            lastDrawNanos = now;
            sink.draw(this, false);
        }
    }

    /** A short status shown after the bar, e.g. the current loss. */
    public void note(String format, Object... args) {
        note = args.length == 0 ? format : String.format(format, args);
    }

    /** Whether {@link #close()} was called (a listener draws a finished bar differently). */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            sink.draw(this, true);
        }
    }

    public long done() {
        return done;
    }

    public long total() {
        return total;
    }

    public double elapsedSeconds() {
        return (clock.getAsLong() - startNanos) / 1e9;
    }

    /** Items per second so far. */
    public double rate() {
        double s = elapsedSeconds();
        return s <= 0 ? 0 : done / s;
    }

    /** Fraction done in [0, 1], or -1 when the total is unknown. */
    public double fraction() {
        return total <= 0 ? -1 : Math.min(1.0, (double) done / total);
    }

    /** One line: label, percent, bar, counts, elapsed and remaining time, rate, note. */
    public String line() {
        StringBuilder b = new StringBuilder(label).append(": ");
        double f = fraction();
        if (f >= 0) {
            b.append(String.format("%3d%% ", (int) Math.floor(f * 100))).append('|').append(bar(f)).append("| ");
            b.append(count(done)).append('/').append(count(total));
        } else {
            b.append(count(done));
        }
        double secs = elapsedSeconds();
        b.append(" [").append(clockTime(secs));
        double rate = rate();
        if (f >= 0 && rate > 0 && done < total) {
            b.append('<').append(clockTime((total - done) / rate));
        }
        b.append(", ").append(rateText(rate)).append(']');
        if (!note.isEmpty()) {
            b.append(' ').append(note);
        }
        return b.toString();
    }

    private static String bar(double f) {
        int eighths = (int) Math.round(f * WIDTH * 8);
        StringBuilder b = new StringBuilder(WIDTH);
        String partial = " ▏▎▍▌▋▊▉";
        for (int i = 0; i < WIDTH; i++) {
            int cell = eighths - 8 * i;
            b.append(cell >= 8 ? '█' : cell <= 0 ? ' ' : partial.charAt(cell));
        }
        return b.toString();
    }

    private String rateText(double rate) {
        if (rate >= 1) {
            return count(Math.round(rate)) + " " + unit + "/s";
        }
        return rate > 0 ? String.format("%.2f s/%s", 1 / rate, unit) : "? " + unit + "/s";
    }

    static String count(long n) {
        if (n >= 10_000_000_000L) {
            return String.format("%.1fG", n / 1e9);
        }
        if (n >= 10_000_000) {
            return String.format("%.1fM", n / 1e6);
        }
        if (n >= 100_000) {
            return String.format("%.1fk", n / 1e3);
        }
        return Long.toString(n);
    }

    static String clockTime(double seconds) {
        long s = Math.round(seconds);
        Duration d = Duration.ofSeconds(s);
        return d.toHours() > 0
                ? String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format("%02d:%02d", d.toMinutesPart(), d.toSecondsPart());
    }



    /** Redraws one terminal line, or prints a line now and then when the output is a log. */
    static final class TerminalSink implements ProgressListener {
        private final PrintStream out;
        private final boolean interactive;
        private int lastDecile = -1;
        private double lastPrintSeconds = -1;

        TerminalSink(PrintStream out, boolean interactive) {
            this.out = out;
            this.interactive = interactive;
        }

        @Override
        public void draw(Progress p, boolean last) {
            if (interactive) {
                out.print("\r" + p.line() + "\u001b[K" + (last ? "\n" : ""));
                out.flush();
                return;
            }
            int decile = p.fraction() < 0 ? -1 : (int) (p.fraction() * 10);
            double t = p.elapsedSeconds();
            if (last || decile > lastDecile || t - lastPrintSeconds >= 30 || lastPrintSeconds < 0) {
                lastDecile = decile;
                lastPrintSeconds = t;
                out.println(p.line());
            }
        }
    }
}
