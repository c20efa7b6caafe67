package org.cbtm.btm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.cbtm.eval.EvalSequence;

class CachedPriorTest {

    /** Held-out sequences of "domain 0": mostly token 0, with some sequences from the other experts' tokens. */
    static List<EvalSequence> heldOut(int n) {
        Random r = new Random(99);
        List<EvalSequence> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int favourite = i % 4 == 3 ? 1 + r.nextInt(2) : 0;
            int[] t = new int[6 + r.nextInt(10)];
            for (int s = 0; s < t.length; s++) {
                t[s] = r.nextDouble() < 0.6 ? favourite : r.nextInt(4);
            }
            out.add(new EvalSequence("h" + i, t, "domain-0", 0));
        }
        return out;
    }

    @Test
    void deterministicForASeedAndADistribution() {
        var experts = PosteriorRouterTest.experts();
        List<EvalSequence> data = heldOut(150);
        CachedPrior a = CachedPrior.estimate(experts, data, PosteriorForm.PREFIX, 100, 10, 0.3, 5);
        CachedPrior b = CachedPrior.estimate(experts, data, PosteriorForm.PREFIX, 100, 10, 0.3, 5);
        assertArrayEquals(a.prior(), b.prior(), 0.0, "same seed, same prior");
        assertEquals(a, b);
        CachedPrior other = CachedPrior.estimate(experts, data, PosteriorForm.PREFIX, 100, 10, 0.3, 6);
        assertNotEquals(Arrays.toString(a.prior()), Arrays.toString(other.prior()), "another seed draws another sample");
        assertEquals(1.0, Arrays.stream(a.prior()).sum(), 1e-12);
        assertEquals(100, a.sequences());
        assertEquals(10, a.batches());
        assertEquals(0, a.argmax(), "held-out data of domain 0 puts most prior mass on expert 0");
        assertTrue(a.prior()[0] > 0.5, Arrays.toString(a.prior()));
    }

    @Test
    void theMovingAverageStartsFromUniformAndWeighsEachBatchByAlpha() {
        var experts = PosteriorRouterTest.experts();
        List<EvalSequence> one = List.of(new EvalSequence("x", new int[] {3, 0, 0, 0, 0}, "d", 0));
        CachedPrior p = CachedPrior.estimate(experts, one, PosteriorForm.PREFIX, 100, 8, 0.3, 1);
        double[] post = PosteriorRouter.uniform(experts).nextWeights(one.get(0));
        for (int j = 0; j < 3; j++) {
            assertEquals(0.3 * post[j] + 0.7 / 3, p.prior()[j], 1e-12);
        }
    }

    @Test
    void badInputIsRefused() {
        var experts = PosteriorRouterTest.experts();
        assertThrows(IllegalArgumentException.class,
                () -> CachedPrior.estimate(experts, List.of(), PosteriorForm.PREFIX, 100, 8, 0.3, 1));
        assertThrows(IllegalArgumentException.class,
                () -> CachedPrior.estimate(experts, heldOut(5), PosteriorForm.PREFIX, 100, 8, 0.0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> CachedPrior.estimate(List.of(), heldOut(5), PosteriorForm.PREFIX, 100, 8, 0.3, 1));
    }
}
