package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.gpt.GptLM;
import org.cbtm.lm.ngram.KneserNeyLM;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The trained experts of a C-BTM run ({@link CbtmTraining#run}): where each artifact is, how many tokens each
 * expert trained on, and how to load them as {@link LanguageModel}s.
 *
 * @param kind            the expert kind
 * @param seed            the seed checkpoint, or null for kinds without a seed
 * @param experts         expert k's artifact (a checkpoint or an n-gram model file)
 * @param tokensPerExpert the budget of every expert (methods 1.3: total / K)
 */
public record CbtmExperts(ExpertKind kind, Path seed, List<Path> experts, long tokensPerExpert) {

    public CbtmExperts {
        experts = List.copyOf(experts);
    }

    public int k() {
        return experts.size();
    }

    /** Loads expert {@code k} (close it when done: transformer experts hold native memory). */
    public LanguageModel load(int k) {
        Path p = experts.get(k);
        return switch (kind) {
            case ExpertKind.Ngram n -> KneserNeyLM.load(p);
            case ExpertKind.Transformer t -> Checkpoint.loadModel(p);
        };
    }

    /** Loads every expert, in cluster order. */
    public List<LanguageModel> loadAll() {
        List<LanguageModel> out = new ArrayList<>();
        for (int k = 0; k < experts.size(); k++) {
            out.add(load(k));
        }
        return out;
    }

    /** The seed as a language model (transformer kinds only). */
    public LanguageModel loadSeed() {
        if (seed == null) {
            throw new IllegalStateException(kind.name() + " experts have no seed model");
        }
        return Checkpoint.loadModel(seed);
    }

    /**
     * Training tokens of the experts together (the budget the comparison is made at; the seed is shared): the
     * tokens the transformer runs actually took (whole steps); for n-gram experts the tokens counted, which is
     * less than the budget when a cluster is smaller than its share (an n-gram expert reads its data once; see
     * KneserNeyLM.tokensUsed()).
     */
    public long expertTokens() {
        if (kind instanceof ExpertKind.Transformer) {
            long total = 0;
            for (Path e : experts) {
                total += Checkpoint.readInfo(e).tokensSeen();
            }
            return total;
        }
        long total = 0;
        for (int k = 0; k < experts.size(); k++) {
            // an n-gram expert counts its cluster once: a cluster smaller than the budget uses all of it
            Path shard = experts.get(k).getParent().getParent().resolve("data").resolve("shard-" + k + ".bin");
            total += Files.isRegularFile(shard) ? Math.min(tokensPerExpert, TokenShard.numTokens(shard)) : tokensPerExpert;
        }
        return total;
    }

    /** Wall time of the expert runs together (seconds; excludes the shared seed). */
    public double expertSeconds() {
        double total = 0;
        for (Path e : experts) {
            total += switch (kind) {
                case ExpertKind.Ngram n -> readSeconds(e.getParent().resolve("train-seconds.txt"));
                case ExpertKind.Transformer t -> Checkpoint.readInfo(e).trainSeconds();
            };
        }
        return total;
    }

    /** Where the experts were trained: the device of the last expert's last session, or the JVM for n-grams. */
    public String device() {
        return switch (kind) {
            case ExpertKind.Ngram n -> "cpu (Java, " + Runtime.getRuntime().availableProcessors() + " threads)";
            case ExpertKind.Transformer t -> Checkpoint.readInfo(experts.get(experts.size() - 1)).device();
        };
    }

    /** Training FLOPs of the experts (6 N D, non-embedding parameters); NaN for n-gram experts (counting). */
    public double expertFlops() {
        return switch (kind) {
            case ExpertKind.Ngram n -> Double.NaN;
            case ExpertKind.Transformer t -> t.model().trainingFlops(expertTokens());
        };
    }

    private static double readSeconds(Path file) {
        try {
            return Files.isRegularFile(file) ? Double.parseDouble(Files.readString(file).trim()) : Double.NaN;
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Tokens of the seed run (0 without a seed). */
    public long seedTokens() {
        return seed == null ? 0 : Checkpoint.readInfo(seed).tokensSeen();
    }

    /**
     * The metrics logs of the seed and every transformer expert as one long table: run, step, tokens of the run,
     * tokens including the seed's (so expert curves continue the seed's), train and valid loss, lr, tokens/s.
     * Empty for n-gram experts (counting has no curve).
     */
    public Table lossCurves() {
        StringColumn run = StringColumn.create("run");
        LongColumn step = LongColumn.create("step");
        LongColumn tokens = LongColumn.create("tokens");
        LongColumn lineage = LongColumn.create("tokens_incl_seed");
        DoubleColumn train = DoubleColumn.create("train_loss");
        DoubleColumn valid = DoubleColumn.create("valid_loss");
        DoubleColumn lr = DoubleColumn.create("lr");
        DoubleColumn speed = DoubleColumn.create("tokens_per_s");
        if (seed != null) {
            long seedTokens = seedTokens();
            append("seed", seed.getParent().resolve("metrics.csv"), 0, run, step, tokens, lineage, train, valid, lr, speed);
            for (int k = 0; k < experts.size(); k++) {
                append("expert " + k, experts.get(k).getParent().resolve("metrics.csv"), seedTokens,
                        run, step, tokens, lineage, train, valid, lr, speed);
            }
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
