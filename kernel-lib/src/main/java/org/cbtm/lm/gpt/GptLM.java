package org.cbtm.lm.gpt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import org.cbtm.base.HasProvenance;
import org.cbtm.base.Provenance;
import org.cbtm.lm.LanguageModel;
import org.cbtm.text.token.Tokenizer;

/**
 * A trained {@link Gpt} as a {@link LanguageModel}: batched scoring with every call's native arrays in their own
 * scope (nothing outlives a call), autograd off. Sequences are right-padded into batches of similar length; the
 * causal mask makes padding invisible to the real positions. An empty context conditions on the
 * end-of-document token, as every document but the first followed one in training.
 */
public final class GptLM implements LanguageModel, HasProvenance {

    /** Logit values materialised per batch (64M floats, 256 MB): bounds the batch size for large vocabularies. */
    private static final long MAX_BATCH_LOGITS = 1L << 26;

    private final Gpt model;
    private final String name;
    private final Provenance provenance;
    private final int batchTokens;

    private GptLM(Gpt model, String name, Provenance provenance) {
        this.model = model;
        this.name = name;
        this.provenance = provenance != null ? provenance
                : Provenance.of("gpt weights (no checkpoint: training not recorded)", model.config(), Map.of(), 0);
        GptConfig c = model.config();
        this.batchTokens = (int) Math.max(c.contextLength(), MAX_BATCH_LOGITS / c.vocabSize());
        for (Parameter p : model.parameters()) {
            p.freeze(true); // inference only: no gradient buffers
        }
    }

    /** A model holding a copy of {@code weights} (its provenance says only its config: no training is recorded). */
    public static GptLM of(GptWeights weights, Device device) {
        return new GptLM(Gpt.create(weights, device), weights.config().shortName(), null);
    }

    /** The same, with a custom name for tables. */
    public static GptLM of(GptWeights weights, Device device, String name) {
        return new GptLM(Gpt.create(weights, device), name, null);
    }

    /** A model holding a copy of {@code weights} that came from where {@code provenance} says (a checkpoint's). */
    public static GptLM of(GptWeights weights, Device device, Provenance provenance) {
        return new GptLM(Gpt.create(weights, device), weights.config().shortName(), provenance);
    }

    /** Where the weights came from: the checkpoint's record when loaded from one. */
    @Override
    public Provenance provenance() {
        return provenance;
    }

    public GptConfig config() {
        return model.config();
    }

    public Device device() {
        return model.device();
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public int contextLength() {
        return model.config().contextLength();
    }

    @Override
    public long inferenceParameters() {
        return model.config().activeParameters(); // an MoE runs only its top-k experts per token
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public float[][] nextTokenLogProbs(List<int[]> contexts) {
        int n = contexts.size();
        int[][] seqs = new int[n][];
        for (int i = 0; i < n; i++) {
            int[] c = contexts.get(i);
            seqs[i] = c.length == 0 ? new int[] {Tokenizer.EOD} : check(c, "context " + i);
        }
        int vocab = vocabSize();
        float[][] out = new float[n][];
        for (int[] batch : batches(seqs, s -> s.length)) {
            int len = seqs[batch[0]].length;
            long[] tokens = new long[batch.length * len];
            long[] last = new long[batch.length];
            for (int r = 0; r < batch.length; r++) {
                int[] s = seqs[batch[r]];
                for (int j = 0; j < s.length; j++) {
                    tokens[r * len + j] = s[j];
                }
                last[r] = (long) r * len + s.length - 1;
            }
            float[] logProbs;
            try (NoGrad ignored = NoGrad.enter(); NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                NDArray hidden = model.hidden(m.create(tokens, new Shape(batch.length, len)), false)
                        .reshape(-1, model.config().width());
                NDArray picked = hidden.get(new NDIndex("{}", m.create(last)));
                logProbs = model.logits(picked).logSoftmax(1).toFloatArray();
                scope.suppressNotUsedWarning();
            }
            for (int r = 0; r < batch.length; r++) {
                out[batch[r]] = Arrays.copyOfRange(logProbs, r * vocab, (r + 1) * vocab);
            }
        }
        return out;
    }

    @Override
    public float[] sequenceLogProbs(int[] tokens) {
        return sequenceLogProbs(List.of(tokens)).get(0);
    }

    @Override
    public List<float[]> sequenceLogProbs(List<int[]> sequences) {
        int n = sequences.size();
        float[][] out = new float[n][];
        List<Integer> scored = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] s = check(sequences.get(i), "sequence " + i);
            if (s.length <= 1) {
                out[i] = new float[0]; // nothing to predict
            } else {
                scored.add(i);
            }
        }
        int[][] seqs = scored.stream().map(sequences::get).toArray(int[][]::new);
        for (int[] batch : batches(seqs, s -> s.length - 1)) {
            int len = seqs[batch[0]].length - 1; // inputs x_0..x_{n-2} predict x_1..x_{n-1}
            long[] inputs = new long[batch.length * len];
            long[] targets = new long[batch.length * len];
            for (int r = 0; r < batch.length; r++) {
                int[] s = seqs[batch[r]];
                for (int j = 0; j < s.length - 1; j++) {
                    inputs[r * len + j] = s[j];
                    targets[r * len + j] = s[j + 1];
                }
            }
            float[] picked;
            try (NoGrad ignored = NoGrad.enter(); NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                Shape shape = new Shape(batch.length, len);
                NDArray logProbs = model.logits(model.hidden(m.create(inputs, shape), false)).logSoftmax(2);
                picked = logProbs.gather(m.create(targets, new Shape(batch.length, len, 1)), 2).toFloatArray();
                scope.suppressNotUsedWarning();
            }
            for (int r = 0; r < batch.length; r++) {
                int scores = seqs[batch[r]].length - 1;
                out[scored.get(batch[r])] = Arrays.copyOfRange(picked, r * len, r * len + scores);
            }
        }
        return Arrays.asList(out);
    }

