package org.cbtm.notebook;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A progress bar for long loops. In a notebook it updates one output in place (a display id); in a terminal it
 * redraws one line; in a log (no console, e.g. CI) it prints a line every 10% or 30 s. It shows the rate and the
 * estimated time left.
 *
 * <pre>{@code
 * try (var bar = Progress.start("Training expert 3", totalTokens, "tok")) {
 *     while (...) { ...; bar.advance(tokensInStep); bar.note("loss %.3f", loss); }
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {

    /** Where the bar is drawn. */
    interface Sink {
        void draw(Progress p, boolean last);
    }

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
    private final Sink sink;
    private final LongSupplier clock;
    private final long startNanos;
    private final long minIntervalNanos;
    private long done;
    private long lastDrawNanos = Long.MIN_VALUE;
    private String note = "";
    private boolean closed;

    Progress(String label, long total, String unit, Sink sink, LongSupplier clock, long minIntervalNanos) {
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
        Sink sink;
        if (MUTED.get() > 0) {
            sink = (p, last) -> { };
        } else if (Kernel.active()) {
            sink = new NotebookSink();
        } else if (System.console() != null) {
            sink = new TerminalSink(System.err, true);
        } else {
            sink = new TerminalSink(System.err, false);
        }
        long interval = sink instanceof NotebookSink ? 250_000_000L : 100_000_000L;
        return new Progress(label, total, unit, sink, System::nanoTime, interval);
    }

    /** Adds {@code n} finished items. */
    public void advance(long n) {
        set(done + n);
    }

    /** Sets the number of finished items. */
    public void set(long value) {
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

    double elapsedSeconds() {
        return (clock.getAsLong() - startNanos) / 1e9;
    }

    /** Items per second so far. */
    public double rate() {
        double s = elapsedSeconds();
        return s <= 0 ? 0 : done / s;
    }

    /** Fraction done in [0, 1], or -1 when the total is unknown. */
    double fraction() {
        return total <= 0 ? -1 : Math.min(1.0, (double) done / total);
    }

    /** One line: label, percent, bar, counts, elapsed and remaining time, rate, note. */
    String line() {
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

    String html() {
        double f = fraction();
        String pct = f >= 0 ? String.format("%.1f%%", f * 100) : "100%";
        String color = closed ? "#4caf50" : "#2196f3";
        return "<div style=\"font-family:monospace;font-size:90%\">"
                + "<div style=\"display:inline-block;width:240px;height:12px;background:#e0e0e0;border-radius:3px;vertical-align:middle;margin-right:8px\">"
                + "<div style=\"width:" + (f >= 0 ? pct : "100%") + ";height:100%;background:" + color + ";border-radius:3px\"></div></div>"
                + Html.escape(line()) + "</div>";
    }

    /** Updates one notebook output in place. */
    static final class NotebookSink implements Sink {
        private String id;

        @Override
        public void draw(Progress p, boolean last) {
            MimeBundle b = MimeBundle.of(p.line(), p.html());
            if (id == null) {
                id = Kernel.display(b);
            } else {
                Kernel.update(id, b);
            }
        }
    }

    /** Redraws one terminal line, or prints a line now and then when the output is a log. */
    static final class TerminalSink implements Sink {
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
