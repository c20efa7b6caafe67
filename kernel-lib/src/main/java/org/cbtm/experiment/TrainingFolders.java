package org.cbtm.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cbtm.train.CbtmExperts;
import org.cbtm.train.CbtmTraining;
import org.cbtm.corpus.TokenShard;

/**
 * Stable folders in an {@link ArtifactStore} for {@link CbtmTraining} runs on data the caller prepared (its own
 * cluster shards, a held-out shard), keyed by everything that shapes the result: the plan's expert kind and
 * budgets and the exact token content of every shard. Re-running the same plan on the same data finds the finished
 * seed and experts (the driver skips them), an interrupted run resumes in the same folder, and any change of data
 * or settings gets new folders.
 *
 * <pre>
 *   root/&lt;prefix&gt;-seed/&lt;sha256&gt;/seed/ the seed run: kind, seed tokens, whole mixture, held-out shard
 *   root/&lt;prefix&gt;-experts/&lt;sha256&gt;/   the experts: the above plus the total budget and every cluster shard
 * </pre>
 *
 * Two plans that differ only in their expert budget (a K = 4 run and its K = 1 dense baseline) share the seed.
 *
 * @param store  the artifact store (e.g. {@link ArtifactStore#standard()}, {@code build/artifacts})
 * @param prefix the folder-kind prefix, e.g. {@code "nb04"} (lowercase letters, digits, '.', '_' or '-')
 */
public record TrainingFolders(ArtifactStore store, String prefix) {

    public TrainingFolders {
        if (store == null) {
            throw new IllegalArgumentException("training folders need an artifact store");
        }
        if (prefix == null || !prefix.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("prefix '" + prefix + "' must be lowercase letters, digits, '.', '_' or"
                    + " '-' (it names a folder)");
        }
    }

    /**
     * The seed's folder: expert kind and seed tokens, the whole mixture and the held-out shard. (The run folder is
     * {@code seed} inside the keyed folder, so progress bars read "Training seed".)
     */
    public Path seed(CbtmTraining.Plan plan, CbtmTraining.Data data) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("kind", plan.kind());
        String kind = prefix + "-seed";
        return store.folder(kind, ArtifactStore.key(kind, config, seedInputs(data))).resolve("seed");
    }

    /** The experts' folder: the seed's key plus the total budget and the content of every cluster shard in order. */
    public Path experts(CbtmTraining.Plan plan, CbtmTraining.Data data) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("kind", plan.kind());
        config.put("totalTokens", plan.totalTokens());
        Map<String, String> inputs = new LinkedHashMap<>(seedInputs(data));
        List<int[]> arrays = new ArrayList<>();
        for (TokenShard s : data.clusterShards()) {
            arrays.add(s.tokens());
            arrays.add(s.starts());
        }
        inputs.put("clusterShards", data.k() + ":" + ArtifactStore.fingerprintInts(arrays.toArray(int[][]::new)));
        String kind = prefix + "-experts";
        return store.folder(kind, ArtifactStore.key(kind, config, inputs));
    }

    /** Runs (or completes, or finds) the plan in its folders: {@link CbtmTraining#run} with {@link #seed} and {@link #experts}. */
    public CbtmExperts run(CbtmTraining.Plan plan, CbtmTraining.Data data) {
        return CbtmTraining.run(plan, data, seed(plan, data), experts(plan, data));
    }

    private static Map<String, String> seedInputs(CbtmTraining.Data data) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("all", fingerprint(data.all()));
        inputs.put("valid", data.valid() == null ? "none" : fingerprint(data.valid()));
        return inputs;
    }

    private static String fingerprint(TokenShard s) {
        return s.vocabSize() + ":" + ArtifactStore.fingerprintInts(s.tokens(), s.starts());
    }
}