    /**
     * Few-shot label scoring (methods 1.5) with a key/value cache: the prompt runs once, and every option continues
     * from its cached state, all options in one batch, with logits only where an option's tokens are predicted (the
     * output layer over a large vocabulary is most of a small model's cost).
     */
    @Override
    public double[] optionLogProbs(int[] prompt, List<int[]> options) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("an option is scored after a prompt of at least one token");
        }
        int maxOption = options.stream().mapToInt(o -> o.length).max().orElse(0);
        double[] out = new double[options.size()];
        if (maxOption == 0) {
            return out;
        }
        check(new int[prompt.length + maxOption], "the prompt with its longest option");
        check(prompt, "the prompt");
        int b = options.size();
        int len = maxOption - 1; // option tokens fed after the prompt: all but each option's last
        long[] inputs = new long[b * Math.max(1, len)];
        long[] firstTargets = new long[b];
        List<Long> rows = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            int[] o = check(options.get(r), "option " + r);
            firstTargets[r] = o.length == 0 ? 0 : o[0];
            for (int j = 0; j + 1 < o.length; j++) {
                inputs[r * len + j] = o[j];
                rows.add((long) r * len + j); // the option position that predicts token j + 1
                targets.add((long) o[j + 1]);
                owner.add(r);
            }
        }
        float[] first;
        float[] rest = new float[0];
        try (NoGrad ignored = NoGrad.enter(); NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            long[] p = Arrays.stream(prompt).asLongStream().toArray();
            Gpt.Step cached = model.step(m.create(p, new Shape(1, p.length)), null);
            NDArray last = cached.hidden().get(new NDIndex("0, -1:"));   // (1, width): predicts each option's first token
            first = model.logits(last).logSoftmax(1).reshape(-1).get(new NDIndex("{}", m.create(firstTargets))).toFloatArray();
            if (!rows.isEmpty()) {
                Gpt.Step cont = model.step(m.create(inputs, new Shape(b, len)), cached.cache().repeat(b));
                NDArray hidden = cont.hidden().reshape(-1, model.config().width());
                NDArray selected = hidden.get(new NDIndex("{}", m.create(rows.stream().mapToLong(Long::longValue).toArray())));
                long[] t = targets.stream().mapToLong(Long::longValue).toArray();
                rest = model.logits(selected).logSoftmax(1).gather(m.create(t, new Shape(t.length, 1)), 1).toFloatArray();
            }
            scope.suppressNotUsedWarning();
        }
        for (int r = 0; r < b; r++) {
            out[r] = options.get(r).length == 0 ? 0 : first[r];
        }
        for (int i = 0; i < rest.length; i++) {
            out[owner.get(i)] += rest[i];
        }
        return out;
    }

    private int[] check(int[] s, String what) {
        if (s.length > contextLength()) {
            throw new IllegalArgumentException(what + " has " + s.length + " tokens, more than the context length "
                    + contextLength() + " of " + name + ": truncate it to the context length (methods 1.5)");
        }
        int vocab = vocabSize();
        for (int t : s) {
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException(what + " holds token id " + t + " outside the vocabulary [0, " + vocab + ")");
            }
        }
        return s;
    }

    /**
     * Groups sequence indices into batches of similar length (longest first) whose padded size stays within
     * the token budget. Each batch's first index has its longest sequence.
     */
    private List<int[]> batches(int[][] seqs, java.util.function.ToIntFunction<int[]> length) {
        Integer[] order = IntStream.range(0, seqs.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> length.applyAsInt(seqs[i])).reversed());
        List<int[]> out = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            int len = Math.max(1, length.applyAsInt(seqs[order[start]]));
            int count = Math.max(1, Math.min(order.length - start, batchTokens / len));
            int[] batch = new int[count];
            for (int i = 0; i < count; i++) {
                batch[i] = order[start + i];
            }
            out.add(batch);
            start += count;
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "GptLM[" + model + "]";
    }
}
