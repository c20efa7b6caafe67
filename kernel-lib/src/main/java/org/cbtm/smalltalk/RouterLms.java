package org.cbtm.smalltalk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.cbtm.lm.LanguageModel;

/**
 * SmallTalk's E router LMs (methods 3): router e scores a prefix with
 * {@code score_e = sum_{s<M} log p(x_{s+1} | x_1..s; router_e)}, and the sequence goes to the argmax. The routers
 * belong to this object ({@link #close} closes them).
 */
public final class RouterLms implements PrefixScorer, AutoCloseable {
    private final List<LanguageModel> routers;
    private final String kind;

    /** Routers in expert order; {@code kind} names them in tables ("kn2"). */
    public RouterLms(List<? extends LanguageModel> routers, String kind) {
        Objects.requireNonNull(routers, "routers");
        if (routers.size() < 2) {
            throw new IllegalArgumentException("SmallTalk routes over E >= 2 experts, got " + routers.size() + " routers");
        }
        this.routers = List.copyOf(routers);
        this.kind = kind == null ? routers.get(0).name() : kind;
        int v = this.routers.get(0).vocabSize();
        for (LanguageModel r : this.routers) {
            if (r.vocabSize() != v) {
                throw new IllegalArgumentException("every router must share the vocabulary: " + r.name() + " has "
                        + r.vocabSize() + ", router 0 has " + v);
            }
        }
    }

    public List<LanguageModel> routers() {
        return routers;
    }

    @Override
    public int numExperts() {
        return routers.size();
    }

    /**
     * The summed log-probabilities of each prefix under each router: {@code [i][e]} for prefix i (the prefixes'
     * first tokens are not predicted; a one-token prefix scores 0). Each router runs once over the batch.
     */
    public double[][] sums(List<int[]> prefixes) {
        int n = prefixes.size();
        double[][] out = new double[n][routers.size()];
        List<int[]> scorable = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (prefixes.get(i).length >= 2) {
                scorable.add(prefixes.get(i));
                where.add(i);
            }
        }
        if (scorable.isEmpty()) {
            return out;
        }
        for (int e = 0; e < routers.size(); e++) {
            List<float[]> lp = routers.get(e).sequenceLogProbs(scorable);
            for (int j = 0; j < lp.size(); j++) {
                double s = 0;
                for (float v : lp.get(j)) {
                    s += v;
                }
                out[where.get(j)][e] = s;
            }
        }
        return out;
    }

    @Override
    public double[][] runningScores(int[] prefix) {
        int e = routers.size();
        double[][] out = new double[prefix.length][e];
        if (prefix.length < 2) {
            return out;
        }
        for (int j = 0; j < e; j++) {
            float[] lp = routers.get(j).sequenceLogProbs(prefix);
            double s = 0;
            for (int l = 1; l < prefix.length; l++) {
                s += lp[l - 1];
                out[l][j] = s;
            }
        }
        return out;
    }

    /** Every router reads the whole prefix. */
    @Override
    public long tokensScored(int length) {
        return (long) routers.size() * length;
    }

    @Override
    public long parameters() {
        long p = 0;
        for (LanguageModel r : routers) {
            p += r.inferenceParameters();
        }
        return p;
    }

    @Override
    public String name() {
        return "router LMs " + kind;
    }

    @Override
    public void close() {
        for (LanguageModel r : routers) {
            r.close();
        }
    }
}
