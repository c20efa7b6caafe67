package org.cbtm.smalltalk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.train.TrainConfig;
import org.junit.jupiter.api.Test;

class RouterEmTest {
    static final int TOPICS = 3;

    @Test
    void separatesTopicsWithBalancedParts() {
        List<int[]> docs = Topics.documents(300, TOPICS, 21);
        RouterEmConfig config = new RouterEmConfig(TOPICS, 8, 6, 150, new NgramRouters(1));
        try (RouterEm.Result r = RouterEm.run(config, docs, Topics.vocab(TOPICS), 4)) {
            assertEquals(6, r.rounds().size());
            assertTrue(Double.isNaN(r.rounds().get(0).changedFraction()));
            for (RouterEm.Round round : r.rounds()) {
                int[] s = round.partSizes();
                assertTrue(Arrays.stream(s).max().orElseThrow() - Arrays.stream(s).min().orElseThrow() <= 1);
            }
            int[] sizes = new int[TOPICS];
            for (int a : r.assignment()) {
                sizes[a]++;
            }
            assertArrayEquals(new int[] {100, 100, 100}, sizes);
            // the parts are the topics (up to a relabelling): every topic lands in one part
            for (int c = 0; c < TOPICS; c++) {
                int part = r.assignment()[c];
                for (int i = c; i < docs.size(); i += TOPICS) {
                    assertEquals(part, r.assignment()[i], "document " + i + " of topic " + c);
                }
            }
            // the routers learn: the last round's prefix loss is below the first's, and few sequences still move (the
            // samples' topics are not exactly balanced, so the capacities displace a few, not always the same ones)
            List<RouterEm.Round> rounds = r.rounds();
            assertTrue(rounds.getLast().prefixLoss() < rounds.getFirst().prefixLoss(), rounds.toString());
            assertTrue(rounds.getLast().changedFraction() < 0.1, rounds.toString());
        }
    }

    @Test
    void deterministicForASeed() {
        List<int[]> docs = Topics.documents(200, TOPICS, 23);
        RouterEmConfig config = new RouterEmConfig(2, 6, 2, 80, new NgramRouters(2));
        int[] first;
        double[] losses;
        try (RouterEm.Result a = RouterEm.run(config, docs, Topics.vocab(TOPICS), 7)) {
            first = a.assignment();
            losses = a.rounds().stream().mapToDouble(RouterEm.Round::prefixLoss).toArray();
        }
        try (RouterEm.Result b = RouterEm.run(config, docs, Topics.vocab(TOPICS), 7)) {
            assertArrayEquals(first, b.assignment());
            assertArrayEquals(losses, b.rounds().stream().mapToDouble(RouterEm.Round::prefixLoss).toArray());
        }
    }

    @Test
    void transformerRoutersTrainAndSplitBalanced() {
        List<int[]> docs = Topics.documents(60, TOPICS, 29);
        RouterKind tiny = new TransformerRouters(new GptConfig(Topics.vocab(TOPICS), 1, 16, 2, 8, 0.0),
                TrainConfig.reference(512, 4, 8, 3e-3).withSchedule(TrainConfig.Schedule.POLYNOMIAL, 2, 1.0));
        RouterEmConfig config = new RouterEmConfig(TOPICS, 8, 2, 30, tiny);
        try (RouterEm.Result r = RouterEm.run(config, docs, Topics.vocab(TOPICS), 5)) {
            assertEquals(2, r.rounds().size());
            assertTrue(Double.isFinite(r.rounds().getLast().prefixLoss()));
            int[] sizes = new int[TOPICS];
            for (int a : r.assignment()) {
                sizes[a]++;
            }
            assertArrayEquals(new int[] {20, 20, 20}, sizes);
            assertTrue(r.routers().parameters() > 0);
        }
    }

    @Test
    void samplesAreSeededAndDistinct() {
        int[] a = RouterEm.draw(50, 20, 3, 1);
        assertArrayEquals(a, RouterEm.draw(50, 20, 3, 1));
        assertEquals(20, Arrays.stream(a).distinct().count());
        assertTrue(!Arrays.equals(a, RouterEm.draw(50, 20, 3, 2)));
    }
}
