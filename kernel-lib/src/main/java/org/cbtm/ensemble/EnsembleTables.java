package org.cbtm.ensemble;

import org.cbtm.eval.ResultColumns;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.cbtm.eval.ResultColumns;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Tables of the sparse-ensemble notebook (05) from the result tables of {@code CbtmExperiment.runGrid}.
 */
public final class EnsembleTables {
    private EnsembleTables() {
    }

    /**
     * The top-k sweep, one row per K and top-k (in the order of {@code rows}): perplexity, its change against the
     * same K with every expert ({@code vs all}, in percent; positive = worse) and against the dense row of
     * {@code rows} ({@code vs dense}, percent; NaN without one), inference parameters per token, and the experts
     * that actually ran per token (an expert runs on a whole document when any of its positions selects it).
     *
     * @throws IllegalArgumentException when some K has no top-k = all row to compare with
     */
    public static Table topKEffect(Table rows) {
        Table dense = rows.where(rows.stringColumn("clustering").isEqualTo("dense"));
        double densePpl = dense.rowCount() == 0 ? Double.NaN : dense.doubleColumn("perplexity").getDouble(0);
        Table ens = rows.where(rows.stringColumn("clustering").isNotEqualTo("dense"));
        IntColumn k = IntColumn.create(ResultColumns.K);
        StringColumn top = StringColumn.create(ResultColumns.TOP_K);
        DoubleColumn ppl = DoubleColumn.create("perplexity");
        DoubleColumn vsAll = DoubleColumn.create("vs all %");
        DoubleColumn vsDense = DoubleColumn.create("vs dense %");
        DoubleColumn params = DoubleColumn.create("inference params");
        DoubleColumn ran = DoubleColumn.create("experts run per token");
        for (int kk : new TreeSet<>(ens.intColumn("k").asList())) {
            double all = Double.NaN;
            for (int i = 0; i < ens.rowCount(); i++) {
                if (ens.intColumn("k").getInt(i) == kk && topKLabel(ens, i).equals("all")) {
                    all = ens.doubleColumn("perplexity").getDouble(i);
                }
            }
            if (Double.isNaN(all)) {
                throw new IllegalArgumentException("K = " + kk + " has no row with every expert (top-k = all)");
            }
            for (int i = 0; i < ens.rowCount(); i++) {
                if (ens.intColumn("k").getInt(i) != kk) {
                    continue;
                }
                double p = ens.doubleColumn("perplexity").getDouble(i);
                k.append(kk);
                top.append(topKLabel(ens, i));
                ppl.append(p);
                vsAll.append(100 * (p / all - 1));
                vsDense.append(100 * (p / densePpl - 1));
                params.append(ens.doubleColumn("inference_params").getDouble(i));
                ran.append(ens.doubleColumn("experts_per_token").getDouble(i));
            }
        }
        ppl.setPrintFormatter(decimals(1));
        vsAll.setPrintFormatter(decimals(1));
        vsDense.setPrintFormatter(decimals(1));
        params.setPrintFormatter(NumberColumnFormatter.intsWithGrouping());
        ran.setPrintFormatter(decimals(2));
        return Table.create("top-k: perplexity and inference cost", k, top, ppl, vsAll, vsDense, params, ran);
    }

