package org.cbtm.eval;

import org.cbtm.train.ComputeAccount;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The outcome of {@link Perplexity#evaluate}: one score per document, and tables with the compute accounting of
 * methods 6 (training tokens, training FLOPs and wall time from a {@link ComputeAccount}; inference parameters,
 * evaluation wall time and device from the evaluation).
 *
 * @param model               the model's name
 * @param inferenceParameters the model's parameters per token
 * @param contextLength       the truncation length used
 * @param documents           per-document results, in input order
 * @param wallSeconds         evaluation wall time
 * @param device              where the evaluation ran
 */
public record PerplexityResult(String model, long inferenceParameters, int contextLength,
                               List<DocumentScore> documents, double wallSeconds, String device) {

    /** One document: how many tokens were predicted and their summed negative log-likelihood (nats). */
    public record DocumentScore(String id, String source, int cluster, int tokens, double nll) {
        public double perplexity() {
            return Math.exp(nll / tokens);
        }
    }

    public PerplexityResult {
        documents = List.copyOf(documents);
    }

    /** Predicted tokens over all documents. */
    public long tokens() {
        long t = 0;
        for (DocumentScore d : documents) {
            t += d.tokens();
        }
        return t;
    }

    /** Mean NLL per predicted token (nats), the micro average. */
    public double meanNll() {
        double s = 0;
        long t = 0;
        for (DocumentScore d : documents) {
            s += d.nll();
            t += d.tokens();
        }
        return t == 0 ? Double.NaN : s / t;
    }

    /** {@code exp(mean NLL)}. */
    public double perplexity() {
        return Math.exp(meanNll());
    }

    /** Documents with at least one predicted token. */
    public int scoredDocuments() {
        int n = 0;
        for (DocumentScore d : documents) {
            n += d.tokens() > 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * One row: model, documents, tokens, mean_nll, perplexity, then the accounting columns
     * (see {@link #byGroup}).
     */
    public Table summary(ComputeAccount account) {
        Table t = Table.create("perplexity of " + model);
        t.addColumns(StringColumn.create("model"));
        addAccountingColumns(t);
        t.stringColumn("model").append(model);
        appendNumbers(t, documents, account);
        return t;
    }

    /** Per cluster of the documents' assigned clusters (sorted; "unassigned" documents get cluster -1). */
    public Table byCluster(ComputeAccount account) {
        Map<Integer, List<DocumentScore>> groups = new TreeMap<>();
        for (DocumentScore d : documents) {
            groups.computeIfAbsent(d.cluster(), c -> new java.util.ArrayList<>()).add(d);
        }
        Table t = Table.create("perplexity of " + model + " by cluster");
        t.addColumns(StringColumn.create("model"), IntColumn.create("cluster"));
        addAccountingColumns(t);
        for (var e : groups.entrySet()) {
            t.stringColumn("model").append(model);
            t.intColumn("cluster").append(e.getKey());
            appendNumbers(t, e.getValue(), account);
        }
        return t;
    }

    /** Per source corpus. */
    public Table bySource(ComputeAccount account) {
        return byGroup("source", DocumentScore::source, account);
    }

    /**
     * Per value of {@code key} (sorted): columns model, {@code column}, documents, tokens, mean_nll, perplexity,
     * inference_params, training_tokens, training_flops, train_wall_s, train_device, eval_wall_s, eval_device.
     * The training columns repeat the model's account on every row (the model, not the group, was trained);
     * eval_wall_s is the whole evaluation's.
     */
    public Table byGroup(String column, Function<DocumentScore, String> key, ComputeAccount account) {
        Map<String, List<DocumentScore>> groups = new TreeMap<>();
        for (DocumentScore d : documents) {
            groups.computeIfAbsent(key.apply(d), c -> new java.util.ArrayList<>()).add(d);
        }
        Table t = Table.create("perplexity of " + model + " by " + column);
        t.addColumns(StringColumn.create("model"), StringColumn.create(column));
        addAccountingColumns(t);
        for (var e : groups.entrySet()) {
            t.stringColumn("model").append(model);
            t.stringColumn(column).append(e.getKey());
            appendNumbers(t, e.getValue(), account);
        }
        return t;
    }

    /** One row per document: id, source, cluster, tokens, nll, perplexity. */
    public Table perDocument() {
        Table t = Table.create("perplexity of " + model + " per document");
        StringColumn id = StringColumn.create("id");
        StringColumn source = StringColumn.create("source");
        IntColumn cluster = IntColumn.create("cluster");
        IntColumn tokens = IntColumn.create("tokens");
        DoubleColumn nll = DoubleColumn.create("nll");
        DoubleColumn ppl = DoubleColumn.create("perplexity");
        for (DocumentScore d : documents) {
            id.append(d.id());
            source.append(d.source());
            cluster.append(d.cluster());
            tokens.append(d.tokens());
            nll.append(d.nll());
            ppl.append(d.tokens() == 0 ? Double.NaN : d.perplexity());
        }
        t.addColumns(id, source, cluster, tokens, nll, ppl);
        return t;
    }

    private static void addAccountingColumns(Table t) {
        t.addColumns(IntColumn.create("documents"), LongColumn.create("tokens"), DoubleColumn.create("mean_nll"),
                DoubleColumn.create("perplexity"), LongColumn.create("inference_params"),
                LongColumn.create("training_tokens"), DoubleColumn.create("training_flops"),
                DoubleColumn.create("train_wall_s"), StringColumn.create("train_device"),
                DoubleColumn.create("eval_wall_s"), StringColumn.create("eval_device"));
    }

    private void appendNumbers(Table t, List<DocumentScore> docs, ComputeAccount account) {
        double s = 0;
        long tokens = 0;
        int n = 0;
        for (DocumentScore d : docs) {
            s += d.nll();
            tokens += d.tokens();
            n += d.tokens() > 0 ? 1 : 0;
        }
        double mean = tokens == 0 ? Double.NaN : s / tokens;
        t.intColumn("documents").append(n);
        t.longColumn("tokens").append(tokens);
        t.doubleColumn("mean_nll").append(mean);
        t.doubleColumn("perplexity").append(Math.exp(mean));
        t.longColumn("inference_params").append(inferenceParameters);
        if (account.knowsTokens()) {
            t.longColumn("training_tokens").append(account.trainingTokens());
        } else {
            t.longColumn("training_tokens").appendMissing();
        }
        t.doubleColumn("training_flops").append(account.trainingFlops());
        t.doubleColumn("train_wall_s").append(account.trainingSeconds());
        t.stringColumn("train_device").append(account.device());
        t.doubleColumn("eval_wall_s").append(wallSeconds);
        t.stringColumn("eval_device").append(device);
    }
}
