package org.cbtm.lm.gpt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

import org.cbtm.lm.moe.MoeLayer;
import org.cbtm.lm.moe.MoeTrace;

/**
 * A GPT-style decoder in the manner of nanoGPT, written out in one place:
 *
 * <pre>
 *   x = drop(wte[tokens] + wpe[0..T))                        token + learned position embeddings
 *   for each block:
 *     x = x + drop(proj(attention(LN1(x))))                  causal self-attention, pre-norm
 *     x = x + drop(proj2(gelu(fc(LN2(x)))))                  MLP of width 4d, exact (erf) GELU
 *   logits = LNf(x) . wte^T                                  output layer tied to the token embedding
 * </pre>
 *
 * With {@link GptConfig#moe()} set, the MLP of the chosen blocks is a {@link MoeLayer} (E such MLPs and a router,
 * methods 4): the sparse-upcycled and Branch-Train-MiX models are this same class.
 *
 * <p>Every tensor is a {@link Parameter} of this block (MoE layers are child blocks whose parameters carry the
 * full name), named like nanoGPT's ({@code h0.attn.qkv.weight}, ..., {@code h1.moe.e3.fc.weight}), so saving,
 * copying, averaging and the optimiser all walk one ordered list.
 * Initialisation follows GPT-2: weights N(0, 0.02), the two residual projections N(0, 0.02 / sqrt(2 layers)),
 * biases 0, LayerNorms (1, 0); the numbers come from a seeded Java generator, so a seed gives the same model
 * on every device and engine build.
 *
 * <p>The model lives on one device in the NDManager it was created with ({@link #close()} frees it). Forward
 * passes create their intermediate arrays under the caller's {@link ai.djl.ndarray.NDScope}: callers (the
 * trainer, {@link GptLM}) open one per step or call so nothing outlives it.
 */
public final class Gpt extends AbstractBlock implements AutoCloseable {

    /** LayerNorm epsilon (PyTorch's default, as in nanoGPT). */
    static final float LN_EPS = 1e-5f;
    private static final double INIT_STD = 0.02;

    private final GptConfig config;
    private final Parameter wte;
    private final Parameter wpe;
    private final List<Layer> blocks = new ArrayList<>();
    private final Parameter lnfGamma;
    private final Parameter lnfBeta;
    private NDManager manager;
    private NDArray causalMask;
    private Precision precision = Precision.FP32;
    private final Map<String, NDArray> computeCopies = new HashMap<>(); // 16-bit copies while precision is mixed
    private NDArray computeMask; // the causal mask in the passes' format
    private NDArray upcast; // a float32 zero of shape (1): adding it lifts a 16-bit tensor to float32, with gradient

    /** One transformer block's parameters; an MoE block has {@code moe} instead of the four MLP tensors. */
    private record Layer(Parameter ln1Gamma, Parameter ln1Beta, Parameter qkvW, Parameter qkvB,
                         Parameter projW, Parameter projB, Parameter ln2Gamma, Parameter ln2Beta,
                         Parameter fcW, Parameter fcB, Parameter fc2W, Parameter fc2B, MoeLayer moe) {
    }

