package org.cbtm.train;

import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.cbtm.base.Progress;
import org.cbtm.base.WorkInterrupted;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.Devices;
import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.lm.gpt.NoGrad;
import org.cbtm.lm.gpt.TorchRuntime;
import org.cbtm.lm.moe.MoeTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one {@link Gpt} on one {@link TokenShard} (methods 1.3): packed blocks, Adam/AdamW with global-norm
 * clipping and a warmup + decay schedule, held-out loss at intervals, a metrics log, checkpoints. A run starts
 * {@link #start fresh}, {@link #branch branches} from another run's checkpoint (weights and optimiser state
 * copied, step and data position reset) or {@link #resume resumes} its own checkpoint; on the CPU a resumed run
 * reaches bit for bit the parameters of an uninterrupted one (data order, dropout seeds and the learning rate
 * are functions of the step, and the optimiser state is saved exactly).
 *
 * <p>Every step runs in its own NDScope and sub-manager, so native memory does not grow with the number of
 * steps or of runs in one notebook. Only one GradientCollector may exist per JVM (djl-notes): train experts in
 * parallel as separate processes ({@link TrainJob}), not threads.
 *
 * <pre>{@code
 * try (Trainer t = Trainer.start(GptConfig.quick(vocab), TrainConfig.quick(2_000_000), train, valid)
 *         .writeTo(Path.of("runs/seed"))) {
 *     t.run();
 * }
 * }</pre>
 */
public final class Trainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final TrainConfig config;
    private final Gpt model;
    private final AdamOptimizer optimizer;
    private final PackedBlocks data;
    private final PackedBlocks validBlocks;
    private final String trainFingerprint;
    private final String validFingerprint;
    private final long ancestorTokens;
    private final String parentPath;
    private final CheckpointInfo parentInfo;
    private final NDManager stateManager;
    private NDArray lossSum;
    private long step;
    private long dataPosition;
    private double trainSeconds;
    private double lastValidLoss = Double.NaN;
    private int lossTerms;
    private RunDirectory output;
    private MetricsLog log = MetricsLog.open(null, 0);
    private RoutingLog routing; // MoE runs that write to a folder only
    private boolean progress = true;
    private String label;

    private Trainer(Gpt model, AdamState optimizerState, TrainConfig config, TokenShard train, TokenShard valid,
                    long ancestorTokens, String parentPath, CheckpointInfo parentInfo) {
        GptConfig mc = model.config();
        try {
            if (config.blockLength() > mc.contextLength()) {
                throw new IllegalArgumentException("blockLength " + config.blockLength() + " exceeds the model's context length "
                        + mc.contextLength());
            }
            checkShard("training", train, mc);
            if (valid != null) {
                checkShard("held-out", valid, mc);
            }
            this.config = config;
            this.model = model;
            this.data = PackedBlocks.shuffled(train, config.blockLength(), config.seed());
            this.validBlocks = valid == null || config.evalTokens() == 0 ? null : heldOutBlocks(valid, config.blockLength());
            this.trainFingerprint = Fingerprint.of(train);
            this.validFingerprint = valid == null ? null : Fingerprint.of(valid);
            this.ancestorTokens = ancestorTokens;
            this.parentPath = parentPath;
            this.parentInfo = parentInfo;
            model.computeIn(config.precision());
            this.optimizer = new AdamOptimizer(model.parameters(), model.manager(), config, optimizerState, model);
            this.stateManager = model.manager().newSubManager();
            this.lossSum = stateManager.zeros(new Shape());
            this.label = "Training " + mc.shortName();
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        LOG.info("training {} on {} in {}; OpenMP waiting: {}; matrix products: {}", model,
                Devices.describe(model.device()), config.precision(), TorchRuntime.ompWaitPolicy(),
                TorchRuntime.mklDispatch());
    }

    private static PackedBlocks heldOutBlocks(TokenShard valid, int length) {
        try {
            return PackedBlocks.inOrder(valid, length);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("held-out shard: " + e.getMessage()
                    + "; pass a larger one or null (no held-out loss)", e);
        }
    }

    private static void checkShard(String what, TokenShard shard, GptConfig mc) {
        if (shard.vocabSize() != mc.vocabSize()) {
            throw new IllegalArgumentException("the " + what + " shard was tokenised with a vocabulary of " + shard.vocabSize()
                    + " but the model has " + mc.vocabSize());
        }
        for (int t : shard.tokens()) {
            if (t < 0 || t >= mc.vocabSize()) {
                throw new IllegalArgumentException("the " + what + " shard holds token id " + t + " outside the vocabulary [0, "
                        + mc.vocabSize() + ")");
            }
        }
    }

    /** A new run from a randomly initialised model (seed {@code config.seed()}), on the best device. */
    public static Trainer start(GptConfig model, TrainConfig config, TokenShard train, TokenShard valid) {
        return start(model, config, train, valid, Devices.best());
    }

    public static Trainer start(GptConfig model, TrainConfig config, TokenShard train, TokenShard valid, Device device) {
        return new Trainer(Gpt.create(model, device, config.seed()), null, config, train, valid, 0, null, null);
    }

    /**
     * A new run initialised from {@code parent}: its weights and optimiser state (moments and update count) are
     * copied exactly; this run's step, data position and schedule start at zero (BTM / C-BTM branching,
     * methods 1.3 and 2). A parent without optimiser state (an average) starts with fresh moments.
     */
    public static Trainer branch(Checkpoint parent, String parentPath, TrainConfig config, TokenShard train,
                                 TokenShard valid) {
        return branch(parent, parentPath, parent.info().model(), config, train, valid, Devices.best());
    }

    /**
     * Branches into a model config {@code model} of the parent's architecture (it may change the dropout rate),
     * on {@code device}.
     */
    public static Trainer branch(Checkpoint parent, String parentPath, GptConfig model, TrainConfig config,
                                 TokenShard train, TokenShard valid, Device device) {
        return new Trainer(Gpt.create(parent.weights().withConfig(model), device), parent.optimizer(), config, train,
                valid, parent.info().lineageTokens(), parentPath, parent.info());
    }

    /**
     * A new run from {@code init} with fresh optimiser moments: a model made from trained ones rather than branched
     * from one checkpoint (a sparse-upcycled MoE, methods 4; a Branch-Train-MiX merge, methods 5). {@code parent}
     * (may be null) is recorded as its parent and {@code ancestorTokens} as the tokens its ingredients were
     * trained on, so the lineage's compute is not lost.
     */
    public static Trainer startFrom(GptWeights init, long ancestorTokens, Checkpoint parent, String parentPath,
                                    TrainConfig config, TokenShard train, TokenShard valid, Device device) {
        if (ancestorTokens < 0) {
            throw new IllegalArgumentException("ancestorTokens must be >= 0, got " + ancestorTokens);
        }
        return new Trainer(Gpt.create(init, device), null, config, train, valid, ancestorTokens, parentPath,
                parent == null ? null : parent.info());
    }

    /** Continues the run saved in {@code checkpoint} (its own configs) on the same shards. */
    public static Trainer resume(Checkpoint checkpoint, TokenShard train, TokenShard valid) {
        return resume(checkpoint, train, valid, Devices.best());
    }

    public static Trainer resume(Checkpoint checkpoint, TokenShard train, TokenShard valid, Device device) {
        CheckpointInfo info = checkpoint.info();
        if (info.train() == null) {
            throw new IllegalArgumentException("this checkpoint was not written by a training run (an average?): branch from it instead");
        }
        if (checkpoint.optimizer() == null) {
            throw new IllegalArgumentException("this checkpoint has no optimiser state, so it cannot be resumed exactly");
        }
        String fingerprint = Fingerprint.of(train);
        if (!fingerprint.equals(info.trainShard())) {
            throw new IllegalArgumentException("the checkpoint was trained on shard " + info.trainShard()
                    + " but this training shard is " + fingerprint + ": resume with the same data");
        }
        Trainer t = new Trainer(Gpt.create(checkpoint.weights(), device), checkpoint.optimizer(), info.train(), train, valid,
                info.lineageTokens() - info.tokensSeen(), info.parentPath(), info.parent());
        t.step = info.step();
        t.dataPosition = info.dataPosition();
        t.trainSeconds = info.trainSeconds();
        t.lastValidLoss = info.validLoss();
        return t;
    }

    /**
     * Writes checkpoints ({@link RunDirectory}) and {@code metrics.csv} into {@code dir}; a resumed run keeps the
     * log's rows up to its step.
     */
    public Trainer writeTo(Path dir) {
        output = new RunDirectory(dir);
        log.close();
        log = MetricsLog.open(output.metrics(), step);
        if (model.config().moe() != null) {
            if (routing != null) {
                routing.close();
            }
            routing = RoutingLog.open(dir, step);
        }
        return this;
    }

    /** Whether to draw a progress bar (default on). */
    public Trainer showProgress(boolean show) {
        progress = show;
        return this;
    }

    /** The progress bar's label (default "Training GPT 4L/256d"). */
    public Trainer label(String text) {
        label = text;
        return this;
    }

    public Gpt model() {
        return model;
    }

    public TrainConfig config() {
        return config;
    }

    public long step() {
        return step;
    }

    public boolean finished() {
        return step >= config.steps();
    }

    /** Metrics rows so far (including a resumed run's earlier rows when it writes to the same folder). */
    public List<TrainMetrics> metrics() {
        return log.rows();
    }

    /** Last held-out loss, NaN before the first evaluation. */
    public double validLoss() {
        return lastValidLoss;
    }

    /** Trains to the end of the budget. Returns the final checkpoint's header. */
    public CheckpointInfo run() {
        return runSteps(Long.MAX_VALUE);
    }

    /** Trains at most {@code maxSteps} more steps (stops at the end of the budget). */
    public CheckpointInfo runSteps(long maxSteps) {
        long end = step + Math.min(Math.max(0, maxSteps), config.steps() - step); // no overflow for Long.MAX_VALUE
        long perStep = config.tokensPerStep();
        Progress bar = progress ? Progress.start(label + " on " + model.device(), config.tokensSeen(), "tok") : null;
        try {
            if (bar != null) {
                bar.set(step * perStep);
            }
            long mark = System.nanoTime();
            long intervalTokens = 0;
            while (step < end) {
                WorkInterrupted.check(label);
                double lr = trainStep();
                intervalTokens += perStep;
                if (bar != null) {
                    bar.advance(perStep);
                }
                boolean last = step == config.steps();
                boolean evalNow = validBlocks != null && (last || config.evalInterval() > 0 && step % config.evalInterval() == 0);
                if (evalNow || last || step % config.logInterval() == 0 || step == end) {
                    double trainLoss = takeMeanLoss();
                    double secs = (System.nanoTime() - mark) / 1e9;
                    trainSeconds += secs;
                    double rate = secs > 0 ? intervalTokens / secs : 0;
                    double valid = Double.NaN;
                    if (evalNow) {
                        long t0 = System.nanoTime();
                        valid = evaluate();
                        lastValidLoss = valid;
                        trainSeconds += (System.nanoTime() - t0) / 1e9;
                    }
                    log.add(new TrainMetrics(step, step * perStep, trainLoss, valid, lr, rate, trainSeconds));
                    if (routing != null) {
                        routing.flush(step);
                    }
                    if (bar != null) {
                        bar.note(Double.isNaN(lastValidLoss) ? String.format("loss %.3f", trainLoss)
                                : String.format("loss %.3f, valid %.3f", trainLoss, lastValidLoss));
                    }
                    intervalTokens = 0;
                    mark = System.nanoTime();
                }
                if (output != null && (last || config.checkpointInterval() > 0 && step % config.checkpointInterval() == 0)) {
                    long t0 = System.nanoTime();
                    saveCheckpoint(last);
                    mark += System.nanoTime() - t0; // writing checkpoints is neither training time nor throughput
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        return info();
    }

    /** One optimiser step; returns its learning rate. */
    private double trainStep() {
        int b = config.batchSize();
        int len = config.blockLength();
        long[] inputs = new long[b * len];
        long[] targets = new long[b * len];
        for (int i = 0; i < b; i++) {
            data.block(dataPosition + i, inputs, targets, i * len);
        }
        double lr = config.learningRate(step);
        Engine engine = TorchRuntime.engine();
        if (model.config().dropout() > 0) {
            engine.setRandomSeed(dropoutSeed(step));
        }
        try (NDManager sm = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            NDArray x = sm.create(inputs, new Shape(b, len));
            NDArray y = sm.create(targets, new Shape(b, len));
            NDArray loss;
            MoeTrace trace = new MoeTrace();
            try (GradientCollector collector = engine.newGradientCollector()) {
                loss = model.loss(x, y, true, trace);
                collector.backward(loss);
            }
            optimizer.step(lr, trace.idleParameters());
            if (routing != null) {
                routing.add(trace);
            }
            try (NoGrad ignored = NoGrad.enter()) {
                lossSum.addi(loss); // stays on the device: no host round trip per step
            }
            scope.suppressNotUsedWarning();
        }
        lossTerms++;
        step++;
        dataPosition += b;
        return lr;
    }

    /** The dropout RNG seed of a step: a function of the run's seed and the step, so a resumed run replays it. */
    private int dropoutSeed(long s) {
        long z = (config.seed() ^ 0x5DEECE66DL) * 0x9E3779B97F4A7C15L + s * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (int) (z ^ (z >>> 29));
    }

    private double takeMeanLoss() {
        if (lossTerms == 0) {
            return Double.NaN;
        }
        double mean;
        try (NoGrad ignored = NoGrad.enter()) {
            mean = lossSum.getFloat() / lossTerms;
            lossSum.close();
            lossSum = stateManager.zeros(new Shape());
        }
        lossTerms = 0;
        return mean;
    }

    /**
     * Mean held-out loss (nats per token) over the first {@code evalTokens} tokens of the held-out shard, packed in
     * blocks like the training data (a monitor; the evaluation protocol of methods 1.5 scores whole documents).
     */
    public double evaluate() {
        if (validBlocks == null) {
            return Double.NaN;
        }
        int len = config.blockLength();
        long blocks = Math.min(validBlocks.blocksPerEpoch(), (config.evalTokens() + len - 1) / len);
        double total = 0;
        long tokens = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (long first = 0; first < blocks; first += config.batchSize()) {
                int b = (int) Math.min(config.batchSize(), blocks - first);
                long[] inputs = new long[b * len];
                long[] targets = new long[b * len];
                for (int i = 0; i < b; i++) {
                    validBlocks.block(first + i, inputs, targets, i * len);
                }
                try (NDManager sm = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                    NDArray loss = model.loss(sm.create(inputs, new Shape(b, len)), sm.create(targets, new Shape(b, len)), false);
                    total += (double) loss.getFloat() * b * len;
                    tokens += (long) b * len;
                    scope.suppressNotUsedWarning();
                }
            }
        }
        return total / tokens;
    }

    /** The header a checkpoint of the current state would carry. */
    public CheckpointInfo info() {
        long tokens = step * config.tokensPerStep();
        return new CheckpointInfo(Checkpoint.FORMAT, model.config(), config, step, finished(), dataPosition,
                config.seed(), tokens, ancestorTokens + tokens, trainFingerprint, validFingerprint, lastValidLoss,
                trainSeconds, model.device().toString(), parentPath, parentInfo, java.time.Instant.now().toString(),
                org.cbtm.base.Provenance.currentLibraryVersion());
    }

    /** A full snapshot: header, weights and optimiser state (host copies). */
    public Checkpoint checkpoint() {
        GptWeights weights = model.weights();
        return new Checkpoint(info(), weights, optimizer.state());
    }

    private void saveCheckpoint(boolean last) {
        Checkpoint c = checkpoint();
        if (last) {
            c.write(output.finalCheckpoint());
            output.deleteIntermediatesExcept(null);
        } else {
            Path p = c.write(output.intermediate(step));
            output.deleteIntermediatesExcept(p);
        }
    }

    @Override
    public void close() {
        log.close();
        if (routing != null) {
            routing.close();
        }
        stateManager.close();
        optimizer.close();
        model.close();
    }
}
