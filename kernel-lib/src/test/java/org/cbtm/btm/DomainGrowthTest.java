package org.cbtm.btm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.CountingCorpus;
import org.cbtm.train.TestThreads;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TrainJob;
import org.cbtm.train.TransformerExperts;

import tech.tablesaw.api.Table;

class DomainGrowthTest {

    @BeforeAll
    static void oneThread() {
        TestThreads.single();
    }

    @Test
    void growsFromEachInitAndRecordsTheCurvesFromStepZero(@TempDir Path dir) {
        GptConfig model = new GptConfig(24, 1, 16, 2, 16, 0.0);
        TransformerExperts kind = new TransformerExperts(model,
                TrainConfig.reference(8 * 16 * 8, 8, 16, 3e-3).withEval(0, 64), 8 * 16 * 8);
        Path all = CountingCorpus.of(40, 1, 24).save(dir.resolve("all.bin"));
        Path a = CountingCorpus.of(30, 2, 24).save(dir.resolve("a.bin"));
        Path b = CountingCorpus.of(30, 3, 24).save(dir.resolve("b.bin"));
        Path fresh = CountingCorpus.of(30, 4, 24).save(dir.resolve("new.bin"));
        Path freshValid = CountingCorpus.of(10, 5, 24).save(dir.resolve("new-valid.bin"));
        Path seed = kind.trainSeed(all, null, dir.resolve("seed"));
        Path elmA = new TrainJob(model, kind.forBudget(8 * 16 * 4), a, null, seed, dir.resolve("elm-a")).run(false).checkpoint();
        Path elmB = new TrainJob(model, kind.forBudget(8 * 16 * 4), b, null, seed, dir.resolve("elm-b")).run(false).checkpoint();
        CachedPrior posterior = new CachedPrior(new double[] {0.25, 0.75}, 10, 2, 0.3, PosteriorForm.PREFIX, 0);
        GrowthContext context = new GrowthContext(seed, List.of(elmA, elmB), posterior);
        List<ElmInit> inits = List.of(new ElmInit.FromSeed(), new ElmInit.FromNearest(), new ElmInit.FromWeightedAverage());
        List<DomainGrowth.Run> runs = DomainGrowth.run(kind, context, inits, fresh, freshValid, 8 * 16 * 4,
                dir.resolve("grow"));
        assertEquals(seed, runs.get(0).start());
        assertEquals(elmB, runs.get(1).start(), "the nearest ELM has the largest posterior weight");
        var avg = Checkpoint.read(runs.get(2).start()).weights();
        var want = ParameterAveraging.average(List.of(Checkpoint.read(elmA), Checkpoint.read(elmB)),
                new double[] {0.25, 0.75}, "want").weights();
        assertTrue(avg.sameValues(want), "the weighted-average init is the posterior-weighted average");
        Table curves = DomainGrowth.curves(runs);
        for (DomainGrowth.Run r : runs) {
            Table mine = curves.where(curves.stringColumn("init").isEqualTo(r.init()));
            assertEquals(0L, mine.longColumn("step").getLong(0));
            assertTrue(mine.rowCount() >= 2, r.init() + " has evaluations after step 0: " + mine.rowCount());
            assertEquals(4L, mine.longColumn("step").getLong(mine.rowCount() - 1));
            double first = mine.doubleColumn("valid_loss").getDouble(0);
            double last = mine.doubleColumn("valid_loss").getDouble(mine.rowCount() - 1);
            assertTrue(Double.isFinite(first) && last < first, r.init() + ": " + first + " -> " + last);
        }
        // a second call trains nothing and reads the same curves back
        assertEquals(curves.toString(), DomainGrowth.curves(DomainGrowth.run(kind, context, inits, fresh, freshValid,
                8 * 16 * 4, dir.resolve("grow"))).toString());
    }
}
