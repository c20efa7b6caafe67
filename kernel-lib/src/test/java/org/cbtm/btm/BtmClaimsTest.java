package org.cbtm.btm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class BtmClaimsTest {

    @Test
    void verdictsFollowTheNumbers() {
        var c1 = BtmClaims.ensembleBeatsDense(List.of(new BtmClaims.Comparison("kn4", 90, 100),
                new BtmClaims.Comparison("gpt", 110, 100)));
        assertEquals(BtmClaims.Verdict.PARTLY, c1.verdict());
        assertTrue(c1.measured().contains("-10.0%") && c1.measured().contains("+10.0%"), c1.measured());
        assertEquals(BtmClaims.Verdict.YES,
                BtmClaims.ensembleBeatsDense(List.of(new BtmClaims.Comparison("kn4", 90, 100))).verdict());

        assertEquals(BtmClaims.Verdict.YES, BtmClaims.posteriorAveragingBeatsUniform("gpt", 105, 120, 100, 110).verdict());
        assertEquals(BtmClaims.Verdict.PARTLY, BtmClaims.posteriorAveragingBeatsUniform("gpt", 115, 120, 100, 110).verdict());
        assertEquals(BtmClaims.Verdict.NO, BtmClaims.posteriorAveragingBeatsUniform("gpt", 125, 120, 100, 110).verdict());

        assertEquals(BtmClaims.Verdict.YES, BtmClaims.averageBranchBeatsSeed("gpt", new double[] {50, 40, 30},
                new double[] {60, 45, 35}).verdict());
        assertEquals(BtmClaims.Verdict.PARTLY, BtmClaims.averageBranchBeatsSeed("gpt", new double[] {70, 40, 30},
                new double[] {60, 45, 35}).verdict());
        assertEquals(BtmClaims.Verdict.NO, BtmClaims.averageBranchBeatsSeed("gpt", new double[] {70, 50, 40},
                new double[] {60, 45, 35}).verdict());
        assertThrows(IllegalArgumentException.class,
                () -> BtmClaims.averageBranchBeatsSeed("gpt", new double[] {1, 2}, new double[] {1}));

        assertEquals(BtmClaims.Verdict.YES, BtmClaims.randomSplitsDoNotWork("kn4", 101, 90, 100).verdict());
        assertEquals(BtmClaims.Verdict.PARTLY, BtmClaims.randomSplitsDoNotWork("kn4", 95, 90, 100).verdict());
        assertEquals(BtmClaims.Verdict.NO, BtmClaims.randomSplitsDoNotWork("kn4", 85, 90, 100).verdict());
    }

    @Test
    void csvTableHasTheClaimsColumns() {
        Table t = BtmClaims.csvTable(List.of(BtmClaims.randomSplitsDoNotWork("kn4", 101, 90, 100)), "quick");
        assertEquals(List.of("claim", "paper", "measured", "verdict", "expert kind", "profile"), t.columnNames());
        assertEquals("yes", t.stringColumn("verdict").get(0));
        assertTrue(t.stringColumn("claim").get(0).startsWith("1. "));
        assertEquals("quick", t.stringColumn("profile").get(0));
    }
}
