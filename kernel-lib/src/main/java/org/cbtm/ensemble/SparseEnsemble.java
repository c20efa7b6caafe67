package org.cbtm.ensemble;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.HasProvenance;
import org.cbtm.base.Provenance;
import org.cbtm.eval.EvalSequence;
import org.cbtm.eval.SequenceScorer;
import org.cbtm.lm.LanguageModel;
import org.cbtm.route.LikelihoodRouter;
import org.cbtm.route.Router;
import org.cbtm.route.RoutingWeights;

/**
 * The C-BTM sparse ensemble (methods 1.4): {@code p(x_t | x_<t) = sum_k w_k(x_<t) p_k(x_t | x_<t)}, mixed in
 * probability space with log-sum-exp, the weights coming from a {@link Router}. It is itself a
 * {@link LanguageModel}, so everything that evaluates one model evaluates an ensemble.
 *
 * <p>Truly sparse: for each sequence the router runs first, and an expert runs on that sequence only if some
 * position gives it a non-zero weight (the reference runs every expert and masks). Experts are batched: each one
 * is called once per batch with the sequences that selected it.
 *
 * <p>The ensemble does not own its experts ({@link #close()} leaves them open: several ensembles, e.g. top-1 and
 * top-2, may share them). It is thread-safe when its experts and router are (the routers of this library are).
 */
public final class SparseEnsemble implements LanguageModel, SequenceScorer, HasProvenance {

    /** One scored sequence: the mixed log-probabilities, the weights used, and which experts ran. */
    public record Scored(float[] logProbs, RoutingWeights weights, boolean[] ran, double parametersPerToken) {
        /** Number of experts that ran on this sequence. */
        public int expertsRun() {
            int n = 0;
            for (boolean b : ran) {
                n += b ? 1 : 0;
            }
            return n;
        }
    }

    /**
     * Where the time went since the last {@link #resetStats()}: {@code positions} scored, {@code expertPositions}
     * = positions scored by experts (summed over experts that ran), seconds in the router, in the experts and in
     * the mixing; {@code parameterTokens} = sum over positions of the parameters that ran for it.
     */
    public record Stats(long sequences, long positions, long expertPositions, double routerSeconds,
                        double expertSeconds, double mixSeconds, double parameterTokens) {
        /** The router's share of the total time. */
        public double routerShare() {
            double total = routerSeconds + expertSeconds + mixSeconds;
            return total == 0 ? 0 : routerSeconds / total;
        }

        /** Mean number of experts run per scored position. */
        public double expertsPerPosition() {
            return positions == 0 ? 0 : (double) expertPositions / positions;
        }

        /** Mean parameters that ran per predicted token (the measured inference parameters). */
        public double parametersPerToken() {
            return positions == 0 ? 0 : parameterTokens / positions;
        }
    }

    private final List<LanguageModel> experts;
    private final Router router;
    private final String name;
    private final int vocab;
    private final int context;
    private final long[] expertParams;
    private final String created = java.time.Instant.now().toString();

    private final LongAdder sequences = new LongAdder();
    private final LongAdder positions = new LongAdder();
    private final LongAdder expertPositions = new LongAdder();
    private final LongAdder routerNanos = new LongAdder();
    private final LongAdder expertNanos = new LongAdder();
    private final LongAdder mixNanos = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder parameterTokens = new java.util.concurrent.atomic.DoubleAdder();

    /** An ensemble of {@code experts} (one per cluster, in cluster order) routed by {@code router}. */
    public SparseEnsemble(List<? extends LanguageModel> experts, Router router) {
        this(experts, router, null);
    }

