package org.cbtm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.cbtm.cluster.ClusterAnalytics;
import org.cbtm.cluster.ClusterTables;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.TokenShard;
import org.cbtm.eval.EvalConfig;
import org.cbtm.experiment.ArtifactStore;
import org.cbtm.experiment.CbtmConfig;
import org.cbtm.experiment.CbtmExperiment;
import org.cbtm.experiment.CbtmResult;
import org.cbtm.experiment.GridResults;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.notebook.Figures;
import org.cbtm.present.ClusterPlots;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.train.NgramExperts;
import org.cbtm.train.TrainConfig;
import org.cbtm.train.TrainJob;
import org.cbtm.train.TransformerExperts;

import tech.tablesaw.api.Table;

/**
 * One stage of the fault-injection run (issue 18, {@code environment/bench/reliability_faults.py}), small enough
 * that a kill-and-rerun cycle takes seconds. The orchestrator starts it, kills it with SIGKILL at a random moment,
 * starts it again on the same folder and compares what the finished run prints (one line {@code RESULT {json}},
 * the last line of stdout) and writes with an uninterrupted run's.
 *
 * <pre>
 *   FaultTarget grid DIR         a C-BTM grid (k-means clustering, shards, KN-3 and tiny-GPT experts with a seed and
 *                                intermediate checkpoints, cached evaluation) in a fresh artifact store DIR; needs the
 *                                built corpus (CBTM_DATA_DIR)
 *   FaultTarget checkpoint DIR   a tiny GPT trained with a checkpoint after every step (checkpoint writes dominate
 *                                its time), resumed from the last checkpoint
 *   FaultTarget figures DIR      figures exported as HTML and PNG (headless Chromium) into DIR
 * </pre>
 */
