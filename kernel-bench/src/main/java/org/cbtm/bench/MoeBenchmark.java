package org.cbtm.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.Profile;
import org.cbtm.base.ProjectPaths;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.TorchRuntime;
import org.cbtm.lm.moe.MoeConfig;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.train.TrainConfig;

/**
 * The MoE training benchmark (issue 14): our upcycling-shaped MoE (E experts, top-2, capacity factor 2, every other
 * block) against the dense GPT of the same width, as a step-time ratio next to the FLOP ratio; and against the same
 * MoE in PyTorch (Debian python3-torch; same dispatch, weights, token blocks, optimiser and threads). The three runs
 * alternate within each round so that load from other processes hits all of them. Prints the lines and writes
 * {@code figures/bench-moe.md}.
 */
public final class MoeBenchmark {

    private MoeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int layers = 4;
        int width = 256;
        int heads = 4;
        int block = 128;
        int batch = 16;
        int experts = 8;
        int warmup = 2;
        int steps = 6;
        int rounds = 3;
        int threads = 2;
        double lr = 1e-3;
        String python = "/usr/bin/python3";
        Path peer = Path.of("environment/bench/torch_training.py");
        Path out = Path.of("build/bench/moe");
        boolean skipPeer = false;
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--layers" -> layers = Integer.parseInt(args[++a]);
                case "--width" -> width = Integer.parseInt(args[++a]);
                case "--heads" -> heads = Integer.parseInt(args[++a]);
                case "--block" -> block = Integer.parseInt(args[++a]);
                case "--batch" -> batch = Integer.parseInt(args[++a]);
                case "--experts" -> experts = Integer.parseInt(args[++a]);
                case "--warmup" -> warmup = Integer.parseInt(args[++a]);
                case "--steps" -> steps = Integer.parseInt(args[++a]);
                case "--rounds" -> rounds = Integer.parseInt(args[++a]);
                case "--threads" -> threads = Integer.parseInt(args[++a]);
                case "--python" -> python = args[++a];
                case "--skip-peer" -> skipPeer = true;
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: environment/bench/moe [--experts 8] [--layers 4] [--width 256] [--heads 4] [--block 128]
                                   [--batch 16] [--warmup 2] [--steps 6] [--rounds 3] [--threads 2] [--skip-peer]
                            Dense GPT vs the upcycling-shaped MoE (top-2, capacity factor 2, every other block) of the
                            same width, and our MoE vs the same MoE in PyTorch (Debian python3-torch).""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[a] + " (see --help)");
            }
        }
        TorchRuntime.engine();
        JniUtils.setNumThreads(threads);
        Tokenizer tokenizer = Corpora.tokenizer();
        TokenShard shard = TokenShard.encode(tokenizer, Mixture.standard(Profile.QUICK).sample(Split.TRAIN));
        GptConfig dense = new GptConfig(tokenizer.vocabSize(), layers, width, heads, block, 0.0);
        GptConfig moe = dense.withMoe(MoeConfig.upcycling(experts));
        TrainConfig train = TrainConfig.reference((long) (warmup + steps) * batch * block, batch, block, lr)
                .withEval(0, 0).withCheckpointInterval(0).withLogInterval(1);
        TrainingBenchmark.export(out, shard, moe, train);

        List<TrainingBenchmark.Run> oursDense = new ArrayList<>();
        List<TrainingBenchmark.Run> oursMoe = new ArrayList<>();
        List<TrainingBenchmark.Run> peerMoe = new ArrayList<>();
        String peerVersion = "";
        for (int r = 0; r < rounds; r++) {
            oursMoe.add(TrainingBenchmark.runOurs(moe, train, shard, warmup, steps));
            oursDense.add(TrainingBenchmark.runOurs(dense, train, shard, warmup, steps));
            System.err.printf(Locale.ROOT, "round %d: ours MoE %.0f, ours dense %.0f tokens/s%n", r + 1,
                    oursMoe.get(r).tokensPerSecond(), oursDense.get(r).tokensPerSecond());
            if (!skipPeer) {
                JsonNode p = TrainingBenchmark.runPeer(python, peer, out, threads, warmup, steps);
                peerVersion = p.get("version").asText();
                double[] stepRates = Arrays.stream(doubles(p.get("stepSeconds"))).map(sec -> train.tokensPerStep() / sec).toArray();
                peerMoe.add(new TrainingBenchmark.Run("pytorch", p.get("tokensPerSecond").asDouble(), stepRates,
                        doubles(p.get("losses"))));
                System.err.printf(Locale.ROOT, "round %d: pytorch MoE %.0f tokens/s%n", r + 1, peerMoe.get(r).tokensPerSecond());
            }
        }

        double flopRatio = moe.trainingFlops(1) / dense.trainingFlops(1);
        double head = 6.0 * dense.vocabSize() * dense.width(); // the tied output layer, outside the 6N convention
        double flopRatioWithHead = (moe.trainingFlops(1) + head) / (dense.trainingFlops(1) + head);
        double timeRatioMedian = TrainingBenchmark.median(oursDense) / TrainingBenchmark.median(oursMoe);
        double timeRatioBest = TrainingBenchmark.best(oursDense) / TrainingBenchmark.best(oursMoe);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "model: V %d, d %d, %d layers, %d heads, T %d, B %d; MoE %d experts, top-%d, "
                        + "capacity factor %.0f, MoE layers in blocks %s; %d threads; %d warm-up + %d timed steps per round, %d rounds",
                dense.vocabSize(), width, layers, heads, block, batch, experts, moe.moe().topK(), moe.moe().capacityFactor(),
                moeBlocks(moe), threads, warmup, steps, rounds));
        lines.add(line("ours dense", oursDense));
        lines.add(line("ours MoE", oursMoe));
        lines.add(String.format(Locale.ROOT, "MoE / dense step time: %.2fx median, %.2fx best; FLOP ratio %.2fx (6N convention), "
                        + "%.2fx with the output layer; time / FLOP ratio %.2f median, %.2f best (target: within 1.5x of the FLOP ratio): %s",
                timeRatioMedian, timeRatioBest, flopRatio, flopRatioWithHead, timeRatioMedian / flopRatio,
                timeRatioBest / flopRatio, timeRatioMedian / flopRatio <= 1.5 && timeRatioBest / flopRatio <= 1.5 ? "met" : "not met"));
        if (!peerMoe.isEmpty()) {
            double median = TrainingBenchmark.median(oursMoe) / TrainingBenchmark.median(peerMoe);
            double best = TrainingBenchmark.best(oursMoe) / TrainingBenchmark.best(peerMoe);
            lines.add(line("pytorch MoE (Debian python3-torch " + peerVersion + ")", peerMoe));
            lines.add(String.format(Locale.ROOT, "ours MoE / pytorch MoE: %.2fx median step, %.2fx best step (target >= 0.80x): %s",
                    median, best, median >= 0.8 && best >= 0.8 ? "met" : "not met"));
            double[] lo = oursMoe.get(0).losses();
            double[] lp = peerMoe.get(0).losses();
            double maxDiff = 0;
            for (int i = 0; i < Math.min(3, Math.min(lo.length, lp.length)); i++) {
                maxDiff = Math.max(maxDiff, Math.abs(lo[i] - lp[i]));
            }
            lines.add(String.format(Locale.ROOT, "same MoE, same start: loss at step 1 ours %.5f, pytorch %.5f; largest difference "
                    + "over the first 3 steps %.2g", lo[0], lp[0], maxDiff));
        }
        lines.add(String.format(Locale.ROOT, "ours: DJL %s, libtorch %s, OpenMP waiting %s; load average at the end %s on %d cores",
                Engine.getDjlVersion(), Engine.getInstance().getVersion(), TorchRuntime.ompWaitPolicy(),
                TrainingBenchmark.loadAverageNow(), Runtime.getRuntime().availableProcessors()));
        lines.forEach(System.out::println);
        StringBuilder md = new StringBuilder("# MoE training step: against dense, and against PyTorch (CPU)\n\n")
                .append("Command: `environment/bench/moe`. The MoE is the sparse-upcycling shape of methods 4 (an MoE layer ")
                .append("in every other block, top-2, capacity factor 2, balancing loss 0.01) with random initial weights; ")
                .append("the dense GPT has the same width and layers. The PyTorch peer (`environment/bench/torch_training.py`) ")
                .append("runs the same MoE from the same weights on the same token blocks with the same dispatch (host-side ")
                .append("top-k and capacity, per-expert gather, one zero row, gather back), Adam and clipping. Within each ")
                .append("round the three runs alternate. Median and best are over every timed step of every round.\n\n```\n");
        lines.forEach(l -> md.append(l).append('\n'));
        md.append("```\n");
        Path file = ProjectPaths.figures().resolve("bench-moe.md");
        AtomicFiles.writeString(file, md.toString());
        System.err.println("wrote " + file);
    }

    private static List<Integer> moeBlocks(GptConfig c) {
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            if (c.moeBlock(i)) {
                b.add(i);
            }
        }
        return b;
    }

    private static String line(String name, List<TrainingBenchmark.Run> runs) {
        return String.format(Locale.ROOT, "%s: %.0f tokens/s median step, %.0f best step, rounds %s", name,
                TrainingBenchmark.median(runs), TrainingBenchmark.best(runs),
                Arrays.toString(runs.stream().mapToLong(r -> Math.round(r.tokensPerSecond())).toArray()));
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
