package org.cbtm.fewshot;

import java.util.List;
import java.util.Objects;

import org.cbtm.eval.EvalSequence;
import org.cbtm.lm.LanguageModel;

/**
 * One language model's option scores: {@link LanguageModel#optionLogProbs}, the summed log-probability of each
 * option's tokens after the prompt (a model with a key/value cache runs the prompt once).
 */
public final class ModelScorer implements OptionScorer {

    private final LanguageModel model;
    private final String name;

    public ModelScorer(LanguageModel model) {
        this(model, null);
    }

    /** With a display name (null: the model's). */
    public ModelScorer(LanguageModel model, String name) {
        this.model = Objects.requireNonNull(model, "model");
        this.name = name != null ? name : model.name();
    }

    public LanguageModel model() {
        return model;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int vocabSize() {
        return model.vocabSize();
    }

    @Override
    public int contextLength() {
        return model.contextLength();
    }

    @Override
    public OptionScores score(EvalSequence prompt, List<int[]> options) {
        double[] lp = model.optionLogProbs(prompt.tokens(), options);
        if (lp.length != options.size()) {
            throw new IllegalStateException(model.name() + " scored " + lp.length + " of " + options.size() + " options");
        }
        return OptionScores.of(lp);
    }

    @Override
    public String toString() {
        return name;
    }
}
