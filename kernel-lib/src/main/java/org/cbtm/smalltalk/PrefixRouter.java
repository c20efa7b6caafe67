package org.cbtm.smalltalk;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import org.cbtm.eval.EvalSequence;
import org.cbtm.route.Router;
import org.cbtm.route.RoutingWeights;

/**
 * SmallTalk's hard, sequence-level routing (methods 3): a {@link PrefixScorer} reads the first M tokens of a
 * sequence and the sequence goes to the argmax expert (ties: the lower index), weight 1; no balancing at inference.
 * {@link #route(int[])} is the choice itself; {@link #route(EvalSequence)} gives the weights in the form of
 * {@link PrefixForm} (the causal default keeps the {@link Router} contract). Nothing after token M is read.
 *
 * <p>The router counts its cost ({@link #cost()}): the sequences routed, the tokens its scorers read, the seconds.
 * {@link org.cbtm.ensemble.SparseEnsemble} runs only the experts a sequence's weights select: with the
 * whole-sequence form exactly one, with the causal form one from position M on.
 */
public final class PrefixRouter implements Router {
    private final PrefixScorer scorer;
    private final int prefixLength;
    private final PrefixForm form;
    private final LongAdder sequences = new LongAdder();
    private final LongAdder tokens = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    /**
     * @param scorer       scores the experts from a prefix
     * @param prefixLength M, the tokens read (at least 1)
     * @param form         how positions inside the prefix are routed
     */
    public PrefixRouter(PrefixScorer scorer, int prefixLength, PrefixForm form) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.form = Objects.requireNonNull(form, "form");
        if (prefixLength < 1) {
            throw new IllegalArgumentException("the routing prefix M must be at least 1 token, got " + prefixLength);
        }
        if (scorer.numExperts() < 2) {
            throw new IllegalArgumentException("a prefix router needs E >= 2 experts, got " + scorer.numExperts());
        }
        this.prefixLength = prefixLength;
    }

    public PrefixScorer scorer() {
        return scorer;
    }

    public int prefixLength() {
        return prefixLength;
    }

    public PrefixForm form() {
        return form;
    }

    /** The same scorer with another prefix length (its cost counters are its own). */
    public PrefixRouter withPrefixLength(int m) {
        return new PrefixRouter(scorer, m, form);
    }

    public PrefixRouter withForm(PrefixForm f) {
        return new PrefixRouter(scorer, prefixLength, f);
    }

    /** The expert of a sequence: the argmax of the scores of its first {@code min(M, n)} tokens. */
    public int route(int[] tokens) {
        int[] prefix = prefix(tokens);
        if (prefix.length == 0) {
            return 0;
        }
        double[][] running = score(prefix);
        return argmax(running[running.length - 1]);
    }

    @Override
    public int numExperts() {
        return scorer.numExperts();
    }

    @Override
    public int maxActiveExperts() {
        return 1;
    }

    @Override
    public RoutingWeights route(EvalSequence sequence) {
        int[] t = sequence.tokens();
        int rows = sequence.positions();
        int e = scorer.numExperts();
        double[] w = new double[rows * e];
        if (rows == 0) {
            return new RoutingWeights(0, e, w);
        }
        int[] prefix = prefix(t);
        double[][] running = score(prefix);
        int last = argmax(running[running.length - 1]);
        for (int r = 0; r < rows; r++) {
            // row r predicts token r + 1 from tokens[0..r]; the causal form uses the scores of those tokens only
            int expert = form == PrefixForm.WHOLE_SEQUENCE || r >= prefix.length - 1 ? last : argmax(running[r]);
            w[r * e + expert] = 1;
        }
        return new RoutingWeights(rows, e, w);
    }

    /** The weights for the token after {@code context}: its expert (the context is the prefix read so far). */
    @Override
    public double[] nextWeights(EvalSequence context) {
        double[] w = new double[scorer.numExperts()];
        w[route(context.tokens())] = 1;
        return w;
    }

    /** Every router runs on the prefix (methods 6: one expert plus the routers). */
    @Override
    public long inferenceParameters() {
        return scorer.parameters();
    }

    @Override
    public String name() {
        return scorer.name() + ", M = " + prefixLength + (form == PrefixForm.CAUSAL ? "" : ", " + form.label());
    }

    /** The routing cost since the last {@link #resetCost()}. */
    public RoutingCost cost() {
        return new RoutingCost(sequences.sum(), tokens.sum(), nanos.sum() / 1e9);
    }

    public void resetCost() {
        sequences.reset();
        tokens.reset();
        nanos.reset();
    }

    private int[] prefix(int[] tokens) {
        return tokens.length <= prefixLength ? tokens : Arrays.copyOf(tokens, prefixLength);
    }

    private double[][] score(int[] prefix) {
        long t0 = System.nanoTime();
        double[][] running = scorer.runningScores(prefix);
        if (running.length != prefix.length) {
            throw new IllegalStateException(scorer.name() + " gave " + running.length + " rows for a prefix of "
                    + prefix.length + " tokens");
        }
        nanos.add(System.nanoTime() - t0);
        sequences.increment();
        tokens.add(scorer.tokensScored(prefix.length));
        return running;
    }

    static int argmax(double[] s) {
        int b = 0;
        for (int j = 1; j < s.length; j++) {
            if (s[j] > s[b]) {
                b = j;
            }
        }
        return b;
    }
}
