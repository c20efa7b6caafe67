package org.cbtm.btm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.gpt.Devices;
import org.cbtm.train.CbtmExperts;
import org.cbtm.train.Checkpoint;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TrainJob;
import org.cbtm.train.Trainer;
import org.cbtm.train.TransformerExperts;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Growing a BTM set by one domain (methods 2): the new domain's ELM is branched from each {@link ElmInit} and
 * trained on the new domain's data for the same budget; the held-out loss on the new domain is recorded from the
 * start (step 0, the init itself) to the end, so the inits can be compared at equal steps. Each run is a restartable
 * {@link TrainJob} in {@code dir/<init>}: a finished run is read back, not trained again.
 */
public final class DomainGrowth {

    /** One init's run: its start checkpoint, its final checkpoint, and its held-out loss before training. */
    public record Run(String init, Path start, Path checkpoint, double startLoss) {
    }

    private DomainGrowth() {
    }

    /**
     * Trains the new domain's ELM from every init.
     *
     * @param kind    the architecture and training settings of the ELMs
     * @param context the seed, existing ELMs and the new domain's posterior
     * @param inits   where to start
     * @param train   the new domain's training shard file
     * @param valid   the new domain's held-out shard file (the curves' loss)
     * @param tokens  the budget of each run
     * @param dir     the folder of the runs
     */
    public static List<Run> run(TransformerExperts kind, GrowthContext context, List<ElmInit> inits, Path train,
                                Path valid, long tokens, Path dir) {
        if (inits.isEmpty()) {
            throw new IllegalArgumentException("growing the set needs at least one init to compare");
        }
        if (valid == null) {
            throw new IllegalArgumentException("growing the set records the held-out loss of the new domain: give a valid shard");
        }
        TrainConfig config = kind.forBudget(tokens);
        List<Run> runs = new ArrayList<>();
        for (ElmInit init : inits) {
            Path runDir = dir.resolve(folder(init.name()));
            Path start = init.checkpoint(context, runDir);
            double startLoss = startLoss(kind, config, start, train, valid, runDir);
            TrainJob job = new TrainJob(kind.model(), config, train, valid, start, runDir);
            Path done = job.run(false).checkpoint();
            runs.add(new Run(init.name(), start, done, startLoss));
        }
        return runs;
    }

    /** The held-out loss of the start checkpoint, measured like the trainer's evaluations (cached in the run folder). */
    private static double startLoss(TransformerExperts kind, TrainConfig config, Path start, Path train, Path valid,
                                    Path runDir) {
        Path cache = runDir.resolve("start-loss.txt");
        try {
            if (Files.isRegularFile(cache)) {
                return Double.parseDouble(Files.readString(cache).trim());
            }
            Checkpoint parent = Checkpoint.read(start);
            double loss;
            try (Trainer t = Trainer.branch(parent, start.toString(), kind.model(), config, TokenShard.load(train),
                    TokenShard.load(valid), Devices.best())) {
                loss = t.evaluate();
            }
            Files.createDirectories(runDir);
            org.cbtm.base.AtomicFiles.writeString(cache, Double.toString(loss));
            return loss;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot record the start loss in " + cache, e);
        }
    }

    /**
     * The held-out loss and perplexity of every run against its steps and tokens, step 0 being the init: columns
     * init, step, tokens, valid_loss, valid_ppl.
     */
    public static Table curves(List<Run> runs) {
        StringColumn init = StringColumn.create("init");
        LongColumn step = LongColumn.create("step");
        LongColumn tokens = LongColumn.create("tokens");
        DoubleColumn loss = DoubleColumn.create("valid_loss");
        DoubleColumn ppl = DoubleColumn.create("valid_ppl");
        for (Run r : runs) {
            init.append(r.init());
            step.append(0);
            tokens.append(0);
            loss.append(r.startLoss());
            ppl.append(Math.exp(r.startLoss()));
            Map<String, Path> logs = new LinkedHashMap<>();
            logs.put(r.init(), r.checkpoint().getParent().resolve("metrics.csv"));
            Table t = CbtmExperts.lossCurves(logs, Map.of());
            for (int i = 0; i < t.rowCount(); i++) {
                double v = t.doubleColumn("valid_loss").getDouble(i);
                if (Double.isNaN(v)) {
                    continue;
                }
                init.append(r.init());
                step.append(t.longColumn("step").getLong(i));
                tokens.append(t.longColumn("tokens").getLong(i));
                loss.append(v);
                ppl.append(Math.exp(v));
            }
        }
        return Table.create("growth curves", init, step, tokens, loss, ppl);
    }

    private static String folder(String name) {
        return name.replaceAll("[^A-Za-z0-9]+", "-");
    }
}
