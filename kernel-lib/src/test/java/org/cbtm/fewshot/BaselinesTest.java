package org.cbtm.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.cbtm.fewshot.Fixtures.Item;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    static Task fruitsAndCars() {
        List<Item> train = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            train.add(new Item("f" + i, "apple banana cherry ripe fruit", 0));
            if (i < 8) {
                train.add(new Item("c" + i, "engine wheel brake fast car", 1));
            }
        }
        List<Item> test = List.of(new Item("tf", "a ripe banana", 0), new Item("tc", "the car brake", 1),
                new Item("tc2", "engine trouble", 1));
        return Fixtures.task("fruit-or-car", Fixtures.verbalizers("fruit", " fruit", "car", " car"), " It is a", train,
                test, 32);
    }

    @Test
    void logisticRegressionLearnsSeparableTexts() {
        Task task = fruitsAndCars();
        Baselines.Predictions p = Baselines.logistic(task.train(), task.test());
        assertArrayEquals(new int[]{0, 1, 1}, p.predicted());
        for (double c : p.confidence()) {
            assertTrue(c > 0.5 && c <= 1, "confidence " + c);
        }
    }

    @Test
    void aSingleTrainingClassIsAlwaysPredicted() {
        Task task = fruitsAndCars();
        Baselines.Predictions p = Baselines.logistic(List.of(task.train().stream().filter(e -> e.label() == 1)
                .findFirst().orElseThrow()), task.test());
        assertArrayEquals(new int[]{1, 1, 1}, p.predicted());
    }

    @Test
    void majorityIsTheTrainingPoolsMostFrequentClass() {
        Task task = fruitsAndCars();
        Baselines.Predictions p = Baselines.majority(task, task.test());
        assertArrayEquals(new int[]{0, 0, 0}, p.predicted());
        assertEquals(12.0 / 20, p.confidence()[0], 1e-12);
        Baselines.Predictions u1 = Baselines.uniform(task, task.test(), 3);
        assertArrayEquals(u1.predicted(), Baselines.uniform(task, task.test(), 3).predicted(), "seeded");
        assertEquals(0.5, u1.confidence()[0]);
    }

    @Test
    void inputsWithoutAnyTrainingWordGetTheTrainingMajorityOrAnEvenDraw() {
        Task task = fruitsAndCars();
        List<Item> unseen = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            unseen.add(new Item("u" + i, "zebra" + i + " quokka", i % 2));
        }
        Task probe = Fixtures.task("unseen", Fixtures.verbalizers("fruit", " fruit", "car", " car"), " It is a",
                List.of(new Item("f", "apple banana", 0), new Item("c", "engine wheel brake fast car", 1)), unseen, 32);
        // unbalanced training texts (12 fruit, 8 car): the majority, with its frequency as the confidence
        Baselines.Predictions p = Baselines.logistic(task.train(), probe.test());
        for (int i = 0; i < p.predicted().length; i++) {
            assertEquals(0, p.predicted()[i]);
            assertEquals(12.0 / 20, p.confidence()[i], 1e-12);
        }
        // one shot per class: neither class is favoured (the fitted intercepts are not left to decide), seeded per example
        Baselines.Predictions q = Baselines.logistic(probe.train(), probe.test());
        long fruit = java.util.Arrays.stream(q.predicted()).filter(c -> c == 0).count();
        assertTrue(fruit > 70 && fruit < 130, fruit + " of 200 unseen inputs predicted fruit");
        assertArrayEquals(q.predicted(), Baselines.logistic(probe.train(), probe.test()).predicted(), "deterministic");
        assertEquals(0.5, q.confidence()[0], 1e-12);
    }
}
