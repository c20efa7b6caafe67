package org.cbtm.btm;

import java.util.List;

import org.cbtm.lm.LanguageModel;

/** A test model with a fixed unigram distribution: {@code log p(x_t | x_<t) = log u[x_t]} whatever the prefix. */
final class UnigramModel implements LanguageModel {
    private final double[] u;
    private final String name;
    int sequenceCalls;

    UnigramModel(String name, double... weights) {
        double s = 0;
        for (double w : weights) {
            s += w;
        }
        this.u = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            u[i] = weights[i] / s;
        }
        this.name = name;
    }

    double logProb(int token) {
        return Math.log(u[token]);
    }

    @Override
    public int vocabSize() {
        return u.length;
    }

    @Override
    public int contextLength() {
        return Integer.MAX_VALUE;
    }

    @Override
    public long inferenceParameters() {
        return u.length;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public float[][] nextTokenLogProbs(List<int[]> contexts) {
        float[][] out = new float[contexts.size()][u.length];
        for (float[] row : out) {
            for (int x = 0; x < u.length; x++) {
                row[x] = (float) Math.log(u[x]);
            }
        }
        return out;
    }

    @Override
    public synchronized float[] sequenceLogProbs(int[] tokens) {
        sequenceCalls++;
        float[] out = new float[Math.max(0, tokens.length - 1)];
        for (int i = 1; i < tokens.length; i++) {
            out[i - 1] = (float) Math.log(u[tokens[i]]);
        }
        return out;
    }
}
