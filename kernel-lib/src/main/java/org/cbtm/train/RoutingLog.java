package org.cbtm.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.cbtm.lm.moe.MoeTrace;

/**
 * The routing of an MoE run's training batches, per MoE layer and expert, summed over each log interval and
 * written to {@code routing.csv} beside {@code metrics.csv} (same resume rule): what the expert-load heatmap and the
 * dropped-token curve are drawn from. Columns: step, layer, expert, first_choice (fraction of the interval's tokens
 * whose first choice was the expert: f_e of the balancing loss), processed (fraction of the token slots the expert
 * processed), dropped (fraction of the layer's token slots dropped for capacity; the same on every row of a layer).
 */
final class RoutingLog implements AutoCloseable {

    static final String HEADER = "step,layer,expert,first_choice,processed,dropped";
    static final String FILE = "routing.csv";

    private final StepCsvFile out;
    private final Map<String, long[]> firstChoice = new LinkedHashMap<>();
    private final Map<String, long[]> processed = new LinkedHashMap<>();
    private final Map<String, long[]> tokensAndDropped = new LinkedHashMap<>(); // {tokens, slots, dropped}

    private RoutingLog(Path file, long keepUpToStep) {
        out = new StepCsvFile(file, HEADER, keepUpToStep, RoutingLog::stepOrNull, new ArrayList<>());
    }

    /** The log of run folder {@code dir}, keeping rows up to {@code keepUpToStep}. */
    static RoutingLog open(Path dir, long keepUpToStep) {
        return new RoutingLog(dir.resolve(FILE), keepUpToStep);
    }

    private static Long stepOrNull(String line) {
        String[] f = line.split(",");
        if (f.length != 6) {
            return null;
        }
        try {
            return Long.parseLong(f[0]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Adds one training step's routing. */
    void add(MoeTrace trace) {
        for (MoeTrace.LayerLoad l : trace.loads()) {
            add(firstChoice, l.layer(), l.firstChoice());
            add(processed, l.layer(), l.assigned());
            add(tokensAndDropped, l.layer(), new long[] {l.tokens(), l.tokens() * l.topK(), l.dropped()});
        }
    }

    private static void add(Map<String, long[]> sums, String layer, long[] values) {
        long[] s = sums.computeIfAbsent(layer, x -> new long[values.length]);
        for (int i = 0; i < values.length; i++) {
            s[i] += values[i];
        }
    }

    /** Writes the interval ending at {@code step} and starts the next one. */
    void flush(long step) {
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<String, long[]> e : firstChoice.entrySet()) {
            long[] td = tokensAndDropped.get(e.getKey());
            long[] proc = processed.get(e.getKey());
            double dropped = td[1] == 0 ? 0 : (double) td[2] / td[1];
            for (int x = 0; x < e.getValue().length; x++) {
                rows.append(String.format(Locale.ROOT, "%d,%s,%d,%.6f,%.6f,%.6f%n", step, e.getKey(), x,
                        td[0] == 0 ? 0 : (double) e.getValue()[x] / td[0], td[1] == 0 ? 0 : (double) proc[x] / td[1],
                        dropped));
            }
        }
        if (!rows.isEmpty()) {
            out.append(rows.toString());
        }
        firstChoice.clear();
        processed.clear();
        tokensAndDropped.clear();
    }

    @Override
    public void close() {
        out.close();
    }
}
