package org.cbtm.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cbtm.corpus.Document;
import org.cbtm.corpus.Samples;
import org.cbtm.eval.EvalConfig;
import org.cbtm.text.token.Tokenizer;

/** A small real-text experiment for tests: the committed samples, every fifth document held out. */
final class SampleExperiment {
    private SampleExperiment() {
    }

    static CbtmExperiment in(Path store) {
        List<Document> all = Samples.all();
        List<Document> train = new ArrayList<>();
        List<Document> test = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 5 == 4 ? test : train).add(all.get(i));
        }
        return new CbtmExperiment(train, test, Tokenizer.fullGpt2(), new ArtifactStore(store),
                EvalConfig.defaults().withContextLength(64).withProgress(false));
    }
}
