package org.cbtm.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.TorchRuntime;
import org.cbtm.corpus.TokenShard;
import org.cbtm.train.AdamOptimizer;
import org.cbtm.train.PackedBlocks;
import org.cbtm.train.TrainConfig;

/**
 * Where a training step's time goes (issue 13: "profile a step before guessing"): the {@link org.cbtm.train.Trainer}'s
 * step taken apart into the transformer blocks, the output layer with the loss, the backward pass and the
 * optimiser (clipping and Adam), each timed on its own. The CPU runs libtorch's operators synchronously, so a
 * wall-clock mark between two calls measures the calls before it. {@code torch_training.py --phases} times the same
 * parts of PyTorch's step (clipping and Adam separately there).
 */
final class TrainingPhases {

    /** The parts of a step, in order (the PyTorch peer's names; its clip and adam are summed into "optimiser"). */
    static final List<String> PARTS = List.of("blocks", "head", "backward", "optimiser");

    private TrainingPhases() {
    }

    /** Seconds of each part in each of {@code steps} timed steps after {@code warmup} untimed ones. */
    static Map<String, double[]> ours(GptConfig model, TrainConfig train, TokenShard shard, int warmup, int steps) {
        Map<String, double[]> seconds = new LinkedHashMap<>();
        for (String p : PARTS) {
            seconds.put(p, new double[steps]);
        }
        int b = train.batchSize();
        int len = train.blockLength();
        PackedBlocks blocks = PackedBlocks.shuffled(shard, len, train.seed());
        Engine engine = TorchRuntime.engine();
        try (Gpt gpt = Gpt.create(model, Device.cpu(), train.seed());
             AdamOptimizer adam = new AdamOptimizer(gpt.parameters(), gpt.manager(), train)) {
            for (int s = 0; s < warmup + steps; s++) {
                long[] inputs = new long[b * len];
                long[] targets = new long[b * len];
                for (int i = 0; i < b; i++) {
                    blocks.block((long) s * b + i, inputs, targets, i * len);
                }
                long[] marks = new long[PARTS.size() + 1];
                try (NDManager sm = gpt.manager().newSubManager(); NDScope scope = new NDScope()) {
                    NDArray x = sm.create(inputs, new Shape(b, len));
                    NDArray y = sm.create(targets, new Shape(b, len));
                    marks[0] = System.nanoTime();
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDArray hidden = gpt.hidden(x, true);
                        marks[1] = System.nanoTime();
                        NDArray loss = gpt.headLoss(hidden, y);
                        marks[2] = System.nanoTime();
                        collector.backward(loss);
                        marks[3] = System.nanoTime();
                    }
                    adam.step(train.learningRate(s));
                    marks[4] = System.nanoTime();
                    scope.suppressNotUsedWarning();
                }
                if (s >= warmup) {
                    for (int p = 0; p < PARTS.size(); p++) {
                        seconds.get(PARTS.get(p))[s - warmup] = (marks[p + 1] - marks[p]) / 1e9;
                    }
                }
            }
        }
        return seconds;
    }
}
