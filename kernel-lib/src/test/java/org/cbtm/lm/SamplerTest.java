package org.cbtm.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;

class SamplerTest {

    private static KneserNeyLM model() {
        SplittableRandom r = new SplittableRandom(3);
        List<int[]> docs = new java.util.ArrayList<>();
        for (int d = 0; d < 50; d++) {
            docs.add(r.ints(20, 1, 12).toArray());
        }
        return KneserNeyLM.train(TokenShard.ofDocuments(docs, 12), NgramConfig.of(3));
    }

    @Test
    void theSameSeedGivesTheSameTextAndAnotherSeedAnother() {
        KneserNeyLM lm = model();
        Sampler s = Sampler.defaults().withMaxNewTokens(30);
        int[] a = s.generate(lm, new int[] {1, 2});
        assertArrayEquals(a, s.generate(lm, new int[] {1, 2}));
        boolean differs = false;
        for (long seed = 1; seed < 6 && !differs; seed++) {
            differs = !java.util.Arrays.equals(a, s.withSeed(seed).generate(lm, new int[] {1, 2}));
        }
        assertTrue(differs, "five other seeds all gave the same text");
        assertTrue(a.length >= 1 && a.length <= 30);
    }

    @Test
    void aTinyNucleusIsGreedy() {
        KneserNeyLM lm = model();
        int[] prompt = {3, 4};
        float[] lp = lm.nextTokenLogProbs(List.of(prompt))[0];
        int best = 0;
        for (int i = 1; i < lp.length; i++) {
            best = lp[i] > lp[best] ? i : best;
        }
        for (long seed = 0; seed < 5; seed++) {
            assertEquals(best, new Sampler(1.0, 1e-9, 1, seed).generate(lm, prompt)[0]);
        }
    }

    @Test
    void badSettingsFailClearly() {
        var t = assertThrows(IllegalArgumentException.class, () -> Sampler.defaults().withTemperature(0));
        assertTrue(t.getMessage().contains("temperature"));
        assertThrows(IllegalArgumentException.class, () -> Sampler.defaults().withTopP(1.5));
        assertThrows(IllegalArgumentException.class, () -> Sampler.defaults().withMaxNewTokens(0));
    }
}
