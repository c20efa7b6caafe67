package org.cbtm.scale.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.cbtm.base.Profile;
import org.cbtm.cluster.ClusterModel;
import org.cbtm.cluster.KMeansPartitioner;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.CorpusManifest;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Jsonl;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.TokenShard;
import org.cbtm.experiment.ClusterShards;
import org.cbtm.text.token.Tokenizer;

/**
 * The Spark job in {@code local[2]} against the in-process {@link ClusterShards#build} on a real slice of the quick
 * mixture: the same cluster for every passage, the same shard bytes, and an existing output never overwritten.
 */
class SparkAssignTest {

    private static final int PER_SOURCE = 60;
    private static final int K = 4;

    @TempDir
    static Path tmp;
    private static JavaSparkContext sc;
    private static List<Document> slice;
    private static Tokenizer tokenizer;
    private static ClusterModel model;
    private static Path inputDir;
    private static Path modelFile;

    @BeforeAll
    static void setUp() throws IOException {
        assumeTrue(CorpusManifest.exists(Corpora.dir()), "the corpus is not built at " + Corpora.dir()
                + " (run datasets/build, or set CBTM_DATA_DIR to a folder holding corpus/): skipping the Spark test");
        // a real slice of the quick mixture: the first passages of every source, source by source
        List<Document> train = Mixture.standard(Profile.QUICK).sample(Split.TRAIN);
        Map<String, Integer> taken = new HashMap<>();
        slice = new ArrayList<>();
        for (Document d : train) {
            if (taken.merge(d.source(), 1, Integer::sum) <= PER_SOURCE) {
                slice.add(d);
            }
        }
        tokenizer = Corpora.tokenizer();
        model = KMeansPartitioner.reference(K, true, 0).fit(slice.stream().map(Document::text).toList());
        modelFile = model.save(tmp.resolve("model.zip"));
        // two input files, read as a folder in name order: a gzipped one and a plain one
        inputDir = Files.createDirectories(tmp.resolve("corpus"));
        int half = slice.size() / 2;
        Jsonl.write(inputDir.resolve("part-a.jsonl.gz"), slice.subList(0, half));
        Jsonl.write(inputDir.resolve("part-b.jsonl"), slice.subList(half, slice.size()));
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkAssignTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
    }

    @AfterAll
    static void tearDown() {
        if (sc != null) {
            sc.close();
        }
    }

    private static AssignConfig config(Path out) {
        return AssignConfig.of(List.of(inputDir.toString()), modelFile.toString(),
                Corpora.dir().resolve("tokenizer.json").toString(), out.toString());
    }

    @Test
    void sameClusterAndShardsAsInProcessThenNeverOverwrites() throws IOException {
        Path out = tmp.resolve("assigned");
        SparkAssign.Result r = SparkAssign.run(sc, config(out).withMinPartitions(2));
        ClusterShards local = ClusterShards.build(model, slice, tokenizer);

        assertFalse(r.skipped());
        assertEquals(slice.size(), r.passages());
        Map<String, Integer> sparkCluster = new HashMap<>();
        for (int c = 0; c < K; c++) {
            for (String line : Files.readAllLines(out.resolve("assignment").resolve("cluster-" + c + ".tsv"))) {
                assertEquals(null, sparkCluster.put(line.split("\t")[2], c), "passage listed twice: " + line);
            }
        }
        int differ = 0;
        for (int i = 0; i < slice.size(); i++) {
            differ += local.assignment()[i] == sparkCluster.get(slice.get(i).id()) ? 0 : 1;
        }
        assertEquals(0, differ, differ + " of " + slice.size() + " passages in another cluster than in-process");
        for (int c = 0; c < K; c++) {
            TokenShard shard = TokenShard.load(ClusterShards.shardPath(out, c));
            assertEquals(local.shard(c), shard, "shard " + c);
            assertEquals(new SparkAssign.ClusterCount(c, shard.numDocuments(), shard.numTokens()), r.clusters().get(c));
        }
        JsonNode prov = new ObjectMapper().readTree(out.resolve(SparkAssign.PROVENANCE).toFile());
        assertEquals(SparkAssign.sha256(Files.readAllBytes(modelFile)), prov.path("model").path("sha256").asText());
        assertEquals(2, prov.path("inputs").size());
        assertEquals(slice.size(), prov.path("passages").asLong());
        assertEquals(K + 1, Files.readAllLines(out.resolve(SparkAssign.COUNTS)).size());

        // a second run: fails by default and leaves every file as it was; skips when asked to
        byte[] before = Files.readAllBytes(ClusterShards.shardPath(out, 0));
        long stamp = Files.getLastModifiedTime(out.resolve(SparkAssign.PROVENANCE)).toMillis();
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> SparkAssign.run(sc, config(out)));
        assertTrue(again.getMessage().contains("exists"), again.getMessage());
        SparkAssign.Result skipped = SparkAssign.run(sc, config(out).withIfExists(AssignConfig.IfExists.SKIP));
        assertTrue(skipped.skipped());
        assertEquals(r.clusters(), skipped.clusters());
        assertArrayEquals(before, Files.readAllBytes(ClusterShards.shardPath(out, 0)));
        assertEquals(stamp, Files.getLastModifiedTime(out.resolve(SparkAssign.PROVENANCE)).toMillis());
        try (var left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "a temporary folder was left");
        }
    }

    @Test
    void badInputFailsClearlyAndWritesNothing() throws IOException {
        Path missing = tmp.resolve("no-such-corpus");
        Path out = tmp.resolve("never");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkAssign.run(sc,
                AssignConfig.of(List.of(missing.toString()), modelFile.toString(),
                        Corpora.dir().resolve("tokenizer.json").toString(), out.toString())));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());

        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("x.jsonl"), "{\"id\": \"a\", \"text\": \"fine text\"}\n{\"id\": \"b\"}\n");
        Exception failed = assertThrows(Exception.class, () -> SparkAssign.run(sc,
                AssignConfig.of(List.of(broken.toString()), modelFile.toString(),
                        Corpora.dir().resolve("tokenizer.json").toString(), out.toString())));
        assertTrue(stackText(failed).contains("x.jsonl, the line at byte 33: missing \"text\""), stackText(failed));
        assertFalse(Files.exists(out));
    }

    @Test
    void configRejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> AssignConfig.parse(new String[] {"--model", "m.zip"}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AssignConfig.parse(
                new String[] {"--input", "a", "--model", "m", "--tokenizer", "t", "--output", "o", "--if-exists", "maybe"}));
        assertTrue(e.getMessage().contains("fail or skip"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AssignConfig.parse(
                new String[] {"--input", "a", "--model", "m", "--tokenizer", "t", "--output", "o", "--split", "holdout"}));
        AssignConfig ok = AssignConfig.parse(new String[] {"--input", "a,b", "--model", "m", "--tokenizer", "t",
                "--output", "o", "--partitions", "8", "--split", "train", "--master", "local[2]"});
        assertEquals(List.of("a", "b"), ok.inputs());
        assertEquals(8, ok.minPartitions());
        assertEquals("train", ok.split());
    }

    private static String stackText(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