    private Gpt(GptConfig config) {
        this.config = config;
        long v = config.vocabSize();
        long d = config.width();
        wte = param("wte", Parameter.Type.WEIGHT, v, d);
        wpe = param("wpe", Parameter.Type.WEIGHT, config.contextLength(), d);
        for (int i = 0; i < config.layers(); i++) {
            String p = "h" + i + ".";
            boolean sparse = config.moeBlock(i);
            MoeLayer moe = sparse ? addChildBlock(p + "moe", new MoeLayer(p + "moe", config.width(), config.moe())) : null;
            blocks.add(new Layer(
                    param(p + "ln1.gamma", Parameter.Type.GAMMA, d),
                    param(p + "ln1.beta", Parameter.Type.BETA, d),
                    param(p + "attn.qkv.weight", Parameter.Type.WEIGHT, 3 * d, d),
                    param(p + "attn.qkv.bias", Parameter.Type.BIAS, 3 * d),
                    param(p + "attn.proj.weight", Parameter.Type.WEIGHT, d, d),
                    param(p + "attn.proj.bias", Parameter.Type.BIAS, d),
                    param(p + "ln2.gamma", Parameter.Type.GAMMA, d),
                    param(p + "ln2.beta", Parameter.Type.BETA, d),
                    sparse ? null : param(p + "mlp.fc.weight", Parameter.Type.WEIGHT, 4 * d, d),
                    sparse ? null : param(p + "mlp.fc.bias", Parameter.Type.BIAS, 4 * d),
                    sparse ? null : param(p + "mlp.proj.weight", Parameter.Type.WEIGHT, d, 4 * d),
                    sparse ? null : param(p + "mlp.proj.bias", Parameter.Type.BIAS, d),
                    moe));
        }
        lnfGamma = param("lnf.gamma", Parameter.Type.GAMMA, d);
        lnfBeta = param("lnf.beta", Parameter.Type.BETA, d);
    }

