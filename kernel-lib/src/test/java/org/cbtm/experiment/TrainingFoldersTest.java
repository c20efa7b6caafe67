package org.cbtm.experiment;

import org.cbtm.train.NgramExperts;
import org.cbtm.train.TransformerExperts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.train.CbtmExperts;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.ExpertKind;
import org.cbtm.corpus.TokenShard;
import org.cbtm.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingFoldersTest {

    private static final ExpertKind KN2 = new NgramExperts(new NgramConfig(2));
    private static final ExpertKind GPT = new TransformerExperts(new GptConfig(30, 1, 8, 2, 16, 0.0),
            TrainConfig.reference(4096, 2, 16, 1e-3), 1024);
    private static final ExpertKind GPT_LONGER_SEED = new TransformerExperts(new GptConfig(30, 1, 8, 2, 16, 0.0),
            TrainConfig.reference(4096, 2, 16, 1e-3), 2048);

    private static TokenShard shard(long seed, int docs) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            out.add(r.ints(10, 1, 30).toArray());
        }
        return TokenShard.ofDocuments(out, 30);
    }

    private static CbtmTraining.Data data(TokenShard valid) {
        return new CbtmTraining.Data(List.of(shard(1, 20), shard(2, 20)), shard(3, 40), valid);
    }

    @Test
    void foldersAreKeyedByPlanAndData(@TempDir Path dir) {
        TrainingFolders f = new TrainingFolders(new ArtifactStore(dir), "nb04");
        var plan = CbtmTraining.Plan.of(GPT, 2048);
        var data = data(shard(4, 5));
        Path experts = f.experts(plan, data);
        assertEquals(experts, f.experts(plan.withProcesses(2), data(shard(4, 5))), "same plan and data, same folder");
        assertTrue(experts.startsWith(dir.resolve("nb04-experts")));
        assertNotEquals(experts, f.experts(CbtmTraining.Plan.of(GPT, 4096), data), "budget");
        assertNotEquals(experts, f.experts(CbtmTraining.Plan.of(GPT_LONGER_SEED, 2048), data), "seed tokens");
        assertNotEquals(experts, f.experts(plan, data(shard(5, 5))), "held-out shard");
        var swapped = new CbtmTraining.Data(List.of(shard(2, 20), shard(1, 20)), shard(3, 40), shard(4, 5));
        assertNotEquals(experts, f.experts(plan, swapped), "the order of the clusters names the experts");
        // the dense baseline (one shard: everything) branches from the same seed
        var dense = new CbtmTraining.Data(List.of(shard(3, 40)), shard(3, 40), shard(4, 5));
        assertEquals(f.seed(plan, data), f.seed(plan, dense));
        assertNotEquals(f.experts(plan, data), f.experts(plan, dense));
        assertNotEquals(f.seed(plan, data), f.seed(CbtmTraining.Plan.of(GPT_LONGER_SEED, 2048), data));
        assertNotEquals(f.seed(plan, data), f.seed(plan, data(null)));
        assertTrue(f.seed(plan, data).startsWith(dir.resolve("nb04-seed")));
        assertEquals("seed", f.seed(plan, data).getFileName().toString());
    }

    @Test
    void aSecondRunFindsTheExperts(@TempDir Path dir) throws Exception {
        TrainingFolders f = new TrainingFolders(new ArtifactStore(dir), "t");
        var plan = CbtmTraining.Plan.of(KN2, 300);
        CbtmExperts first = f.run(plan, data(null));
        Path model = first.experts().get(0);
        assertTrue(model.startsWith(f.experts(plan, data(null))));
        Files.setLastModifiedTime(model, FileTime.fromMillis(1_000));
        CbtmExperts again = f.run(plan, data(null));
        assertEquals(first.experts(), again.experts());
        assertEquals(1_000, Files.getLastModifiedTime(model).toMillis(), "not retrained");
    }

    @Test
    void prefixMustNameAFolder(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> new TrainingFolders(new ArtifactStore(dir), "Nb 04"));
        assertThrows(IllegalArgumentException.class, () -> new TrainingFolders(null, "nb04"));
    }
}