public final class FaultTarget {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private FaultTarget() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FaultTarget grid|checkpoint|figures DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]).toAbsolutePath();
        Map<String, Object> out = switch (args[0]) {
            case "grid" -> grid(dir);
            case "checkpoint" -> checkpoint(dir);
            case "figures" -> figures(dir);
            default -> throw new IllegalArgumentException("unknown stage " + args[0]);
        };
        System.out.println("RESULT " + JSON.writeValueAsString(out));
        System.out.flush();
        System.exit(0); // libtorch's threads must not keep the JVM alive
    }

    // ------------------------------------------------------------------ grid

    /** Every n-th element (a spread sample of the mixture, which is listed source by source). */
    private static List<Document> every(List<Document> docs, int n) {
        List<Document> r = new ArrayList<>();
        for (int i = 0; i < docs.size(); i += n) {
            r.add(docs.get(i));
        }
        return r;
    }

    static List<CbtmConfig> gridConfigs(int vocab) {
        NgramExperts kn3 = new NgramExperts(new NgramConfig(3));
        // a tiny GPT: 1 layer, width 32, context 32; batch 4 x 32 = 128 tokens a step; the seed takes 20 steps and
        // each expert 24 (a checkpoint every 5 and 6 steps)
        TransformerExperts gpt = new TransformerExperts(new GptConfig(vocab, 1, 32, 2, 32, 0.0),
                TrainConfig.reference(128, 4, 32, 1e-3), 20 * 128);
        return List.of(
                CbtmConfig.balanced(2, kn3, 40_000),
                CbtmConfig.dense(kn3, 40_000),
                CbtmConfig.balanced(2, gpt, 2 * 24 * 128));
    }

    static Map<String, Object> grid(Path store) {
        Corpus corpus = Corpora.load();
        Tokenizer tok = Corpora.tokenizer();
        Mixture mix = Mixture.standard();
        List<Document> train = every(mix.sample(corpus, Split.TRAIN), 6);
        List<Document> test = every(mix.sample(corpus, Split.TEST), 25);
        Map<String, Object> out = new LinkedHashMap<>();
        try (CbtmExperiment exp = new CbtmExperiment(train, test, tok, new ArtifactStore(store),
                EvalConfig.defaults().withContextLength(32).withProgress(false))) {
            List<CbtmConfig> grid = gridConfigs(tok.vocabSize());
            GridResults results = exp.runGrid(grid);
            List<Map<String, Object>> rows = new ArrayList<>();
            List<String> experts = new ArrayList<>();
            for (CbtmConfig c : grid) {
                CbtmResult r = results.get(c);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("config", c.label() + " / " + c.expert().name());
                row.put("perplexity", r.perplexity());
                row.put("test_tokens", r.testTokens());
                row.put("training_tokens", r.trainingTokens());
                rows.add(row);
                var ex = exp.experts(c);
                if (ex.seed() != null) {
                    experts.add(store.relativize(ex.seed().toAbsolutePath()).toString());
                }
                for (Path p : ex.experts()) {
                    experts.add(store.relativize(p.toAbsolutePath()).toString());
                }
            }
            out.put("results", rows);
            out.put("experts", experts.stream().distinct().toList());
        }
        return out;
    }

    // ------------------------------------------------------------------ checkpoint loop

    static Map<String, Object> checkpoint(Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path shard = data.resolve("train.bin");
        if (!Files.isRegularFile(shard)) {
            // a fixed token stream (no corpus needed): written atomically once
            int vocab = 20_000;
            List<int[]> docs = new ArrayList<>();
            java.util.Random rnd = new java.util.Random(7);
            for (int d = 0; d < 40; d++) {
                int[] t = new int[200];
                for (int i = 0; i < t.length; i++) {
                    t[i] = 1 + (int) Math.abs((long) rnd.nextInt() % (vocab - 1));
                }
                docs.add(t);
            }
            TokenShard.ofDocuments(docs, vocab).save(shard);
        }
        // 20k x 64 embedding: about 15 MB a checkpoint with Adam's moments; a checkpoint after every step
        GptConfig model = new GptConfig(20_000, 1, 64, 2, 32, 0.0);
        TrainConfig train = TrainConfig.reference(48 * 4 * 32, 4, 32, 1e-3).withCheckpointInterval(1)
                .withEval(0, 0).withLogInterval(1);
        TrainJob.Result r = new TrainJob(model, train, shard, null, null, dir.resolve("run")).run(false);
        Map<String, Object> out = new LinkedHashMap<>();
        System.err.println("checkpoint loop: " + r.outcome()); // STARTED or RESUMED: not part of the compared result
        out.put("steps", r.info().step());
        out.put("final", dir.relativize(r.checkpoint().toAbsolutePath()).toString());
        return out;
    }

    // ------------------------------------------------------------------ figure export

    static Map<String, Object> figures(Path dir) {
        Table sizes = ClusterTables.stack(List.of(
                ClusterTables.sizes("balanced", "mix", 4, 1, new int[] {0, 0, 1, 1, 2, 2, 3, 3}),
                ClusterTables.sizes("unbalanced", "mix", 4, 1, new int[] {0, 0, 0, 0, 0, 1, 2, 3}),
                ClusterTables.sizes("random", "mix", 4, 1, new int[] {0, 1, 2, 3, 0, 1, 2, 3})));
        int[] a = {0, 0, 1, 1, 1, 2, 2, 0};
        List<String> labels = List.of("news", "news", "fiction", "fiction", "news", "science", "science", "fiction");
        List<String> names = List.of("fault-sorted-sizes", "fault-size-boxes", "fault-overlap");
        Figures.save(ClusterPlots.sortedSizes(sizes, 4, "cluster sizes, sorted"), names.get(0), 400, 300);
        Figures.save(ClusterPlots.sizeBoxes(sizes, "mix", "cluster sizes"), names.get(1), 400, 300);
        Figures.save(ClusterPlots.overlapHeatmap(ClusterAnalytics.overlap(a, labels, 3),
                ClusterPlots.Normalise.ROWS, "overlap"), names.get(2), 400, 300);
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> files = new ArrayList<>();
        for (String n : names) {
            files.add(n + ".html");
            files.add(n + ".png");
        }
        out.put("files", files);
        out.put("dir", dir.toString());
        return out;
    }
}
