package org.cbtm.present;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class FewShotPlotsTest {

    @Test
    void accuracyIsAveragedOverTasksPerModelScoringAndShots() {
        Table t = Table.create("s", StringColumn.create("model", "dense", "dense", "dense", "majority class"),
                StringColumn.create("task", "a", "b", "a", "a"), IntColumn.create("shots", 0, 0, 0, 0),
                StringColumn.create("scoring", "direct", "direct", "calibrated", "baseline"),
                DoubleColumn.create("accuracy", 0.4, 0.6, 0.9, 0.7));
        String data = FewShotPlots.accuracyVsShots(t, "few-shot").dataJson();
        assertTrue(data.contains("\"dense\"") && data.contains("\"dense (calibrated)\"") && data.contains("majority"), data);
        assertTrue(data.contains("0.5"), "the mean of 0.4 and 0.6: " + data);
    }

    @Test
    void routingRowsAreSharesOfEachTasksPrompts() {
        Table p = Table.create("p", StringColumn.create("model", "m", "m", "m", "m", "other"),
                StringColumn.create("task", "a", "a", "a", "b", "b"), DoubleColumn.create("top_expert", 0, 0, 1, 1, 0));
        String data = FewShotPlots.routingHeatmap(p, "m", "routing").dataJson();
        assertTrue(data.contains("67%") && data.contains("33%") && data.contains("100%"), data);
        assertThrows(IllegalArgumentException.class, () -> FewShotPlots.routingHeatmap(p, "absent", "x"));
    }
}
