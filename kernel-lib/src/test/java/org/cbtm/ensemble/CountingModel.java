package org.cbtm.ensemble;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.cbtm.lm.LanguageModel;

/** Wraps a model and counts the sequences and contexts it is asked to score (to check that sparsity is real). */
public final class CountingModel implements LanguageModel {
    private final LanguageModel inner;
    public final AtomicLong sequences = new AtomicLong();
    public final AtomicLong contexts = new AtomicLong();

    public CountingModel(LanguageModel inner) {
        this.inner = inner;
    }

    @Override
    public int vocabSize() {
        return inner.vocabSize();
    }

    @Override
    public int contextLength() {
        return inner.contextLength();
    }

    @Override
    public long inferenceParameters() {
        return inner.inferenceParameters();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public float[][] nextTokenLogProbs(List<int[]> ctx) {
        contexts.addAndGet(ctx.size());
        return inner.nextTokenLogProbs(ctx);
    }

    @Override
    public float[] sequenceLogProbs(int[] tokens) {
        sequences.incrementAndGet();
        return inner.sequenceLogProbs(tokens);
    }
}
