package org.cbtm.lm.ngram;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cbtm.text.token.Tokenizer;

/**
 * A slow, literal transcription of interpolated modified Kneser-Ney with boxed n-grams in hash maps, written
 * independently of the primitive tables, to check {@link KneserNeyLM} against. Same conventions: the stream is
 * [EOD] + tokens, no n-gram has EOD inside, n-grams that start with EOD keep raw counts below the highest order.
 */
final class NaiveKneserNey {

    private final int order;
    private final int vocab;
    /** adjusted[k]: n-gram of order k -> adjusted count. */
    private final List<Map<List<Integer>, Long>> adjusted = new ArrayList<>();
    /** context of order k (its first k-1 tokens) -> {A, N1, N2, N3+}. */
    private final List<Map<List<Integer>, long[]>> contexts = new ArrayList<>();
    private final Discounts[] discounts;

    NaiveKneserNey(int[] tokens, int order, int vocab) {
        this.order = order;
        this.vocab = vocab;
        int[] s = new int[tokens.length + 1];
        s[0] = Tokenizer.EOD;
        System.arraycopy(tokens, 0, s, 1, tokens.length);
        List<Map<List<Integer>, Long>> raw = new ArrayList<>();
        for (int k = 0; k <= order; k++) {
            raw.add(new HashMap<>());
            adjusted.add(new HashMap<>());
            contexts.add(new HashMap<>());
        }
        for (int t = 1; t < s.length; t++) {
            for (int k = 1; k <= order && t - k + 1 >= 0; k++) {
                boolean inside = false;
                for (int i = t - k + 2; i <= t - 1; i++) {
                    inside |= s[i] == Tokenizer.EOD;
                }
                if (inside) {
                    break;
                }
                List<Integer> g = new ArrayList<>();
                for (int i = t - k + 1; i <= t; i++) {
                    g.add(s[i]);
                }
                raw.get(k).merge(g, 1L, Long::sum);
            }
        }
        for (int k = 1; k <= order; k++) {
            if (k == order) {
                adjusted.get(k).putAll(raw.get(k));
                continue;
            }
            Map<List<Integer>, Set<Integer>> left = new HashMap<>();
            for (List<Integer> longer : raw.get(k + 1).keySet()) {
                left.computeIfAbsent(longer.subList(1, longer.size()), x -> new HashSet<>()).add(longer.get(0));
            }
            for (Map.Entry<List<Integer>, Long> e : raw.get(k).entrySet()) {
                List<Integer> g = e.getKey();
                boolean eodStart = k >= 2 && g.get(0) == Tokenizer.EOD;
                adjusted.get(k).put(g, eodStart ? e.getValue() : left.getOrDefault(g, Set.of()).size());
            }
        }
        discounts = new Discounts[order + 1];
        for (int k = 1; k <= order; k++) {
            long[] coc = new long[5];
            for (long a : adjusted.get(k).values()) {
                if (a >= 1 && a <= 4) {
                    coc[(int) a]++;
                }
            }
            discounts[k] = Discounts.estimate(coc[1], coc[2], coc[3], coc[4]);
            for (Map.Entry<List<Integer>, Long> e : adjusted.get(k).entrySet()) {
                List<Integer> g = e.getKey();
                long a = e.getValue();
                if (a == 0) {
                    continue;
                }
                long[] st = contexts.get(k).computeIfAbsent(g.subList(0, g.size() - 1), x -> new long[4]);
                st[0] += a;
                st[(int) Math.min(a, 3)]++;
            }
        }
    }

    Discounts discounts(int k) {
        return discounts[k];
    }

    /** p(w | history), history already cut to the current document (starting with EOD or mid-document). */
    double probability(List<Integer> history, int w) {
        return p(Math.min(order, history.size() + 1), history, w);
    }

    private double p(int k, List<Integer> history, int w) {
        if (k == 0) {
            return 1.0 / vocab;
        }
        List<Integer> ctx = history.subList(history.size() - (k - 1), history.size());
        double lower = p(k - 1, history, w);
        long[] st = contexts.get(k).get(ctx);
        if (st == null) {
            return lower;
        }
        List<Integer> g = new ArrayList<>(ctx);
        g.add(w);
        long a = adjusted.get(k).getOrDefault(g, 0L);
        Discounts d = discounts[k];
        double gamma = (d.d1() * st[1] + d.d2() * st[2] + d.d3() * st[3]) / st[0];
        return Math.max(a - d.of(a), 0) / st[0] + gamma * lower;
    }

    /** Like {@link KneserNeyLM#sequenceLogProbs(int[])}. */
    double[] sequenceLogProbs(int[] tokens) {
        double[] out = new double[Math.max(0, tokens.length - 1)];
        List<Integer> history = new ArrayList<>(List.of(Tokenizer.EOD));
        for (int t = 0; t < tokens.length; t++) {
            if (t > 0) {
                out[t - 1] = Math.log(probability(history, tokens[t]));
            }
            if (tokens[t] == Tokenizer.EOD) {
                history.clear();
            }
            history.add(tokens[t]);
        }
        return out;
    }
}