    /** As {@link #SparseEnsemble(List, Router)} with a display name (null: a generated one). */
    public SparseEnsemble(List<? extends LanguageModel> experts, Router router, String name) {
        Objects.requireNonNull(experts, "experts");
        this.router = Objects.requireNonNull(router, "router");
        if (experts.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one expert");
        }
        if (router.numExperts() != experts.size()) {
            throw new IllegalArgumentException("the router routes over " + router.numExperts() + " experts but "
                    + experts.size() + " were given");
        }
        this.experts = List.copyOf(experts);
        this.vocab = this.experts.get(0).vocabSize();
        int ctx = Integer.MAX_VALUE;
        this.expertParams = new long[this.experts.size()];
        for (int k = 0; k < this.experts.size(); k++) {
            LanguageModel e = this.experts.get(k);
            if (e.vocabSize() != vocab) {
                throw new IllegalArgumentException("expert " + k + " (" + e.name() + ") has vocabulary " + e.vocabSize()
                        + ", expert 0 has " + vocab + ": every expert must share the tokenizer");
            }
            ctx = Math.min(ctx, e.contextLength());
            expertParams[k] = e.inferenceParameters();
        }
        this.context = ctx;
        String kept = router.maxActiveExperts() >= this.experts.size() ? "all" : "top-" + router.maxActiveExperts();
        this.name = name != null ? name : "ensemble " + kept + " of " + this.experts.size() + " (" + router.name() + ")";
    }

    public List<LanguageModel> experts() {
        return experts;
    }