    /**
     * The temperature sweep as a grid: one row per K and distance form (ensemble rows of {@code rows}), one column
     * of perplexities per temperature ({@code T=0.1}; missing where that point was not run), and the best T.
     */
    public static Table byTemperature(Table rows) {
        Table ens = rows.where(rows.stringColumn("clustering").isNotEqualTo("dense"));
        TreeSet<Double> temps = new TreeSet<>(ens.doubleColumn("temperature").asList());
        IntColumn k = IntColumn.create(ResultColumns.K);
        StringColumn form = StringColumn.create(ResultColumns.DISTANCE);
        List<DoubleColumn> cols = new ArrayList<>();
        for (double t : temps) {
            DoubleColumn c = DoubleColumn.create("T=" + t);
            c.setPrintFormatter(decimals(1));
            cols.add(c);
        }
        DoubleColumn best = DoubleColumn.create("best T");
        Set<List<Object>> seen = new LinkedHashSet<>();
        for (int i = 0; i < ens.rowCount(); i++) {
            seen.add(List.of(ens.intColumn("k").getInt(i), ens.stringColumn("distance").get(i)));
        }
        for (List<Object> key : seen) {
            k.append((Integer) key.get(0));
            form.append((String) key.get(1));
            double bestPpl = Double.POSITIVE_INFINITY;
            double bestT = Double.NaN;
            int c = 0;
            for (double t : temps) {
                double p = Double.NaN;
                for (int i = 0; i < ens.rowCount(); i++) {
                    if (ens.intColumn("k").getInt(i) == (Integer) key.get(0)
                            && ens.stringColumn("distance").get(i).equals(key.get(1))
                            && ens.doubleColumn("temperature").getDouble(i) == t) {
                        p = ens.doubleColumn("perplexity").getDouble(i);
                    }
                }
                cols.get(c++).append(p);
                if (p < bestPpl) {
                    bestPpl = p;
                    bestT = t;
                }
            }
            best.append(bestT);
        }
        Table out = Table.create("perplexity by temperature", k, form);
        cols.forEach(out::addColumns);
        out.addColumns(best);
        return out;
    }

    /**
     * The router's share of the ensemble's scoring time per K and top-k over the ensemble rows of {@code rows}:
     * evaluations, the median, smallest and largest share, and the median evaluation wall time.
     */
    public static Table routerShare(Table rows) {
        Table ens = rows.where(rows.stringColumn("clustering").isNotEqualTo("dense"));
        Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < ens.rowCount(); i++) {
            groups.computeIfAbsent(List.of(ens.intColumn("k").getInt(i), topKLabel(ens, i)),
                    x -> new ArrayList<>()).add(i);
        }
        IntColumn k = IntColumn.create(ResultColumns.K);
        StringColumn top = StringColumn.create(ResultColumns.TOP_K);
        IntColumn n = IntColumn.create("evaluations");
        DoubleColumn med = DoubleColumn.create("median router share");
        DoubleColumn min = DoubleColumn.create("min");
        DoubleColumn max = DoubleColumn.create("max");
        DoubleColumn wall = DoubleColumn.create("median eval wall s");
        for (var e : groups.entrySet()) {
            double[] share = e.getValue().stream().mapToDouble(i -> ens.doubleColumn("router_share").getDouble(i))
                    .sorted().toArray();
            double[] seconds = e.getValue().stream().mapToDouble(i -> ens.doubleColumn("eval_wall_s").getDouble(i))
                    .sorted().toArray();
            k.append((Integer) e.getKey().get(0));
            top.append((String) e.getKey().get(1));
            n.append(share.length);
            med.append(median(share));
            min.append(share[0]);
            max.append(share[share.length - 1]);
            wall.append(median(seconds));
        }
        for (DoubleColumn c : List.of(med, min, max)) {
            c.setPrintFormatter(NumberColumnFormatter.percent(0));
        }
        wall.setPrintFormatter(decimals(2));
        return Table.create("router share of the ensemble's time", k, top, n, med, min, max, wall);
    }

    private static double median(double[] sorted) {
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /** A fixed number of decimals without grouping, whatever the default locale. */
    static NumberColumnFormatter decimals(int digits) {
        return new NumberColumnFormatter(new DecimalFormat(digits == 0 ? "0" : "0." + "0".repeat(digits),
                DecimalFormatSymbols.getInstance(Locale.ROOT)));
    }

    /** The "top-k" category of row {@code i}: the number of experts kept, or "all" when every expert is kept. */
    static String topKLabel(Table t, int i) {
        return ResultColumns.topKText(ResultColumns.topK(t, i), t.intColumn(ResultColumns.K).getInt(i));
    }
}
