package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

import org.cbtm.lm.LanguageModel;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The trained experts of a C-BTM run ({@link CbtmTraining#run}): where each artifact is, what each expert's training
 * took, and how to load them as {@link LanguageModel}s. Everything kind-specific is asked of the {@link ExpertKind}.
 *
 * @param kind           the expert kind
 * @param seed           the seed artifact, or null for kinds without a seed
 * @param experts        expert k's artifact (a checkpoint, an n-gram model file, ...)
 * @param budgetPerExpert the budget of every expert (methods 1.3: total / K); an expert may train on fewer tokens
 *                       (an n-gram expert whose cluster is smaller counts it once): see {@link #tokensTrained(int)}
 */
public record CbtmExperts(ExpertKind kind, Path seed, List<Path> experts, long budgetPerExpert) {

    public CbtmExperts {
        experts = List.copyOf(experts);
    }

    public int k() {
        return experts.size();
    }

    /** Loads expert {@code k} (close it when done: some kinds hold native memory). */
    public LanguageModel load(int k) {
        return kind.load(experts.get(k));
    }

    /** Loads every expert, in cluster order. */
    public List<LanguageModel> loadAll() {
        List<LanguageModel> out = new ArrayList<>();
        for (int k = 0; k < experts.size(); k++) {
            out.add(load(k));
        }
        return out;
    }

    /** The seed as a language model (kinds with a seed only). */
    public LanguageModel loadSeed() {
        if (seed == null) {
            throw new IllegalStateException(kind.name() + " experts have no seed model");
        }
        return kind.load(seed);
    }

    /** What training expert {@code k} took: tokens it actually trained on, FLOPs, seconds, device. */
    public ComputeAccount account(int k) {
        return kind.account(experts.get(k));
    }

    /** What training the experts together took (after the seed). */
    public ComputeAccount account() {
        List<ComputeAccount> parts = new ArrayList<>();
        for (int k = 0; k < experts.size(); k++) {
            parts.add(account(k));
        }
        return ComputeAccount.sum(parts);
    }

    /** What training the seed took ({@link ComputeAccount#unknown()} without a seed). */
    public ComputeAccount seedAccount() {
        return seed == null ? ComputeAccount.unknown() : kind.account(seed);
    }

    /** Tokens expert {@code k} actually trained on. */
    public long tokensTrained(int k) {
        return account(k).trainingTokens();
    }

    /** Training tokens of the experts together (the budget the comparison is made at; the seed is shared). */
    public long expertTokens() {
        return account().trainingTokens();
    }

    /** Wall time of the expert runs together (seconds; excludes the shared seed). */
    public double expertSeconds() {
        return account().trainingSeconds();
    }

    /** Tokens of the seed run (0 without a seed). */
    public long seedTokens() {
        return seed == null ? 0 : seedAccount().trainingTokens();
    }

    /**
     * Why these experts may not mean much: the kind's warning for the budget per expert, and every expert that
     * trained on fewer tokens than its budget (its cluster was smaller). Empty when none.
     */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        kind.budgetWarning(budgetPerExpert).ifPresent(out::add);
        for (int k = 0; k < experts.size(); k++) {
            long used = tokensTrained(k);
            if (used >= 0 && used < budgetPerExpert) {
                out.add(String.format(java.util.Locale.ROOT, "expert %d trained on %,d tokens, less than its budget of "
                        + "%,d: its cluster holds no more (%s experts read their data once)", k, used, budgetPerExpert,
                        kind.name()));
            }
        }
        return out;
    }

    /**
     * The metrics logs of the seed and every transformer expert as one long table: run, step, tokens of the run,
     * tokens including the seed's (so expert curves continue the seed's), train and valid loss, lr, tokens/s.
     * Empty for n-gram experts (counting has no curve).
     */
    public Table lossCurves() {
        Map<String, Path> logs = new LinkedHashMap<>();
        Map<String, Long> offsets = new LinkedHashMap<>();
        if (seed != null) {
            logs.put("seed", seed.getParent().resolve("metrics.csv"));
            offsets.put("seed", 0L);
            for (int k = 0; k < experts.size(); k++) {
                logs.put("expert " + k, experts.get(k).getParent().resolve("metrics.csv"));
                offsets.put("expert " + k, seedTokens());
            }
        }
        return lossCurves(logs, offsets);
    }

    /**
     * Metrics logs as one loss-curve table (the columns of {@link #lossCurves()}): run name to its {@code metrics.csv}
     * (a missing file adds no rows) and to the tokens its ancestors trained before it.
     */
    public static Table lossCurves(Map<String, Path> logs, Map<String, Long> ancestorTokens) {
        StringColumn run = StringColumn.create("run");
        LongColumn step = LongColumn.create("step");
        LongColumn tokens = LongColumn.create("tokens");
        LongColumn lineage = LongColumn.create("tokens_incl_seed");
        DoubleColumn train = DoubleColumn.create("train_loss");
        DoubleColumn valid = DoubleColumn.create("valid_loss");
        DoubleColumn lr = DoubleColumn.create("lr");
        DoubleColumn speed = DoubleColumn.create("tokens_per_s");
        for (var e : logs.entrySet()) {
            append(e.getKey(), e.getValue(), ancestorTokens.getOrDefault(e.getKey(), 0L), run, step, tokens, lineage,
                    train, valid, lr, speed);
        }
        return Table.create("loss curves", run, step, tokens, lineage, train, valid, lr, speed);
    }

    private static void append(String name, Path csv, long offset, StringColumn run, LongColumn step, LongColumn tokens,
                               LongColumn lineage, DoubleColumn train, DoubleColumn valid, DoubleColumn lr,
                               DoubleColumn speed) {
        if (!Files.isRegularFile(csv)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                TrainMetrics m = TrainMetrics.parse(line);
                run.append(name);
                step.append(m.step());
                tokens.append(m.tokens());
                lineage.append(m.tokens() + offset);
                train.append(m.trainLoss());
                valid.append(m.validLoss());
                lr.append(m.learningRate());
                speed.append(m.tokensPerSecond());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metrics log " + csv, e);
        }
    }
}
