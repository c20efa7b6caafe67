package org.cbtm.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.DeviceNames;
import org.cbtm.base.Tokens;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;

/**
 * Interpolated modified Kneser-Ney experts. An n-gram model has nothing to branch from (its "training" is counting,
 * and adding the seed's counts would just be training on the other clusters' data), so every expert counts its own
 * cluster only, within its token budget, once: an expert whose cluster holds fewer tokens than its budget trains on
 * fewer tokens, and its account says so.
 *
 * <pre>
 *   dir/model.kn        the model (the "done" mark)
 *   dir/training.json   tokens counted, seconds, device
 * </pre>
 *
 * @param config the n-gram order and discounting
 */
public record NgramExperts(NgramConfig config) implements ExpertKind {

    /** Below this many tokens per expert an n-gram expert estimates little beyond unigram counts. */
    public static final long MIN_TOKENS_PER_EXPERT = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    public NgramExperts {
        if (config == null) {
            throw new IllegalArgumentException("n-gram experts need their NgramConfig");
        }
    }

    /** Kneser-Ney experts of the given order. */
    public static NgramExperts order(int order) {
        return new NgramExperts(new NgramConfig(order));
    }

    @Override
    public String name() {
        return "kn" + config.order();
    }

    @Override
    public ExpertJob expertJob(ExpertTask task) {
        Path model = task.dir().resolve("model.kn");
        if (Files.isRegularFile(model)) {
            return ExpertJob.done(model);
        }
        return new ExpertJob(model, () -> {
            long start = System.nanoTime();
            KneserNeyLM lm = KneserNeyLM.train(CbtmTraining.sampleOrder(TokenShard.load(task.shard()), task.tokens(),
                    task.cluster()), config, task.tokens());
            double seconds = (System.nanoTime() - start) / 1e9;
            // the record first: model.kn is the "done" mark, so a crash in between only loses a retry
            AtomicFiles.writeString(task.dir().resolve("training.json"), JSON.createObjectNode()
                    .put("tokens", lm.tokensUsed()).put("seconds", seconds).put("device", DeviceNames.localCpu())
                    .toString() + "\n");
            lm.save(model);
        });
    }

    @Override
    public LanguageModel load(Path artifact) {
        return KneserNeyLM.load(artifact);
    }

    @Override
    public ComputeAccount account(Path artifact) {
        Path record = artifact.resolveSibling("training.json");
        if (Files.isRegularFile(record)) {
            try {
                JsonNode r = JSON.readTree(record.toFile());
                return ComputeAccount.counting(r.path("tokens").asLong(), r.path("seconds").asDouble(Double.NaN),
                        r.path("device").asText(DeviceNames.localCpu()));
            } catch (IOException e) {
                // fall through to the model file, which knows its tokens
            }
        }
        try (KneserNeyLM lm = KneserNeyLM.load(artifact)) {
            return ComputeAccount.counting(lm.tokensUsed(), Double.NaN, DeviceNames.localCpu());
        }
    }

    /** Counting runs in plain Java: score documents on every core. */
    @Override
    public int scoringThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Fewer tokens than this per expert and a run is refused: not even the common words are counted once. */
    public static final long MIN_ACCEPTED_TOKENS_PER_EXPERT = 100;

    @Override
    public long minTokensPerExpert() {
        return MIN_ACCEPTED_TOKENS_PER_EXPERT;
    }

    @Override
    public Optional<String> budgetWarning(long tokensPerExpert) {
        if (tokensPerExpert < MIN_TOKENS_PER_EXPERT) {
            return Optional.of(String.format(java.util.Locale.ROOT, "each %s expert counts only %s tokens (below %s): "
                            + "its estimates are little better than unigram counts; raise the budget or lower K",
                    name(), Tokens.human(tokensPerExpert), Tokens.human(MIN_TOKENS_PER_EXPERT)));
        }
        return Optional.empty();
    }
}
