package org.cbtm.bench;

import org.cbtm.corpus.TokenShard;

import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.base.AtomicFiles;
import org.cbtm.base.Profile;
import org.cbtm.base.ProjectPaths;
import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.lm.gpt.TorchRuntime;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.train.PackedBlocks;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TrainMetrics;
import org.cbtm.train.Trainer;

/**
 * The training benchmark (run it with {@code environment/bench/training}): our {@link Trainer} against Debian's
 * PyTorch ({@code environment/bench/torch_training.py}) training the same GPT from the same initial weights on
 * the same token blocks of the real corpus, with the same optimiser, clipping and schedule and the same number
 * of threads, in one run. Rounds alternate (ours, PyTorch, ours, ...) so that load from other processes hits both;
 * the median step throughputs are compared (and the best steps, the least disturbed).
 *
 * <p>Data: the quick-profile training mixture ({@link Mixture#standard}), tokenised with the corpus tokenizer and
 * packed by {@link PackedBlocks} exactly as the trainer packs it; the blocks of every step are exported to
 * {@code blocks.bin} and the initial weights to {@code init.bin} (under {@code build/bench/training}). The losses
 * of the two implementations are printed side by side: same model and data give the same first loss.
 */
public final class TrainingBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One measured round of one implementation.
     *
     * @param tokensPerSecond timed tokens over the round's timed wall time
     * @param stepRates       tokens/s of each timed step
     * @param losses          training loss of every step (warm-up included)
     */
    record Run(String impl, double tokensPerSecond, double[] stepRates, double[] losses) {
    }

    public static void main(String[] args) throws Exception {
        int layers = 4;
        int width = 256;
        int heads = 4;
        int block = 128;
        int batch = 16;
        int warmup = 2;
        int steps = 8;
        int rounds = 3;
        int threads = 2;
        double lr = 1e-3;
        String python = "/usr/bin/python3";
        Path peer = ProjectPaths.root().resolve("environment/bench/torch_training.py");
        Path out = ProjectPaths.build().resolve("bench/training");
        boolean skipPeer = false;
        boolean phases = false;
        boolean writeFigures = true;
        int vocabRanks = 0; // 0: the corpus tokenizer; R: r50k_base's first R ranks (the small vocabulary)
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--layers" -> layers = Integer.parseInt(args[++a]);
                case "--width" -> width = Integer.parseInt(args[++a]);
                case "--heads" -> heads = Integer.parseInt(args[++a]);
                case "--block" -> block = Integer.parseInt(args[++a]);
                case "--batch" -> batch = Integer.parseInt(args[++a]);
                case "--warmup" -> warmup = Integer.parseInt(args[++a]);
                case "--steps" -> steps = Integer.parseInt(args[++a]);
                case "--rounds" -> rounds = Integer.parseInt(args[++a]);
                case "--threads" -> threads = Integer.parseInt(args[++a]);
                case "--lr" -> lr = Double.parseDouble(args[++a]);
                case "--vocab" -> vocabRanks = Integer.parseInt(args[++a]);
                case "--python" -> python = args[++a];
                case "--peer" -> peer = Path.of(args[++a]);
                case "--out" -> out = Path.of(args[++a]);
                case "--skip-peer" -> skipPeer = true;
                case "--phases" -> phases = true;
                case "--no-figures" -> writeFigures = false;
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: environment/bench/training [--layers 4] [--width 256] [--heads 4] [--block 128] [--batch 16]
                                   [--warmup 2] [--steps 8] [--rounds 3] [--threads 2] [--lr 1e-3] [--vocab R] [--skip-peer] [--no-figures] [--phases]
                            Trains the same GPT with our trainer (DJL / libtorch) and with Debian's PyTorch on the same blocks of
                            the real corpus, alternating rounds; prints tokens/s of both and the ratio, writes
                            figures/bench-training.md (-v<R>.md with --vocab R). --phases instead times the parts of a step (blocks, output layer + loss,
                            backward, optimiser) on both sides and prints where ours is slower (nothing written).""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[a] + " (see --help)");
            }
        }

        TorchRuntime.engine();
        JniUtils.setNumThreads(threads);
        Tokenizer tokenizer = vocabRanks == 0 ? Corpora.tokenizer() : Tokenizer.truncated(vocabRanks);
        Mixture mixture = Mixture.standard(Profile.QUICK);
        long t0 = System.nanoTime();
        TokenShard shard = TokenShard.encode(tokenizer, mixture.sample(Split.TRAIN));
        System.err.printf(Locale.ROOT, "tokenised %d passages, %d tokens, in %.1f s%n", shard.numDocuments(),
                shard.numTokens(), (System.nanoTime() - t0) / 1e9);

        GptConfig model = new GptConfig(tokenizer.vocabSize(), layers, width, heads, block, 0.0);
        int total = warmup + steps;
        TrainConfig train = TrainConfig.reference((long) total * batch * block, batch, block, lr)
                .withEval(0, 0).withCheckpointInterval(0).withLogInterval(1);
        export(out, shard, model, train);

        if (phases) {
            comparePhases(model, train, shard, python, peer, out, threads, warmup, steps, rounds, skipPeer);
            return;
        }
        List<Run> ours = new ArrayList<>();
        List<Run> theirs = new ArrayList<>();
        String peerVersion = "";
        for (int r = 0; r < rounds; r++) {
            Run o = runOurs(model, train, shard, warmup, steps);
            ours.add(o);
            System.err.printf(Locale.ROOT, "round %d: ours %.0f tokens/s%n", r + 1, o.tokensPerSecond());
            if (!skipPeer) {
                JsonNode p = runPeer(python, peer, out, threads, warmup, steps);
                peerVersion = p.get("version").asText();
                double[] losses = doubles(p.get("losses"));
                double[] stepRates = Arrays.stream(doubles(p.get("stepSeconds"))).map(sec -> train.tokensPerStep() / sec).toArray();
                Run t = new Run("pytorch", p.get("tokensPerSecond").asDouble(), stepRates, losses);
                theirs.add(t);
                System.err.printf(Locale.ROOT, "round %d: pytorch %.0f tokens/s%n", r + 1, t.tokensPerSecond());
            }
        }
        report(model, train, warmup, steps, threads, ours, theirs, peerVersion, shard,
                writeFigures ? "bench-training" + (vocabRanks == 0 ? "" : "-v" + vocabRanks) + ".md" : null);
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    /** blocks.bin (the tokens of every step, as the trainer will read them), init.bin, config.json. */
    static void export(Path dir, TokenShard shard, GptConfig model, TrainConfig train) throws IOException {
        int b = train.batchSize();
        int len = train.blockLength();
        int steps = (int) train.steps();
        PackedBlocks blocks = PackedBlocks.shuffled(shard, len, train.seed());
        long[] in = new long[len];
        long[] tg = new long[len];
        AtomicFiles.write(dir.resolve("blocks.bin"), raw -> {
            ByteBuffer buf = ByteBuffer.allocate(4 * (len + 1)).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer head = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            head.putInt(0x43425442).putInt(steps).putInt(b).putInt(len).putInt(model.vocabSize());
            raw.write(head.array());
            for (long n = 0; n < (long) steps * b; n++) { // step s uses blocks s*b .. s*b+b-1, as Trainer does
                blocks.block(n, in, tg, 0);
                buf.clear();
                for (long t : in) {
                    buf.putInt((int) t);
                }
                buf.putInt((int) tg[len - 1]);
                raw.write(buf.array());
            }
        });
        GptWeights init;
        try (Gpt gpt = Gpt.create(model, Device.cpu(), train.seed())) {
            init = gpt.weights();
        }
        Map<String, ai.djl.ndarray.types.Shape> shapes = Gpt.parameterShapes(model);
        AtomicFiles.write(dir.resolve("init.bin"), raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            ByteBuffer le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            writeIntLe(out, le, shapes.size());
            for (Map.Entry<String, float[]> e : init.tensors().entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                writeIntLe(out, le, name.length);
                out.write(name);
                long[] dims = shapes.get(e.getKey()).getShape();
                writeIntLe(out, le, dims.length);
                for (long d : dims) {
                    le.clear();
                    out.write(le.putLong(d).array(), 0, 8);
                }
                ByteBuffer data = ByteBuffer.allocate(4 * e.getValue().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(e.getValue());
                out.write(data.array());
            }
            out.flush();
        });
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("layers", model.layers());
        cfg.put("heads", model.heads());
        cfg.put("dropout", model.dropout());
        cfg.put("lr", train.learningRate());
        cfg.put("beta1", train.beta1());
        cfg.put("beta2", train.beta2());
        cfg.put("eps", train.eps());
        cfg.put("clip", train.clipNorm());
        cfg.put("totalSteps", train.steps());
        cfg.put("warmupSteps", train.warmupSteps());
        if (model.moe() != null) { // the MoE benchmark's peer builds the same MoE layers
            Map<String, Object> moe = new LinkedHashMap<>();
            moe.put("experts", model.moe().experts());
            moe.put("topK", model.moe().topK());
            moe.put("capacityFactor", model.moe().capacityFactor());
            moe.put("balanceWeight", model.moe().balanceWeight());
            List<Integer> moeBlocks = new ArrayList<>();
            for (int i = 0; i < model.layers(); i++) {
                if (model.moeBlock(i)) {
                    moeBlocks.add(i);
                }
            }
            moe.put("blocks", moeBlocks);
            cfg.put("moe", moe);
        }
        AtomicFiles.writeString(dir.resolve("config.json"), JSON.writeValueAsString(cfg));
    }

    private static void writeIntLe(DataOutputStream out, ByteBuffer le, int v) throws IOException {
        le.clear();
        out.write(le.putInt(v).array(), 0, 4);
    }

    static Run runOurs(GptConfig model, TrainConfig train, TokenShard shard, int warmup, int steps) {
        try (Trainer t = Trainer.start(model, train, shard, null, Device.cpu()).showProgress(false)) {
            t.runSteps(warmup);
            long start = System.nanoTime();
            t.runSteps(steps);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<TrainMetrics> rows = t.metrics(); // one row per step (log interval 1)
            double[] losses = rows.stream().mapToDouble(TrainMetrics::trainLoss).toArray();
            double[] stepRates = rows.stream().skip(warmup).mapToDouble(TrainMetrics::tokensPerSecond).toArray();
            return new Run("ours", (double) steps * train.tokensPerStep() / seconds, stepRates, losses);
        }
    }

    static String loadAverageNow() {
        return loadAverage();
    }

    static JsonNode runPeer(String python, Path script, Path dir, int threads, int warmup, int steps,
                            String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--dir", dir.toString(), "--threads",
                Integer.toString(threads), "--warmup", Integer.toString(warmup), "--steps", Integer.toString(steps)));
        command.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || last == null) {
            throw new IllegalStateException("the PyTorch peer failed (exit " + rc + "): " + String.join(" ", pb.command()));
        }
        return JSON.readTree(last);
    }

    /**
     * The phase profile: rounds alternate between our step taken apart ({@link TrainingPhases}) and PyTorch's
     * ({@code --phases}); prints the median milliseconds of each part over every timed step of every round.
     */
    private static void comparePhases(GptConfig model, TrainConfig train, TokenShard shard, String python, Path peer,
                                      Path out, int threads, int warmup, int steps, int rounds, boolean skipPeer)
            throws Exception {
        Map<String, List<Double>> ours = new LinkedHashMap<>();
        Map<String, List<Double>> theirs = new LinkedHashMap<>();
        for (String p : TrainingPhases.PARTS) {
            ours.put(p, new ArrayList<>());
            theirs.put(p, new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            TrainingPhases.ours(model, train, shard, warmup, steps)
                    .forEach((p, sec) -> Arrays.stream(sec).forEach(ours.get(p)::add));
            if (!skipPeer) {
                JsonNode ph = runPeer(python, peer, out, threads, warmup, steps, "--phases").get("phaseSeconds");
                double[] clip = doubles(ph.get("clip"));
                double[] adam = doubles(ph.get("adam"));
                for (int i = 0; i < clip.length; i++) {
                    theirs.get("optimiser").add(clip[i] + adam[i]);
                }
                for (String p : List.of("blocks", "head", "backward")) {
                    Arrays.stream(doubles(ph.get(p))).forEach(theirs.get(p)::add);
                }
            }
            System.err.printf(Locale.ROOT, "round %d of %d done%n", r + 1, rounds);
        }
        System.out.printf(Locale.ROOT, "phase profile, median ms per step over %d rounds x %d steps (%s, B %d, %d threads)%n",
                rounds, steps, model.shortName() + " V " + model.vocabSize(), train.batchSize(), threads);
        System.out.printf(Locale.ROOT, "%-10s %10s %10s %8s%n", "part", "ours", "pytorch", "ratio");
        double sumOurs = 0;
        double sumTheirs = 0;
        for (String p : TrainingPhases.PARTS) {
            double o = 1e3 * EnsembleBenchmark.median(ours.get(p).stream().mapToDouble(Double::doubleValue).toArray());
            double t = skipPeer ? Double.NaN : 1e3 * EnsembleBenchmark.median(theirs.get(p).stream().mapToDouble(Double::doubleValue).toArray());
            sumOurs += o;
            sumTheirs += t;
            System.out.printf(Locale.ROOT, "%-10s %10.1f %10.1f %7.2fx%n", p, o, t, o / t);
        }
        System.out.printf(Locale.ROOT, "%-10s %10.1f %10.1f %7.2fx   (ratio: our time / PyTorch's; load average %s)%n",
                "sum", sumOurs, sumTheirs, sumOurs / sumTheirs, loadAverage());
    }

    /** Median tokens/s over every timed step of every round. */
    static double median(List<Run> runs) {
        return EnsembleBenchmark.median(runs.stream().flatMapToDouble(r -> Arrays.stream(r.stepRates())).toArray());
    }

    /** The fastest timed step's tokens/s: the least disturbed by other processes. */
    static double best(List<Run> runs) {
        return runs.stream().flatMapToDouble(r -> Arrays.stream(r.stepRates())).max().orElse(Double.NaN);
    }

    static void report(GptConfig model, TrainConfig train, int warmup, int steps, int threads, List<Run> ours,
                       List<Run> theirs, String peerVersion, TokenShard shard, String figureName) {
        String arch = String.format(Locale.ROOT, "GPT V %d, d %d, %d layers, %d heads, T %d, B %d (%,d params, %,d non-embedding)",
                model.vocabSize(), model.width(), model.layers(), model.heads(), train.blockLength(), train.batchSize(),
                model.totalParameters(), model.nonEmbeddingParameters());
        String oursName = String.format(Locale.ROOT, "ours (DJL %s, libtorch %s, %d threads)", Engine.getDjlVersion(),
                Engine.getInstance().getVersion(), threads);
        String peerName = String.format(Locale.ROOT, "pytorch (Debian python3-torch %s, %d threads)", peerVersion, threads);
        List<String> lines = new ArrayList<>();
        lines.add(line(oursName, ours));
        double[] lo = ours.get(0).losses();
        if (!theirs.isEmpty()) {
            lines.add(line(peerName, theirs));
            lines.add(String.format(Locale.ROOT, "ratio ours / pytorch: %.2fx median step, %.2fx best step (target >= 1.0x)",
                    median(ours) / median(theirs), best(ours) / best(theirs)));
            double[] lp = theirs.get(0).losses();
            lines.add(String.format(Locale.ROOT, "loss at step 1: ours %.5f, pytorch %.5f; at step %d: ours %.5f, pytorch %.5f",
                    lo[0], lp[0], lo.length, lo[lo.length - 1], lp[lp.length - 1]));
        }
        lines.add("model: " + arch + "; Adam (0.9, 0.95), eps 1e-6, clip 1.0, lr " + train.learningRate()
                + " polynomial decay; " + warmup + " warm-up + " + steps + " timed steps per round, rounds alternate");
        lines.add("OpenMP waiting: ours " + TorchRuntime.ompWaitPolicy() + ", pytorch OMP_WAIT_POLICY="
                + System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset: spin)") + "; malloc (both, same environment): "
                + TorchRuntime.mallocHugePages() + "; matrix products: ours " + TorchRuntime.mklDispatch()
                + ", pytorch Debian's BLAS (OpenBLAS); load average at the end: "
                + loadAverage() + " on " + Runtime.getRuntime().availableProcessors() + " cores");
        for (String l : lines) {
            System.out.println(l);
        }
        if (figureName == null) {
            return;
        }
        StringBuilder md = new StringBuilder("# Training throughput: our trainer vs PyTorch (CPU)\n\n");
        md.append("Command: `environment/bench/training`. The same GPT from the same initial weights, trained on the same ")
                .append("token blocks of the real corpus (quick-profile training mixture, ")
                .append(String.format(Locale.ROOT, "%,d", shard.numTokens()))
                .append(" tokens, packed by `PackedBlocks` and exported), with the same optimiser and thread count; ")
                .append("rounds alternate between the two so that load from other processes hits both.\n\n");
        md.append("| implementation | median step tokens/s | best step tokens/s | per round tokens/s | loss step 1 | loss last step |\n")
                .append("|---|---:|---:|---|---:|---:|\n");
        md.append(row(oursName, ours));
        if (!theirs.isEmpty()) {
            md.append(row(peerName, theirs));
            md.append(String.format(Locale.ROOT, "%nRatio ours / PyTorch: **%.2fx** on the median step, %.2fx on the best step "
                    + "(target >= 1.0x).%n", median(ours) / median(theirs), best(ours) / best(theirs)));
        }
        md.append("\nModel: ").append(arch).append(". Adam (0.9, 0.95), eps 1e-6, no weight decay, global-norm clip 1.0, lr ")
                .append(train.learningRate()).append(" with polynomial decay, dropout 0; ").append(threads)
                .append(" threads each; ").append(warmup).append(" warm-up and ").append(steps)
                .append(" timed steps per round. Our trainer reads the loss every step here (metrics row per step).\n");
        md.append("\nMachine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(". Other processes share it (load average at the end ")
                .append(loadAverage()).append("): compare the ratio, not the absolute numbers.\n");
        md.append("\n```\n");
        for (String l : lines) {
            md.append(l).append('\n');
        }
        md.append("```\n");
        Path file = ProjectPaths.figures().resolve(figureName);
        AtomicFiles.writeString(file, md.toString());
        System.err.println("wrote " + file);
    }

    private static String line(String name, List<Run> runs) {
        return String.format(Locale.ROOT, "%s: %.0f tokens/s median step, %.0f best step, rounds %s", name, median(runs),
                best(runs), rates(runs));
    }

    private static String row(String name, List<Run> runs) {
        double[] l = runs.get(0).losses();
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | %.5f | %.5f |%n", name, median(runs), best(runs),
                rates(runs), l[0], l[l.length - 1]);
    }

    private static String rates(List<Run> runs) {
        return Arrays.toString(runs.stream().mapToLong(r -> Math.round(r.tokensPerSecond())).toArray());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
