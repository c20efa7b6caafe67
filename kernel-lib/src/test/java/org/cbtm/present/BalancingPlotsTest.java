package org.cbtm.present;

import static org.cbtm.present.ResultPlotsTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class BalancingPlotsTest {

    @Test
    void meansOverSeedsAsLinesAndEverySeedAsAPoint() {
        JsonFigure f = BalancingPlots.perplexityOverSeeds(AllFigures.balancingGrid(), AllFigures.overSeeds(), "K");
        assertEquals(List.of("balanced (mean over seeds)", "balanced (each seed)", "unbalanced (mean over seeds)",
                "unbalanced (each seed)", "dense (K = 1)"), names(f));
        assertEquals(List.of(2, 4), f.traceMaps().get(0).get("x"));
        assertEquals(List.of(93.5, 91.5), f.traceMaps().get(0).get("y"));
        assertEquals(4, ((List<?>) f.traceMaps().get(1).get("x")).size(), "two K times two seeds");
        assertTrue(String.valueOf(f.traceMaps().get(1).get("text")).contains("seed 1"));
    }

    @Test
    void refusesMeansOfMixedSettingsOrOfAnotherTable() {
        Table grid = AllFigures.balancingGrid();
        Table twoBudgets = grid.copy().append(Grids.grid().withSeed()
                .row("balanced", 2, 2000, 0, 0.1, "paper", 80, 1000, 0).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BalancingPlots.perplexityOverSeeds(twoBudgets, AllFigures.overSeeds(), "K"));
        assertTrue(e.getMessage().contains("budget"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BalancingPlots.perplexityOverSeeds(grid, grid, "K"));
    }
}
