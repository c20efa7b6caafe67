package org.cbtm.smalltalk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.cbtm.btm.BtmClaims.Verdict;
import org.cbtm.smalltalk.SmallTalkClaims.Comparison;
import org.cbtm.smalltalk.SmallTalkClaims.Point;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class SmallTalkClaimsTest {

    @Test
    void beatsDenseNeedsLowerPerplexityAtAboutEqualCost() {
        assertEquals(Verdict.YES, SmallTalkClaims.beatsDense(List.of(new Comparison("kn4", 90, 100, 105, 100))).verdict());
        // better but 50% more parameters per token: not at equal cost
        assertEquals(Verdict.NO, SmallTalkClaims.beatsDense(List.of(new Comparison("kn4", 90, 100, 150, 100))).verdict());
        assertEquals(Verdict.PARTLY, SmallTalkClaims.beatsDense(List.of(new Comparison("kn4", 90, 100, 100, 100),
                new Comparison("gpt", 110, 100, 100, 100))).verdict());
        assertEquals(Verdict.NO, SmallTalkClaims.beatsDense(List.of(new Comparison("kn4", 110, 100, 50, 100))).verdict());
    }

    @Test
    void sweepsGiveVerdictsFromTheirNumbers() {
        List<Point> es = List.of(new Point("E = 2", 2, 95), new Point("E = 4", 4, 90), new Point("E = 8", 8, 85));
        assertEquals(Verdict.YES, SmallTalkClaims.gainsGrowWithExperts("kn4", es, 100).verdict());
        assertEquals(Verdict.NO, SmallTalkClaims.gainsGrowWithExperts("kn4",
                List.of(new Point("E = 2", 2, 105), new Point("E = 4", 4, 110)), 100).verdict());
        assertEquals(Verdict.YES, SmallTalkClaims.routerSizeHardlyMatters("kn4",
                List.of(new Point("kn1", 10, 100), new Point("kn2", 20, 101.5))).verdict());
        assertEquals(Verdict.PARTLY, SmallTalkClaims.routerSizeHardlyMatters("kn4",
                List.of(new Point("kn1", 10, 100), new Point("kn2", 20, 110))).verdict());
        assertEquals(Verdict.PARTLY, SmallTalkClaims.shortPrefixBeatsDense("kn4",
                List.of(new Point("M", 8, 101), new Point("M", 16, 99)), 100).verdict());
        var lm = List.of(new Point("lm", 8, 90), new Point("lm", 64, 95));
        var tf = List.of(new Point("tf", 8, 100), new Point("tf", 64, 96));
        assertEquals(Verdict.YES, SmallTalkClaims.routerLmBeatsTfidf("kn4", lm, tf).verdict());
        assertThrows(IllegalArgumentException.class, () -> SmallTalkClaims.routerLmBeatsTfidf("kn4", lm, tf.subList(0, 1)));
    }

    @Test
    void csvTableHasTheClaimsColumns() {
        Table t = SmallTalkClaims.csvTable(List.of(SmallTalkClaims.beatsDense(
                List.of(new Comparison("kn4", 90, 100, 100, 100)))), "quick");
        assertEquals(List.of("claim", "paper", "measured", "verdict", "expert kind", "profile"), t.columnNames());
        assertEquals("SmallTalk claims", t.name());
        assertTrue(t.stringColumn("claim").get(0).startsWith("1. "));
    }
}
