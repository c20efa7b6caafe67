package org.cbtm.smalltalk;

import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.gpt.Devices;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptLM;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.Trainer;

/**
 * Small transformer routers, as in the paper (about 1% of an expert's size there). Each round trains router e from
 * a fresh initialisation (seeded) on the prefixes of part e for {@code training.tokenBudget()} tokens, with the
 * prefixes packed into blocks of {@code training.blockLength()} tokens (use M), so the loss is on prefix tokens only.
 * The paper keeps training the same router across rounds with a constant learning rate after warmup; restarting
 * each round is this library's simplification (give the training a constant schedule to match the paper's rate).
 *
 * @param model    the router's architecture (the experts' vocabulary)
 * @param training its optimiser and budget per router and round
 */
public record TransformerRouters(GptConfig model, TrainConfig training) implements RouterKind {

    public TransformerRouters {
        if (model == null || training == null) {
            throw new IllegalArgumentException("transformer routers need a GptConfig and a TrainConfig");
        }
        if (training.blockLength() > model.contextLength()) {
            throw new IllegalArgumentException("router block length " + training.blockLength()
                    + " exceeds the router's context length " + model.contextLength());
        }
    }

    @Override
    public String name() {
        return "gpt-" + model.layers() + "l" + model.width() + "d";
    }

    @Override
    public LanguageModel train(TokenShard prefixes, long seed) {
        try (Trainer t = Trainer.start(model, training.withSeed(seed), prefixes, null)) {
            t.showProgress(false).run();
            return GptLM.of(t.checkpoint().weights(), Devices.best(), "router " + name());
        }
    }
}
