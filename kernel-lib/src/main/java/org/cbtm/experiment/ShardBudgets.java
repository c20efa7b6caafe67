package org.cbtm.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cbtm.eval.EvalSequence;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * What each expert of a C-BTM run trains and is tested on: per cluster, its training documents and tokens, its test
 * documents and predicted test tokens, and for each named budget the tokens every expert gets ({@code total / K},
 * the same whatever the cluster's size: methods 1.3) as a multiple of its cluster's tokens (below 1: the expert sees
 * part of its cluster; above 1: it repeats it).
 */
public final class ShardBudgets {
    private ShardBudgets() {
    }

    /**
     * @param shards        the clusters' training shards
     * @param test          test sequences labelled with the same clusters (may be empty)
     * @param contextLength test documents are truncated to this many tokens (their predicted tokens are one fewer)
     * @param budgets       name to the total budget of all experts (e.g. "KN-4" to 500 000), in column order
     */
    public static Table table(ClusterShards shards, List<EvalSequence> test, int contextLength, Map<String, Long> budgets) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be >= 2, got " + contextLength);
        }
        int k = shards.numClusters();
        int[] testDocs = new int[k];
        long[] testTokens = new long[k];
        for (EvalSequence s : test) {
            if (s.cluster() < 0 || s.cluster() >= k) {
                throw new IllegalArgumentException("test sequence " + s + " is not labelled with one of the " + k + " clusters");
            }
            testDocs[s.cluster()]++;
            testTokens[s.cluster()] += Math.max(0, Math.min(s.length(), contextLength) - 1);
        }
        IntColumn cluster = IntColumn.create("cluster");
        IntColumn docs = IntColumn.create("train documents");
        LongColumn tokens = LongColumn.create("train tokens");
        IntColumn tDocs = IntColumn.create("test documents");
        LongColumn tTokens = LongColumn.create("test tokens");
        Map<String, LongColumn> perExpert = new LinkedHashMap<>();
        Map<String, DoubleColumn> ratio = new LinkedHashMap<>();
        for (var b : budgets.entrySet()) {
            if (b.getValue() < k) {
                throw new IllegalArgumentException("budget " + b.getKey() + " = " + b.getValue() + " cannot be split over " + k);
            }
            perExpert.put(b.getKey(), LongColumn.create(b.getKey() + " tokens per expert"));
            ratio.put(b.getKey(), DoubleColumn.create(b.getKey() + " budget / cluster"));
        }
        for (int c = 0; c < k; c++) {
            cluster.append(c);
            docs.append(shards.shard(c).numDocuments());
            tokens.append(shards.shard(c).numTokens());
            tDocs.append(testDocs[c]);
            tTokens.append(testTokens[c]);
            for (var b : budgets.entrySet()) {
                long each = b.getValue() / k;
                perExpert.get(b.getKey()).append(each);
                ratio.get(b.getKey()).append(shards.shard(c).numTokens() == 0 ? Double.NaN
                        : (double) each / shards.shard(c).numTokens());
            }
        }
        Table t = Table.create(String.format(Locale.ROOT, "the %d clusters: training shards, test documents and budgets", k),
                cluster, docs, tokens, tDocs, tTokens);
        for (String name : budgets.keySet()) {
            DoubleColumn r = ratio.get(name);
            r.setPrintFormatter(new tech.tablesaw.columns.numbers.NumberColumnFormatter(new java.text.DecimalFormat(
                    "0.00", java.text.DecimalFormatSymbols.getInstance(Locale.ROOT))));
            t.addColumns(perExpert.get(name), r);
        }
        return t;
    }
}
