package org.cbtm.lm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Samples text from any {@link LanguageModel} (an expert, an ensemble, a dense model) through
 * {@link LanguageModel#nextTokenLogProbs}: temperature, nucleus (top-p) truncation, a seed. It stops at the
 * end-of-document token (id 0) or after {@code maxNewTokens}; a context longer than the model's is cut from the left.
 *
 * @param temperature  divides the log-probabilities before sampling (> 0; small is nearly greedy)
 * @param topP         keeps the most probable tokens whose probabilities sum to at least this (0 < p <= 1)
 * @param maxNewTokens the most tokens generated
 * @param seed         the same seed, model and prompt give the same text
 */
public record Sampler(double temperature, double topP, int maxNewTokens, long seed) {

    public Sampler {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0 (use a small value such as 0.01 for nearly "
                    + "greedy decoding), got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
    }

    /** Temperature 1, top-p 0.9, 40 tokens, seed 0. */
    public static Sampler defaults() {
        return new Sampler(1.0, 0.9, 40, 0);
    }

    public Sampler withTemperature(double t) {
        return new Sampler(t, topP, maxNewTokens, seed);
    }

    public Sampler withTopP(double p) {
        return new Sampler(temperature, p, maxNewTokens, seed);
    }

    public Sampler withMaxNewTokens(int n) {
        return new Sampler(temperature, topP, n, seed);
    }

    public Sampler withSeed(long s) {
        return new Sampler(temperature, topP, maxNewTokens, s);
    }

    /** The generated tokens after {@code prompt} (the prompt itself not included). */
    public int[] generate(LanguageModel lm, int[] prompt) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> context = new ArrayList<>(Arrays.stream(prompt).boxed().toList());
        int[] out = new int[maxNewTokens];
        int n = 0;
        int limit = lm.contextLength();
        while (n < maxNewTokens) {
            int from = Math.max(0, context.size() - limit);
            int[] ctx = context.subList(from, context.size()).stream().mapToInt(Integer::intValue).toArray();
            int next = draw(lm.nextTokenLogProbs(List.of(ctx))[0], rnd);
            out[n++] = next;
            if (next == 0) {
                break; // the end of a document
            }
            context.add(next);
        }
        return Arrays.copyOf(out, n);
    }

    /** One token from log-probabilities: tempered, cut to the nucleus, renormalised. */
    int draw(float[] logProbs, SplittableRandom rnd) {
        int v = logProbs.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float lp : logProbs) {
            max = Math.max(max, lp);
        }
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp((logProbs[i] - max) / temperature);
            sum += p[i];
        }
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        final double[] probs = p;
        // most probable first; ties by id, so the order (and the draw) is deterministic
        Arrays.sort(order, (a, b) -> probs[a] != probs[b] ? Double.compare(probs[b], probs[a]) : Integer.compare(a, b));
        double kept = 0;
        int cut = 0;
        while (cut < v && (cut == 0 || kept < topP * sum)) {
            kept += p[order[cut++]];
        }
        double u = rnd.nextDouble() * kept;
        for (int i = 0; i < cut; i++) {
            u -= p[order[i]];
            if (u < 0) {
                return order[i];
            }
        }
        return order[cut - 1];
    }
}
