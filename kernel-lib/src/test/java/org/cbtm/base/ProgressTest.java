package org.cbtm.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProgressTest {

    /** A fake clock in nanoseconds and a sink that records every line it is asked to draw. */
    private final AtomicLong now = new AtomicLong();
    private final List<String> drawn = new ArrayList<>();
    private final ProgressListener recorder = (p, last) -> drawn.add((last ? "LAST " : "") + p.line());

    private Progress bar(long total, long intervalNanos) {
        return new Progress("Training", total, "tok", recorder, now::get, intervalNanos);
    }

    @Test
    void lineShowsPercentCountsRateAndEta() {
        Progress p = bar(1000, 0);
        now.set(10_000_000_000L); // 10 s
        p.advance(250);
        String line = drawn.get(drawn.size() - 1);
        assertTrue(line.startsWith("Training:  25% |"), line);
        assertTrue(line.contains("250/1000"), line);
        assertTrue(line.contains("[00:10<00:30, 25 tok/s]"), line);
    }

    @Test
    void updatesAreThrottledButTheLastIsAlwaysDrawn() {
        try (Progress p = bar(100, 1_000_000_000L)) {
            for (int i = 0; i < 100; i++) {
                now.addAndGet(1_000_000L); // 1 ms per step: 100 ms in all
                p.advance(1);
            }
        }
        assertEquals(2, drawn.size(), drawn.toString()); // the first draw and the final one
        assertTrue(drawn.get(1).startsWith("LAST Training: 100%"), drawn.get(1));
    }

    @Test
    void closeTwiceDrawsOnce() {
        Progress p = bar(10, 0);
        p.close();
        p.close();
        assertEquals(1, drawn.stream().filter(s -> s.startsWith("LAST")).count());
    }

    @Test
    void unknownTotalShowsCountAndRateOnly() {
        Progress p = bar(0, 0);
        now.set(2_000_000_000L);
        p.advance(500);
        String line = drawn.get(drawn.size() - 1);
        assertFalse(line.contains("%"), line);
        assertTrue(line.contains("500 [00:02, 250 tok/s]"), line);
    }

    @Test
    void noteAndSlowRates() {
        Progress p = bar(10, 0);
        p.note("loss %.2f", 3.14159);
        now.set(4_000_000_000L);
        p.advance(1);
        String line = drawn.get(drawn.size() - 1);
        assertTrue(line.endsWith("loss 3.14"), line);
        assertTrue(line.contains("4.00 s/tok"), line);
    }

    @Test
    void countsAndTimesAreCompact() {
        assertEquals("99999", Progress.count(99_999));
        assertEquals("123.5k", Progress.count(123_456));
        assertEquals("12.3M", Progress.count(12_345_678));
        assertEquals("01:05", Progress.clockTime(65));
        assertEquals("2:00:01", Progress.clockTime(7201));
    }

    @Test
    void logSinkPrintsAtMilestonesNotEveryStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var sink = new Progress.TerminalSink(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        try (Progress p = new Progress("Load", 1000, "doc", sink, now::get, 0)) {
            for (int i = 0; i < 1000; i++) {
                now.addAndGet(1_000_000L);
                p.advance(1);
            }
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines.length >= 11 && lines.length <= 13, "start, each 10%, end: " + lines.length);
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"), "a log gets no carriage returns");
    }


    @Test
    void blankLabelIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new Progress(" ", 10, "it", recorder, now::get, 0));
    }

    @Test
    void anInterruptedThreadStopsAtItsNextStep() {
        Progress p = new Progress("fit", 10, "it", (bar, last) -> { }, () -> 0L, 0);
        p.advance(1);
        Thread.currentThread().interrupt();
        try {
            WorkInterrupted e = org.junit.jupiter.api.Assertions.assertThrows(WorkInterrupted.class, () -> p.advance(1));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("fit was interrupted"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertEquals(1, p.done(), "the step that noticed is not counted");
        } finally {
            Thread.interrupted();
        }
    }
}
