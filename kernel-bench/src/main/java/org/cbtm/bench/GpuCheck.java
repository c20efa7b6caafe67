package org.cbtm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.JsonNode;

import org.cbtm.base.Profile;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.Devices;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.lm.gpt.Precision;
import org.cbtm.notebook.DeviceInfo;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TrainMetrics;
import org.cbtm.train.Trainer;

/**
 * The GPU check (issue 19), run by {@code environment/gpu/check} on a machine with a GPU, or on the CPU with
 * {@code --cpu-dry-run} to prove the bundle: (1) loss parity, the same model from the same initial weights on the
 * same blocks for 20 steps on the GPU and on the CPU; (2) tokens/s of our trainer in FP32 and in a mixed precision
 * against the machine's PyTorch ({@code environment/bench/torch_gpu.py}, same model, weights and blocks); (3) a
 * checkpoint written mid-run and resumed on the device, against the uninterrupted run. Writes a markdown report
 * of what it measured. A dry run takes fewer and smaller steps (it proves the bundle, it measures nothing). Any failure ends it with the exception (no number is written that was not measured).
 *
 * <pre>
 *   GpuCheck --prepare DIR                       (here, with the corpora) writes DIR/shard.bin: a few corpus blocks
 *   GpuCheck --data DIR --out FILE.md [--cpu-dry-run] [--mixed BF16|FP16] [--python python3] [--peer torch_gpu.py]
 * </pre>
 */
public final class GpuCheck {

    /** Tokens kept from the corpus for the check: blocks for every step of every run cycle through them. */
    static final int SHARD_TOKENS = 300_000;