    /**
     * Where the ensemble came from: kind "sparse ensemble"; config the router's description, its top-k and the
     * number of experts; inputs the provenance fingerprint ({@link Provenance#fingerprint()}) of each expert (and of
     * the router, when it has one), or "none recorded: NAME" for a model without provenance; seed 0; created when
     * the ensemble was built.
     */
    @Override
    public Provenance provenance() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("router", router.name());
        config.put("topK", router.maxActiveExperts());
        config.put("experts", experts.size());
        Map<String, String> inputs = new LinkedHashMap<>();
        int width = Integer.toString(experts.size() - 1).length();
        for (int k = 0; k < experts.size(); k++) {
            LanguageModel e = experts.get(k);
            // zero-padded, so that the inputs (sorted by name) list the experts in cluster order
            inputs.put("expert " + String.format("%0" + width + "d", k), e instanceof HasProvenance h
                    ? h.provenance().fingerprint() : "none recorded: " + e.name());
        }
        if (router instanceof HasProvenance h) {
            inputs.put("router", h.provenance().fingerprint());
        }
        return new Provenance("sparse ensemble", CanonicalJson.of(config), inputs, 0,
                Provenance.currentLibraryVersion(), created);
    }

    public Router router() {
        return router;
    }

    /** The same experts under another router (e.g. another top-k or temperature). */
    public SparseEnsemble withRouter(Router other) {
        return new SparseEnsemble(experts, other);
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    /** The shortest context length of the experts. */
    @Override
    public int contextLength() {
        return context;
    }

    /**
     * Parameters per token (methods 6): the router's plus those of the {@code maxActiveExperts()} largest experts
     * (with experts of one size, top-k times the expert's). {@link Stats#parametersPerToken()} gives what ran.
     */
    @Override
    public long inferenceParameters() {
        long[] sorted = expertParams.clone();
        Arrays.sort(sorted);
        long sum = router.inferenceParameters();
        for (int i = 0; i < Math.min(router.maxActiveExperts(), sorted.length); i++) {
            sum += sorted[sorted.length - 1 - i];
        }
        return sum;
    }

    @Override
    public String name() {
        return name;
    }

    // ------------------------------------------------------------------ scoring sequences

    /** Scores one sequence (its labels reach the router). */
    public Scored score(EvalSequence sequence) {
        return score(List.of(sequence)).get(0);
    }

    /**
     * Scores sequences: route each, run each expert once on the sequences that selected it, mix. A
     * {@link LikelihoodRouter} (BTM's domain posterior) needs every expert's scores of the prefix: then every expert
     * runs on every sequence first, and the router gets their scores (its time is the posterior alone).
     */
    public List<Scored> score(List<EvalSequence> batch) {
        if (router instanceof LikelihoodRouter lr) {
            return scoreByLikelihood(batch, lr);
        }
        int n = batch.size();
        int k = experts.size();
        long t0 = System.nanoTime();
        RoutingWeights[] weights = new RoutingWeights[n];
        boolean[][] ran = new boolean[n][];
        for (int i = 0; i < n; i++) {
            weights[i] = router.route(batch.get(i));
            if (weights[i].positions() != batch.get(i).positions() || weights[i].numExperts() != k) {
                throw new IllegalStateException("router " + router.name() + " gave " + weights[i].positions() + " x "
                        + weights[i].numExperts() + " weights for " + batch.get(i).positions() + " positions and "
                        + k + " experts");
            }
            ran[i] = weights[i].selected();
        }
        long t1 = System.nanoTime();
        float[][][] expertLp = new float[k][][];
        long expertPos = 0;
        for (int j = 0; j < k; j++) {
            if (experts.get(j).scoresPositionsSparsely()) {
                expertPos += scoreSelectedPositions(j, batch, weights, ran, expertLp);
                continue;
            }
            List<int[]> mine = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (ran[i][j]) {
                    mine.add(batch.get(i).tokens());
                }
            }
            if (mine.isEmpty()) {
                continue;
            }
            // one sequence: the plain call (a model's batched form may fork work to other threads)
            List<float[]> lp = mine.size() == 1 ? List.of(experts.get(j).sequenceLogProbs(mine.get(0)))
                    : experts.get(j).sequenceLogProbs(mine);
            expertLp[j] = new float[n][];
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (ran[i][j]) {
                    float[] s = checked(j, lp.get(m++), batch.get(i));
                    expertLp[j][i] = s;
                    expertPos += s.length;
                }
            }
        }
        long t2 = System.nanoTime();
        List<Scored> out = new ArrayList<>(n);
        long pos = 0;
        double paramTokens = 0;
        for (int i = 0; i < n; i++) {
            float[][] lp = new float[k][];
            for (int j = 0; j < k; j++) {
                lp[j] = expertLp[j] == null ? null : expertLp[j][i];
            }
            float[] mixed = mix(weights[i], lp);
            double params = parametersUsed(weights[i]);
            int rows = weights[i].positions();
            pos += rows;
            paramTokens += params * rows;
            out.add(new Scored(mixed, weights[i], ran[i], params));
        }
        long t3 = System.nanoTime();
        sequences.add(n);
        positions.add(pos);
        expertPositions.add(expertPos);
        routerNanos.add(t1 - t0);
        expertNanos.add(t2 - t1);
        mixNanos.add(t3 - t2);
        parameterTokens.add(paramTokens);
        return out;
    }

    /** Expert {@code j}'s scores of {@code seq}, refused unless there is one per predicted position. */
    private float[] checked(int j, float[] scores, EvalSequence seq) {
        if (scores.length != seq.positions()) {
            throw new IllegalStateException("expert " + j + " (" + experts.get(j).name() + ") gave " + scores.length
                    + " scores for " + seq.length() + " tokens, expected " + seq.positions());
        }
        return scores;
    }

    /** {@link #score(List)} for a router that weighs the experts by their own scores of the prefix. */
    private List<Scored> scoreByLikelihood(List<EvalSequence> batch, LikelihoodRouter lr) {
        int n = batch.size();
        int k = experts.size();
        long t0 = System.nanoTime();
        List<int[]> tokens = batch.stream().map(EvalSequence::tokens).toList();
        float[][][] expertLp = new float[k][n][];
        long expertPos = 0;
        for (int j = 0; j < k; j++) {
            List<float[]> lp = n == 1 ? List.of(experts.get(j).sequenceLogProbs(tokens.get(0)))
                    : experts.get(j).sequenceLogProbs(tokens);
            for (int i = 0; i < n; i++) {
                float[] s = checked(j, lp.get(i), batch.get(i));
                expertLp[j][i] = s;
                expertPos += s.length;
            }
        }
        long t1 = System.nanoTime();
        RoutingWeights[] weights = new RoutingWeights[n];
        for (int i = 0; i < n; i++) {
            float[][] lp = new float[k][];
            for (int j = 0; j < k; j++) {
                lp[j] = expertLp[j][i];
            }
            weights[i] = lr.route(batch.get(i), lp);
            if (weights[i].positions() != batch.get(i).positions() || weights[i].numExperts() != k) {
                throw new IllegalStateException("router " + router.name() + " gave " + weights[i].positions() + " x "
                        + weights[i].numExperts() + " weights for " + batch.get(i).positions() + " positions and "
                        + k + " experts");
            }
        }
        long t2 = System.nanoTime();
        List<Scored> out = new ArrayList<>(n);
        long pos = 0;
        double paramTokens = 0;
        boolean[] all = new boolean[k];
        Arrays.fill(all, true);
        for (int i = 0; i < n; i++) {
            float[][] lp = new float[k][];
            for (int j = 0; j < k; j++) {
                lp[j] = expertLp[j][i];
            }
            float[] mixed = mix(weights[i], lp);
            double params = parametersUsed(weights[i]);
            int rows = weights[i].positions();
            pos += rows;
            paramTokens += params * rows;
            out.add(new Scored(mixed, weights[i], all.clone(), params));
        }
        long t3 = System.nanoTime();
        sequences.add(n);
        positions.add(pos);
        expertPositions.add(expertPos);
        expertNanos.add(t1 - t0);
        routerNanos.add(t2 - t1);
        mixNanos.add(t3 - t2);
        parameterTokens.add(paramTokens);
        return out;
    }

    /**
     * Expert {@code j} scores only the positions whose weights select it (for models where that costs less than
     * the whole sequence); returns the number of positions scored.
     */
    private long scoreSelectedPositions(int j, List<EvalSequence> batch, RoutingWeights[] weights, boolean[][] ran,
                                        float[][][] expertLp) {
        long scored = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (!ran[i][j]) {
                continue;
            }
            RoutingWeights w = weights[i];
            boolean[] mask = new boolean[w.positions()];
            for (int t = 0; t < mask.length; t++) {
                if (w.get(t, j) > 0) {
                    mask[t] = true;
                    scored++;
                }
            }
            if (expertLp[j] == null) {
                expertLp[j] = new float[batch.size()][];
            }
            float[] s = experts.get(j).sequenceLogProbs(batch.get(i).tokens(), mask);
            if (s.length != mask.length) {
                throw new IllegalStateException("expert " + j + " (" + experts.get(j).name() + ") gave " + s.length
                        + " scores for " + batch.get(i).length() + " tokens, expected " + mask.length);
            }
            expertLp[j][i] = s;
        }
        return scored;
    }

    /**
     * {@code log sum_k w[t][k] exp(lp[k][t])} at every position, in double, over the experts with weight > 0:
     * {@code m + log sum_k w_k exp(lp_k - m)} with m the largest selected {@code lp_k}. The sum is at least the
     * weight of that expert, so it cannot underflow to zero; a position with a single selected expert (weight 1)
     * is that expert's score, with no exp or log.
     */
    static float[] mix(RoutingWeights w, float[][] lp) {
        int rows = w.positions();
        int k = w.numExperts();
        double[] wd = w.data();
        float[] out = new float[rows];
        for (int t = 0; t < rows; t++) {
            int o = t * k;
            double max = Double.NEGATIVE_INFINITY;
            int active = 0;
            int last = -1;
            for (int j = 0; j < k; j++) {
                if (wd[o + j] > 0) {
                    active++;
                    last = j;
                    if (lp[j][t] > max) {
                        max = lp[j][t];
                    }
                }
            }
            if (active == 1 && wd[o + last] == 1.0) {
                out[t] = lp[last][t];
                continue;
            }
            if (max == Double.NEGATIVE_INFINITY) {
                out[t] = Float.NEGATIVE_INFINITY; // every selected expert gives the token probability 0
                continue;
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double wt = wd[o + j];
                if (wt > 0) {
                    sum += wt * Math.exp(lp[j][t] - max);
                }
            }
            out[t] = (float) (max + Math.log(sum));
        }
        return out;
    }

    /** Mean over positions of the parameters that run for one token: the router's plus the selected experts'. */
    private double parametersUsed(RoutingWeights w) {
        int rows = w.positions();
        if (rows == 0) {
            return router.inferenceParameters();
        }
        double s = 0;
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < w.numExperts(); j++) {
                if (w.get(t, j) > 0) {
                    s += expertParams[j];
                }
            }
        }
        return router.inferenceParameters() + s / rows;
    }

    @Override
    public List<float[]> scoreSequences(List<EvalSequence> batch) {
        return score(batch).stream().map(Scored::logProbs).toList();
    }

    @Override
    public float[] sequenceLogProbs(int[] tokens) {
        return score(EvalSequence.of(tokens)).logProbs();
    }

    @Override
    public List<float[]> sequenceLogProbs(List<int[]> batch) {
        return scoreSequences(batch.stream().map(EvalSequence::of).toList());
    }

    // ------------------------------------------------------------------ continuations (few-shot scoring)

    /**
     * {@code log sum_k w_k p_k(option | prompt)} with one weight vector from the whole prompt
     * ({@link Router#nextWeights}): how methods 1.5 scores a few-shot label, a mixture of whole continuations rather
     * than of each token. Each selected expert scores {@code prompt + option} once.
     */
    public double continuationLogProb(EvalSequence prompt, int[] option) {
        if (option.length == 0) {
            return 0;
        }
        if (prompt.length() == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token (the first is never predicted)");
        }
        double[] w = router.nextWeights(prompt);
        int[] joined = Arrays.copyOf(prompt.tokens(), prompt.length() + option.length);
        System.arraycopy(option, 0, joined, prompt.length(), option.length);
        int from = prompt.length() - 1; // score of option[0] is at position prompt.length(), index - 1
        double max = Double.NEGATIVE_INFINITY;
        double[] lp = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            if (w[j] > 0) {
                float[] s = experts.get(j).sequenceLogProbs(joined);
                double sum = 0;
                for (int t = from; t < s.length; t++) {
                    sum += s[t];
                }
                lp[j] = sum;
                max = Math.max(max, sum);
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        double total = 0;
        for (int j = 0; j < w.length; j++) {
            if (w[j] > 0) {
                total += w[j] * Math.exp(lp[j] - max);
            }
        }
        return max + Math.log(total);
    }

    // ------------------------------------------------------------------ next-token distributions

    /**
     * The mixed next-token distribution after each context, with the weights {@link Router#nextWeights} gives for
     * that context; each expert runs once, on the contexts that select it.
     */
    @Override
    public float[][] nextTokenLogProbs(List<int[]> contexts) {
        int n = contexts.size();
        int k = experts.size();
        double[][] w = new double[n][];
        for (int i = 0; i < n; i++) {
            w[i] = router.nextWeights(EvalSequence.of(contexts.get(i)));
        }
        double[][] max = new double[n][];
        double[][] sum = new double[n][];
        // two passes over the experts would keep all K distributions alive; instead keep a running log-sum-exp
        for (int j = 0; j < k; j++) {
            List<int[]> mine = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (w[i][j] > 0) {
                    mine.add(contexts.get(i));
                }
            }
            if (mine.isEmpty()) {
                continue;
            }
            float[][] lp = experts.get(j).nextTokenLogProbs(mine);
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (w[i][j] <= 0) {
                    continue;
                }
                float[] row = lp[m++];
                if (row.length != vocab) {
                    throw new IllegalStateException("expert " + j + " gave a distribution over " + row.length
                            + " tokens, expected " + vocab);
                }
                if (max[i] == null) {
                    max[i] = new double[vocab];
                    sum[i] = new double[vocab];
                    Arrays.fill(max[i], Double.NEGATIVE_INFINITY);
                }
                double lw = Math.log(w[i][j]);
                double[] mx = max[i];
                double[] sm = sum[i];
                for (int v = 0; v < vocab; v++) {
                    double a = lw + row[v];
                    if (a == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    if (a > mx[v]) {
                        sm[v] = sm[v] * Math.exp(mx[v] - a) + 1;
                        mx[v] = a;
                    } else {
                        sm[v] += Math.exp(a - mx[v]);
                    }
                }
            }
        }
        float[][] out = new float[n][vocab];
        for (int i = 0; i < n; i++) {
            if (max[i] == null) {
                throw new IllegalStateException("router " + router.name() + " selected no expert for context " + i);
            }
            for (int v = 0; v < vocab; v++) {
                out[i][v] = max[i][v] == Double.NEGATIVE_INFINITY ? Float.NEGATIVE_INFINITY
                        : (float) (max[i][v] + Math.log(sum[i][v]));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ statistics

    public Stats stats() {
        return new Stats(sequences.sum(), positions.sum(), expertPositions.sum(), routerNanos.sum() / 1e9,
                expertNanos.sum() / 1e9, mixNanos.sum() / 1e9, parameterTokens.sum());
    }

    public void resetStats() {
        sequences.reset();
        positions.reset();
        expertPositions.reset();
        routerNanos.reset();
        expertNanos.reset();
        mixNanos.reset();
        parameterTokens.reset();
    }

    @Override
    public String toString() {
        return name;
    }
}
