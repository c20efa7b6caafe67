package org.cbtm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cbtm.eval.EvalSequence;
import org.cbtm.corpus.TokenShard;
import org.junit.jupiter.api.Test;

import tech.tablesaw.api.Table;

class ShardBudgetsTest {

    @Test
    void everyExpertGetsTheSameShareWhateverItsClusterSize() {
        // cluster 0: 2 documents, 6 tokens with EOD; cluster 1: 1 document, 3 tokens
        TokenShard a = TokenShard.ofDocuments(List.of(new int[] {1, 2}, new int[] {3, 4}), 10);
        TokenShard b = TokenShard.ofDocuments(List.of(new int[] {5, 6}), 10);
        ClusterShards shards = new ClusterShards(new int[] {0, 0, 1}, List.of(a, b));
        List<EvalSequence> test = List.of(new EvalSequence("x", new int[] {1, 2, 3, 4, 5, 0}, "s", 0),
                new EvalSequence("y", new int[] {5, 0}, "s", 1), new EvalSequence("z", new int[] {6, 6, 0}, "s", 1));
        Map<String, Long> budgets = new LinkedHashMap<>();
        budgets.put("KN", 12L);
        budgets.put("GPT", 3L);
        Table t = ShardBudgets.table(shards, test, 4, budgets);
        assertEquals(List.of(2, 1), t.intColumn("train documents").asList());
        assertEquals(List.of(6L, 3L), t.longColumn("train tokens").asList());
        assertEquals(List.of(1, 2), t.intColumn("test documents").asList());
        assertEquals(List.of(3L, 3L), t.longColumn("test tokens").asList(), "truncated to 4 tokens: 3 predicted");
        assertEquals(List.of(6L, 6L), t.longColumn("KN tokens per expert").asList());
        assertEquals(1.0, t.doubleColumn("KN budget / cluster").get(0), 1e-12);
        assertEquals(2.0, t.doubleColumn("KN budget / cluster").get(1), 1e-12);
        assertEquals(List.of(1L, 1L), t.longColumn("GPT tokens per expert").asList());
        assertThrows(IllegalArgumentException.class,
                () -> ShardBudgets.table(shards, List.of(new EvalSequence("w", new int[] {1, 0}, "s", 2)), 4, budgets));
        assertThrows(IllegalArgumentException.class, () -> ShardBudgets.table(shards, test, 4, Map.of("tiny", 1L)));
    }
}