    private GpuCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path data = null;
        Path out = null;
        boolean dryRun = false;
        Precision mixed = Precision.BF16;
        String python = "python3";
        Path peer = Path.of("environment/bench/torch_gpu.py");
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--prepare" -> {
                    prepare(Path.of(args[++a]));
                    return;
                }
                case "--data" -> data = Path.of(args[++a]);
                case "--out" -> out = Path.of(args[++a]);
                case "--cpu-dry-run" -> dryRun = true;
                case "--mixed" -> mixed = Precision.valueOf(args[++a]);
                case "--python" -> python = args[++a];
                case "--peer" -> peer = Path.of(args[++a]);
                default -> throw new IllegalArgumentException("unknown option " + args[a] + " (see the class comment)");
            }
        }
        if (data == null || out == null) {
            throw new IllegalArgumentException("--data DIR and --out FILE.md are required");
        }
        new Run(TokenShard.load(data.resolve("shard.bin")), dryRun, mixed, python, peer, data.resolve("work")).all(out);
    }

    /** The first passages of the quick profile's training mixture, tokenised with the corpus tokenizer. */
    static void prepare(Path dir) throws IOException {
        TokenShard all = TokenShard.encode(Corpora.tokenizer(), Mixture.standard(Profile.QUICK).sample(Split.TRAIN));
        List<Integer> keep = new ArrayList<>();
        for (int d = 0, tokens = 0; d < all.numDocuments() && tokens < SHARD_TOKENS; d++) {
            keep.add(d);
            tokens += all.document(d).length;
        }
        TokenShard shard = all.select(keep.stream().mapToInt(Integer::intValue).toArray());
        Files.createDirectories(dir);
        shard.save(dir.resolve("shard.bin"));
        System.out.printf(Locale.ROOT, "wrote %s: %d passages, %d tokens, vocabulary %d%n", dir.resolve("shard.bin"),
                shard.numDocuments(), shard.numTokens(), shard.vocabSize());
    }

    private record Run(TokenShard shard, boolean dryRun, Precision mixed, String python, Path peer, Path work) {

        Device device() {
            return dryRun ? Device.cpu() : Device.gpu();
        }

        void all(Path out) throws Exception {
            StringBuilder md = new StringBuilder();
            Device device = device();
            String where = describe(device);
            System.out.println("engine: PyTorch " + Engine.getEngine("PyTorch").getVersion() + ", " + where);
            if (!dryRun && !Devices.best().isGpu()) {
                throw new IllegalStateException("DJL sees no GPU (" + Devices.describe(Devices.best())
                        + "): libcudart not found by JNA, or the CUDA libtorch not loaded; see the log above");
            }
            md.append("# GPU check").append(dryRun ? " (CPU dry run: no GPU numbers)" : "").append("\n\n")
                    .append("Device: ").append(where).append("; DJL PyTorch engine ")
                    .append(Engine.getEngine("PyTorch").getVersion()).append("; mixed precision: ").append(mixed)
                    .append(" (16-bit copies of the weights, FP32 master weights and Adam moments)\n\n");
            parity(md);
            speed(md);
            resume(md);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, md.toString());
            System.out.println("wrote " + out);
        }

        /** The small model: the training benchmark's (4 layers, width 256, context 128, batch 16). */
        GptConfig small() {
            return new GptConfig(shard.vocabSize(), 4, 256, 4, 128, 0.0);
        }

        /** The throughput model: 12 layers of width 768, context 256, batch 32 (small sizes in a dry run). */
        GptConfig large() {
            return dryRun ? small() : new GptConfig(shard.vocabSize(), 12, 768, 12, 256, 0.0);
        }

        static TrainConfig train(GptConfig model, int batch, int steps) {
            return TrainConfig.reference((long) steps * batch * model.contextLength(), batch, model.contextLength(), 1e-3)
                    .withEval(0, 0).withCheckpointInterval(0).withLogInterval(1);
        }

        List<Double> losses(GptConfig model, TrainConfig cfg, Device on) {
            try (Trainer t = Trainer.start(model, cfg, shard, null, on).showProgress(false)) {
                t.run();
                return t.metrics().stream().map(TrainMetrics::trainLoss).toList();
            }
        }

        /** Blocks per step of the small model: 16, or 4 in a dry run (2 loaded cores, a 47,815-token vocabulary). */
        int smallBatch() {
            return dryRun ? 4 : 16;
        }

        void parity(StringBuilder md) {
            int steps = dryRun ? 4 : 20;
            TrainConfig cfg = train(small(), smallBatch(), steps);
            List<Double> dev = losses(small(), cfg, device());
            List<Double> cpu = losses(small(), cfg, Device.cpu());
            double max = 0;
            for (int i = 0; i < steps; i++) {
                max = Math.max(max, Math.abs(dev.get(i) - cpu.get(i)));
            }
            System.out.printf(Locale.ROOT, "parity: %s %.5f -> %.5f, cpu %.5f -> %.5f, max |diff| %.2e over %d steps%n",
                    device(), dev.get(0), dev.get(steps - 1), cpu.get(0), cpu.get(steps - 1), max, steps);
            if (!(max < 0.05)) {
                throw new IllegalStateException("loss parity failed: max |loss(" + device() + ") - loss(cpu)| = " + max);
            }
            md.append("## Loss parity, ").append(device()).append(" vs CPU (FP32)\n\n")
                    .append(String.format(Locale.ROOT, "%s, %d steps of %d x %d tokens, same initial weights and blocks: "
                                    + "first loss %.5f vs %.5f, last %.5f vs %.5f, **max |diff| %.2e**\n\n",
                            small().shortName(), steps, cfg.batchSize(), cfg.blockLength(), dev.get(0), cpu.get(0),
                            dev.get(steps - 1), cpu.get(steps - 1), max));
        }

        void speed(StringBuilder md) throws Exception {
            GptConfig model = large();
            int batch = dryRun ? 4 : 32;
            int warmup = dryRun ? 1 : 3;
            int steps = dryRun ? 2 : 20;
            TrainConfig cfg = train(model, batch, warmup + steps);
            TrainingBenchmark.export(work, shard, model, cfg); // blocks.bin, init.bin, config.json for the peer
            md.append("## Training throughput, ").append(device()).append("\n\n")
                    .append(String.format(Locale.ROOT, "%s (%,d parameters), batch %d x %d tokens, %d warm-up + %d timed "
                                    + "steps, same initial weights and blocks on both sides.\n\n",
                            model.shortName(), model.totalParameters(), batch, model.contextLength(), warmup, steps))
                    .append("| implementation | precision | tokens/s | first loss | last loss |\n|---|---|---:|---:|---:|\n");
            for (Precision p : List.of(Precision.FP32, mixed)) {
                try (Trainer t = Trainer.start(model, cfg.withPrecision(p), shard, null, device()).showProgress(false)) {
                    t.runSteps(warmup);
                    long start = System.nanoTime();
                    t.runSteps(steps);
                    double rate = (double) steps * cfg.tokensPerStep() / ((System.nanoTime() - start) / 1e9);
                    List<TrainMetrics> rows = t.metrics();
                    row(md, "ours (DJL " + Engine.getDjlVersion() + ", libtorch " + Engine.getEngine("PyTorch").getVersion() + ")",
                            p.toString(), rate,
                            rows.getFirst().trainLoss(), rows.getLast().trainLoss());
                }
            }
            for (String p : List.of("fp32", "bf16")) {
                JsonNode r = TrainingBenchmark.runPeer(python, peer, work, Runtime.getRuntime().availableProcessors(),
                        warmup, steps, "--device", dryRun ? "cpu" : "cuda", "--precision", p);
                JsonNode losses = r.get("losses");
                row(md, "PyTorch " + r.get("version").asText(), p.equals("bf16") ? "BF16 (torch.autocast)" : "FP32",
                        r.get("tokensPerSecond").asDouble(), losses.get(0).asDouble(), losses.get(losses.size() - 1).asDouble());
            }
            md.append('\n');
        }

        static void row(StringBuilder md, String impl, String precision, double rate, double first, double last) {
            String line = String.format(Locale.ROOT, "| %s | %s | %,.0f | %.4f | %.4f |", impl, precision, rate, first, last);
            System.out.println("speed: " + line);
            md.append(line).append('\n');
        }

        void resume(StringBuilder md) throws IOException {
            int steps = dryRun ? 4 : 10;
            TrainConfig cfg = train(small(), smallBatch(), steps);
            GptWeights straight;
            try (Trainer t = Trainer.start(small(), cfg, shard, null, device()).showProgress(false)) {
                t.run();
                straight = t.model().weights();
            }
            Path file = work.resolve("resume.ckpt");
            try (Trainer t = Trainer.start(small(), cfg, shard, null, device()).showProgress(false)) {
                t.runSteps(steps / 2);
                t.checkpoint().write(file);
            }
            GptWeights resumed;
            try (Trainer t = Trainer.resume(Checkpoint.read(file), shard, null, device()).showProgress(false)) {
                t.run();
                resumed = t.model().weights();
            }
            double diff = straight.maxAbsDifference(resumed);
            System.out.printf(Locale.ROOT, "resume: %d steps straight vs %d + checkpoint + %d on %s: max |weight diff| %.2e%n",
                    steps, steps / 2, steps - steps / 2, device(), diff);
            if (!(diff < 1e-3)) {
                throw new IllegalStateException("resume on " + device() + " drifted: max |weight diff| " + diff);
            }
            md.append("## Checkpoint and resume, ").append(device()).append("\n\n")
                    .append(String.format(Locale.ROOT, "%d steps straight vs %d steps, checkpoint file, resume, %d steps: "
                            + "max |weight diff| %.2e (%s)\n", steps, steps / 2, steps - steps / 2, diff,
                            diff == 0 ? "bit for bit" : "not bit for bit"));
        }
    }

    /** The device in words: a GPU's compute capability and memory as DJL reports them. */
    static String describe(Device device) {
        if (!device.isGpu()) {
            return "CPU (" + Runtime.getRuntime().availableProcessors() + " cores)";
        }
        var memory = CudaUtils.getGpuMemory(device);
        return String.format(Locale.ROOT, "%s %s: compute capability %s, %.1f GiB", device,
                DeviceInfo.gpuName(device.getDeviceId()),
                CudaUtils.getComputeCapability(device.getDeviceId()), memory.getMax() / (1024.0 * 1024 * 1024));
    }
}
