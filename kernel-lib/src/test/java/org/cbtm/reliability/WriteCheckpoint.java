package org.cbtm.reliability;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.train.Checkpoint;

/**
 * Writes a GPT checkpoint of about {@code megabytes} MB to a file, the way training does (atomically), for
 * {@code environment/tests/test_full_disk.py}: {@code WriteCheckpoint <file> <megabytes>}. On failure it prints
 * the library's message (what the user sees) on one line to stderr and exits 1, without a stack trace.
 */
public final class WriteCheckpoint {
    private WriteCheckpoint() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int mb = Integer.parseInt(args[1]);
        // one layer, width 64: the embedding (vocab x 64 floats) carries the size
        int vocab = Math.max(2, mb * 1_000_000 / (64 * 4));
        GptConfig c = new GptConfig(vocab, 1, 64, 2, 16, 0.0);
        Map<String, float[]> t = new LinkedHashMap<>();
        Gpt.parameterShapes(c).forEach((name, shape) -> {
            float[] v = new float[(int) shape.size()];
            java.util.Arrays.fill(v, mb);
            t.put(name, v);
        });
        try {
            Checkpoint.derived(new GptWeights(c, t), null, 0, "full-disk test, " + mb + " MB").write(file);
            System.out.println("wrote " + file);
        } catch (RuntimeException e) {
            System.err.println("MESSAGE: " + e.getMessage());
            System.exit(1);
        }
    }
}