    private Parameter param(String name, Parameter.Type type, long... shape) {
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(new Shape(shape)).build());
    }

    /** A new model with GPT-2 initialisation drawn from {@code seed}, on {@code device}. */
    public static Gpt create(GptConfig config, Device device, long seed) {
        TorchRuntime.engine();
        Gpt gpt = new Gpt(config);
        int index = 0;
        for (Parameter p : gpt.parameters()) {
            p.setInitializer(seededInit(p, gpt.initStd(p.getName()), mix(seed, index++)));
        }
        gpt.allocate(device);
        return gpt;
    }

    /** A model holding {@code weights} (copied), on {@code device}. */
    public static Gpt create(GptWeights weights, Device device) {
        TorchRuntime.engine();
        Gpt gpt = new Gpt(weights.config());
        for (Parameter p : gpt.parameters()) {
            float[] values = weights.tensor(p.getName());
            p.setInitializer((m, shape, type) -> ownedCopy(m, values, shape));
        }
        gpt.allocate(device);
        return gpt;
    }

    private void allocate(Device device) {
        manager = NDManager.newBaseManager(device);
        initialize(manager, DataType.FLOAT32, new Shape(1, config.contextLength()));
        int t = config.contextLength();
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            Arrays.fill(mask, i * t + i + 1, (i + 1) * t, Float.NEGATIVE_INFINITY);
        }
        causalMask = ownedCopy(manager, mask, new Shape(t, t));
    }

    @Override
    protected void initializeChildBlocks(NDManager m, DataType dataType, Shape... inputShapes) {
        Shape hidden = new Shape(1, config.contextLength(), config.width());
        for (ai.djl.nn.Block child : getChildren().values()) {
            child.initialize(m, dataType, hidden);
        }
    }

    /**
     * Standard deviation of a parameter's initial values; 0 means "constant" (LayerNorm, biases), negative means
     * uniform in [0, 1) (an MoE router, as the C-BTM baseline initialises it).
     */
    private double initStd(String name) {
        if (name.endsWith(".router.weight")) {
            return -1;
        }
        if (name.endsWith(".proj.weight")) { // attn.proj, mlp.proj and every MoE expert's proj
            return INIT_STD / Math.sqrt(2.0 * config.layers());
        }
        return name.endsWith("weight") || name.equals("wte") || name.equals("wpe") ? INIT_STD : 0;
    }

    private static Initializer seededInit(Parameter p, double std, long seed) {
        boolean gamma = p.getType() == Parameter.Type.GAMMA;
        return (m, shape, type) -> {
            float[] values = new float[Math.toIntExact(shape.size())];
            if (gamma) {
                Arrays.fill(values, 1f);
            } else if (std < 0) {
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) random.nextDouble();
                }
            } else if (std > 0) {
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (std * random.nextGaussian());
                }
            }
            return ownedCopy(m, values, shape);
        };
    }

    /**
     * An array holding {@code values} in native memory owned by the engine. (On CPU {@code manager.create}
     * wraps a Java direct buffer; parameters are updated in place for the whole run, so they get their own copy.)
     */
    static NDArray ownedCopy(NDManager m, float[] values, Shape shape) {
        try (NDArray wrapped = m.create(values, shape)) {
            return wrapped.duplicate();
        }
    }

    private static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public GptConfig config() {
        return config;
    }

    /**
     * Runs every later forward pass in {@code format} ({@link Precision}): for a mixed format the parameters stay
     * float32 (the master weights, what {@link #weights()} and {@link #parameters()} give) and the passes read
     * 16-bit copies of them, which receive the gradients ({@link #gradientHolder}); after changing the masters,
     * call {@link #refreshComputeCopies()}. FP32 drops the copies. Dense models only (an MoE layer's routing
     * stays float32 for now).
     */
    public void computeIn(Precision format) {
        if (format.mixed() && config.moe() != null) {
            throw new IllegalArgumentException("mixed precision is implemented for dense models only; this one has MoE layers");
        }
        format.requireSupported();
        dropComputeCopies();
        precision = format;
        if (format.mixed()) {
            computeMask = causalMask.toType(format.dataType(), true);
            upcast = manager.zeros(new Shape(1), DataType.FLOAT32);
            NDScope.unregister(computeMask, upcast);
            refreshComputeCopies();
        }
    }

    /** The format of the forward passes. */
    public Precision precision() {
        return precision;
    }

    /**
     * Recasts the 16-bit copies from the float32 parameters (after an optimiser update); nothing for FP32. The new
     * copies are owned by the model, not by the caller's NDScope.
     */
    public void refreshComputeCopies() {
        if (!precision.mixed()) {
            return;
        }
        for (Parameter p : parameters()) {
            NDArray copy = p.getArray().toType(precision.dataType(), true);
            NDScope.unregister(copy);
            copy.setRequiresGradient(true);
            NDArray old = computeCopies.put(p.getName(), copy);
            if (old != null) {
                old.close();
            }
        }
    }

    /** The array a training pass reads for {@code p}, and whose gradient it fills: its 16-bit copy, or itself. */
    public NDArray gradientHolder(Parameter p) {
        return arr(p);
    }

    private NDArray arr(Parameter p) {
        NDArray copy = computeCopies.get(p.getName());
        return copy == null ? p.getArray() : copy;
    }

    /** The causal mask in the format of the passes. */
    private NDArray passMask() {
        return precision.mixed() ? computeMask : causalMask;
    }

    private void dropComputeCopies() {
        computeCopies.values().forEach(NDArray::close);
        computeCopies.clear();
        for (NDArray a : new NDArray[] {computeMask, upcast}) {
            if (a != null) {
                a.close();
            }
        }
        computeMask = null;
        upcast = null;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The NDManager that holds the parameters (optimiser state can live in a sub-manager of it). */
    public NDManager manager() {
        return manager;
    }

    /** Parameters in their fixed order (the order of {@link GptWeights}): this block's, then each MoE layer's. */
    public List<Parameter> parameters() {
        return new ArrayList<>(getParameters().values());
    }

    /** Name and shape of every parameter of a model of this shape, in order. */
    public static Map<String, Shape> parameterShapes(GptConfig config) {
        Gpt shell = new Gpt(config);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Parameter p : shell.parameters()) {
            shapes.put(p.getName(), p.getShape());
        }
        return shapes;
    }

    /** A copy of every parameter's values (host memory). */
    public GptWeights weights() {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Parameter p : parameters()) {
            tensors.put(p.getName(), p.getArray().toFloatArray());
        }
        return new GptWeights(config, tensors);
    }

    /**
     * Hidden states after the final LayerNorm, shape (B, T, width), for token ids of shape (B, T) (INT64), with
     * T at most the context length.
     */
    public NDArray hidden(NDArray tokens, boolean training) {
        return hidden(tokens, training, null);
    }

    /**
     * {@link #hidden(NDArray, boolean)}, with the routing of every MoE layer recorded in {@code trace} (may be
     * null; a dense model records nothing).
     */
    public NDArray hidden(NDArray tokens, boolean training, MoeTrace trace) {
        Shape shape = tokens.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        if (t > config.contextLength()) {
            throw new IllegalArgumentException("sequence of " + t + " tokens exceeds the context length "
                    + config.contextLength() + "; truncate it to the context length");
        }
        NDArray positions = t == config.contextLength() ? arr(wpe) : arr(wpe).get(new NDIndex(":{}", t));
        NDArray x = tokens.getNDArrayInternal().embedding(tokens, arr(wte), SparseFormat.DENSE).head();
        x = dropout(x.add(positions), training);
        NDArray mask = t == config.contextLength() ? passMask() : passMask().get(new NDIndex(":{}, :{}", t, t));
        for (Layer layer : blocks) {
            x = x.add(dropout(attention(layer, layerNorm(x, layer.ln1Gamma, layer.ln1Beta), mask, b, t, training), training));
            x = x.add(dropout(ffn(layer, layerNorm(x, layer.ln2Gamma, layer.ln2Beta), training, trace), training));
        }
        return layerNorm(x, lnfGamma, lnfBeta);
    }

    /**
     * Keys and values of a prefix, one (B, heads, T, head width) pair per layer: what later tokens attend to. It
     * lives in the NDScope of the call that made it.
     */
    public record KvCache(List<NDArray> keys, List<NDArray> values, int length) {

        /** The same prefix for {@code b} continuations (a batch-1 cache repeated along the batch axis). */
        public KvCache repeat(int b) {
            return new KvCache(keys.stream().map(k -> k.repeat(0, b)).toList(),
                    values.stream().map(v -> v.repeat(0, b)).toList(), length);
        }
    }

    /** Hidden states of the tokens of one {@link #step} call, and the cache that now also holds them. */
    public record Step(NDArray hidden, KvCache cache) {
    }

    /**
     * Inference with a key/value cache: hidden states (B, T, width) of {@code tokens} (B, T) that follow the prefix
     * in {@code past} (null: no prefix), at positions {@code past.length()} onwards, and the cache extended by them.
     * Equal to {@link #hidden} on the whole sequence, without recomputing the prefix.
     */
    public Step step(NDArray tokens, KvCache past) {
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        int offset = past == null ? 0 : past.length();
        if (offset + t > config.contextLength()) {
            throw new IllegalArgumentException(offset + " cached and " + t + " new tokens exceed the context length "
                    + config.contextLength());
        }
        NDArray positions = arr(wpe).get(new NDIndex("{}:{}", offset, offset + t));
        NDArray x = tokens.getNDArrayInternal().embedding(tokens, arr(wte), SparseFormat.DENSE).head().add(positions);
        // new token i sits at position offset + i and sees every position up to its own
        NDArray mask = passMask().get(new NDIndex("{}:{}, :{}", offset, offset + t, offset + t));
        List<NDArray> keys = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        int heads = config.heads();
        int hd = config.headWidth();
        for (int i = 0; i < blocks.size(); i++) {
            Layer layer = blocks.get(i);
            NDList qkv = Linear.linear(layerNorm(x, layer.ln1Gamma, layer.ln1Beta), arr(layer.qkvW),
                    arr(layer.qkvB)).head().split(3, 2);
            NDArray q = qkv.get(0).reshape(b, t, heads, hd).transpose(0, 2, 1, 3).mul(1.0 / Math.sqrt(hd));
            NDArray k = qkv.get(1).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
            NDArray v = qkv.get(2).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
            if (past != null) {
                k = past.keys().get(i).concat(k, 2);
                v = past.values().get(i).concat(v, 2);
            }
            keys.add(k);
            values.add(v);
            NDArray weights = q.matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(-1);
            NDArray y = weights.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.width());
            x = x.add(Linear.linear(y, arr(layer.projW), arr(layer.projB)).head());
            x = x.add(ffn(layer, layerNorm(x, layer.ln2Gamma, layer.ln2Beta), false, null));
        }
        return new Step(layerNorm(x, lnfGamma, lnfBeta), new KvCache(keys, values, offset + (int) t));
    }

    /** Causal multi-head self-attention of (B, T, d) inputs. */
    private NDArray attention(Layer layer, NDArray h, NDArray mask, long b, long t, boolean training) {
        int heads = config.heads();
        int hd = config.headWidth();
        NDList qkv = Linear.linear(h, arr(layer.qkvW), arr(layer.qkvB)).head().split(3, 2);
        // (B, T, d) -> (B, H, T, hd); the 1/sqrt(hd) scale goes on q, the smaller tensor
        NDArray q = qkv.get(0).reshape(b, t, heads, hd).transpose(0, 2, 1, 3).mul(1.0 / Math.sqrt(hd));
        NDArray kT = qkv.get(1).reshape(b, t, heads, hd).transpose(0, 2, 3, 1);
        NDArray v = qkv.get(2).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray weights = dropout(q.matMul(kT).add(mask).softmax(-1), training);
        NDArray y = weights.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.width());
        return Linear.linear(y, arr(layer.projW), arr(layer.projB)).head();
    }

    /** The block's feed-forward part: the dense MLP, or its MoE layer. */
    private NDArray ffn(Layer layer, NDArray h, boolean training, MoeTrace trace) {
        return layer.moe == null ? mlp(layer, h) : layer.moe.forward(h, training, trace);
    }

    private NDArray mlp(Layer layer, NDArray h) {
        NDArray up = Activation.gelu(Linear.linear(h, arr(layer.fcW), arr(layer.fcB)).head());
        return Linear.linear(up, arr(layer.fc2W), arr(layer.fc2B)).head();
    }

    private NDArray layerNorm(NDArray x, Parameter gamma, Parameter beta) {
        // normalise over the last axis only (djl-notes: the LayerNorm block's default axes are wider)
        return LayerNorm.layerNorm(x, new Shape(config.width()), arr(gamma), arr(beta), LN_EPS).head();
    }

    private NDArray dropout(NDArray x, boolean training) {
        if (!training || config.dropout() == 0) {
            return x;
        }
        return Dropout.dropout(x, (float) config.dropout(), true).head();
    }

    /** Logits over the vocabulary, (..., V), from hidden states (..., width): the tied output layer. */
    public NDArray logits(NDArray hidden) {
        return Linear.linear(hidden, arr(wte)).head();
    }

    /**
     * Mean next-token cross-entropy (natural log) of {@code targets} given {@code inputs}, both (B, T) INT64.
     * Logits are flattened to (B*T, V) before the log-softmax (djl-notes: the loss does not take (B, T, V)).
     */
    public NDArray loss(NDArray inputs, NDArray targets, boolean training) {
        return loss(inputs, targets, training, training && config.moe() != null ? new MoeTrace() : null);
    }

    /**
     * The loss, with {@code trace} recording the MoE layers' routing; while training, the MoE layers' weighted
     * auxiliary losses (load balancing, z-loss) are added to the cross-entropy (an evaluation loss is the
     * cross-entropy alone).
     */
    public NDArray loss(NDArray inputs, NDArray targets, boolean training, MoeTrace trace) {
        NDArray loss = headLoss(hidden(inputs, training, trace), targets);
        return training && trace != null && trace.auxLoss() != null ? loss.add(trace.auxLoss()) : loss;
    }

    /**
     * The output layer and the mean cross-entropy of {@code targets} (B, T) given hidden states (B, T, width) from
     * {@link #hidden}: the part of {@link #loss} after the blocks (the training benchmark's phase profile times the
     * two parts separately).
     */
    public NDArray headLoss(NDArray hidden, NDArray targets) {
        NDArray flat = hidden.reshape(-1, config.width());
        NDArray flatTargets = targets.reshape(-1, 1);
        long n = flat.getShape().get(0);
        long rows = lossChunkPositions(config.vocabSize());
        if (n <= rows) {
            return lossFormat(logits(flat)).logSoftmax(1).gather(flatTargets, 1).mean().neg();
        }
        // the output layer and the log-softmax in chunks of positions: a (B*T, V) tensor of tens or hundreds of
        // megabytes leaves the cache on every pass of the log-softmax and of its backward; chunks that fit in
        // it train the same model (the same gradients up to the order of float sums) much faster on a CPU
        NDArray sum = null;
        for (long start = 0; start < n; start += rows) {
            NDIndex range = new NDIndex("{}:{}", start, Math.min(n, start + rows));
            NDArray part = lossFormat(logits(flat.get(range))).logSoftmax(1).gather(flatTargets.get(range), 1).sum();
            sum = sum == null ? part : sum.add(part);
        }
        return sum.div(n).neg();
    }

    /** Logits in float32 for the log-softmax: a 16-bit pass's logits are lifted by a differentiable add. */
    private NDArray lossFormat(NDArray logits) {
        return precision.mixed() ? logits.add(upcast) : logits;
    }

    /**
     * Logit elements (positions x V) the loss computes at once: 2^20 floats, 4 MB, fit in a CPU's cache with their
     * log-softmax. {@code -Dcbtm.gpt.lossChunkElements} overrides it. Measured with {@code environment/bench/training}
     * on 2 loaded cores: V 4,097, d 64, B 16: 4,189 tokens/s unchunked, 12,117 in chunks of 256 positions.
     */
    static final long LOSS_CHUNK_ELEMENTS = Long.getLong("cbtm.gpt.lossChunkElements", 1L << 20);

    /**
     * A chunk holds at least this many positions: every chunk reads the whole output matrix (V x width), so with a
     * large vocabulary small chunks cost more than they save (V 47,815, d 256, B 16, measured before huge pages and
     * the MKL dispatch library: 247 tokens/s unchunked, 86 in chunks of 21 positions, 414 in chunks of 256; such a
     * vocabulary is now unchunked, see {@link #LOSS_CHUNK_MAX_VOCAB}).
     */
    static final long LOSS_CHUNK_MIN_POSITIONS = 256;

    /**
     * Above this vocabulary the loss runs unchunked: a chunk of {@link #LOSS_CHUNK_MIN_POSITIONS} positions would hold
     * more than 4x {@link #LOSS_CHUNK_ELEMENTS} logits (16 MB), which no cache keeps, and each chunk re-reads the output
     * matrix. Measured with {@code environment/bench/training --skip-peer} on 2 cores (huge pages, oneMKL by CPU
     * features, three alternations, median step tokens/s): V 47,815, d 256, B 16: 1,920 / 1,898 / 1,782 in chunks of
     * 256 positions against 2,512 / 2,378 / 2,191 unchunked; V 4,097, d 64, B 8 (the standard profile's model): 25,063 /
     * 22,260 / 23,243 chunked against 28,794 / 16,432 / 14,253 unchunked. {@code -Dcbtm.gpt.lossChunkMaxVocab}
     * overrides it.
     */
    static final long LOSS_CHUNK_MAX_VOCAB = Long.getLong("cbtm.gpt.lossChunkMaxVocab",
            4 * LOSS_CHUNK_ELEMENTS / LOSS_CHUNK_MIN_POSITIONS);

    /** Positions per loss chunk for vocabulary size {@code vocab}: {@code Long.MAX_VALUE} when unchunked. */
    static long lossChunkPositions(int vocab) {
        return vocab > LOSS_CHUNK_MAX_VOCAB ? Long.MAX_VALUE
                : Math.max(LOSS_CHUNK_MIN_POSITIONS, LOSS_CHUNK_ELEMENTS / vocab);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        // one device, parameters read directly: the ParameterStore's per-device copies are not needed
        return new NDList(logits(hidden(inputs.head(), training)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), config.vocabSize())};
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }

    @Override
    public String toString() {
        return config.shortName() + " (" + config.heads() + " heads, context " + config.contextLength() + ", vocab "
                + config.vocabSize() + ", " + config.totalParameters() + " parameters, "
                + config.nonEmbeddingParameters() + " non-embedding) on " + device();
    }
}
