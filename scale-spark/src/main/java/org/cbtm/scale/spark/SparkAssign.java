package org.cbtm.scale.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.Partitioner;
import org.apache.spark.SerializableWritable;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

import org.cbtm.base.Provenance;
import org.cbtm.cluster.ClusterModel;
import org.cbtm.corpus.CorpusFormatException;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Jsonl;
import org.cbtm.corpus.TokenShard;
import org.cbtm.experiment.ClusterShards;
import org.cbtm.text.token.Tokenizer;

import scala.Tuple2;

/**
 * C-BTM's corpus side as a Spark job: read corpus JSON Lines, embed every passage with a fitted tf-idf + SVD model,
 * assign it to its nearest centre, tokenise it, and write one {@link TokenShard} per cluster (the file an expert's
 * {@code TrainJob} reads). Every passage goes through the same code as the in-process
 * {@link ClusterShards#build}: {@link ClusterModel#assign} for the cluster and the corpus tokenizer's
 * {@code encode} for the tokens, so the cluster ids and the shards are identical passage for passage. The model
 * and the tokenizer are read once by the driver and broadcast (their bytes); each executor JVM loads them once.
 *
 * <p>Passage order is input order (the inputs as listed, a folder's files by name, each file's lines in order), so
 * shard k holds cluster k's passages in the same order as the in-process shard of the same documents. The output
 * folder is written under a hidden temporary name next to it and renamed when complete: it either exists whole or
 * not at all, and a second run over an existing output fails (or, with {@code --if-exists skip}, does nothing when
 * the output was made from the same model and inputs).
 *
 * <pre>
 *   output/shard-&lt;k&gt;.bin            cluster k's passages, tokenised (TokenShard format), for k in [0, K)
 *   output/counts.csv                cluster, documents, tokens
 *   output/assignment/cluster-&lt;k&gt;.tsv  input file index, byte offset of the line, passage id: who went where
 *   output/provenance.json           model and tokenizer fingerprints, inputs, counts, Spark and library versions
 * </pre>
 *
 * Run it with {@code spark-submit --class org.cbtm.scale.spark.SparkAssign} (README, "Running on a cluster"), or
 * with plain java and {@code --master local[N]}.
 */
public final class SparkAssign {

    /** The format name recorded in {@code provenance.json}. */
    public static final String FORMAT = "cbtm-spark-assignment/1";
    public static final String PROVENANCE = "provenance.json";
    public static final String COUNTS = "counts.csv";
    public static final String ASSIGNMENT = "assignment";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SparkAssign() {
    }

    /** One cluster's share of the output. */
    public record ClusterCount(int cluster, long documents, long tokens) implements Serializable {
    }

    /**
     * What a run did.
     *
     * @param output       the output folder
     * @param skipped      true when the output existed already (nothing was computed)
     * @param modelSha256  the fingerprint of the model's bytes
     * @param passages     passages assigned
     * @param skippedEmpty passages with empty text, left out (as the in-process reader does)
     * @param clusters     documents and tokens per cluster
     * @param seconds      wall time of the run
     */
    public record Result(String output, boolean skipped, String modelSha256, long passages, long skippedEmpty,
                         List<ClusterCount> clusters, double seconds) {
        public Result {
            clusters = List.copyOf(clusters);
        }
    }

    /** {@code SparkAssign --input ... --model ... --tokenizer ... --output ... [--master local[2]]}; see the usage. */
    public static void main(String[] args) {
        AssignConfig config;
        try {
            config = AssignConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        SparkConf conf = new SparkConf().setAppName("cbtm-assign");
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--master")) {
                conf.setMaster(args[i + 1]);
            }
        }
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]"); // plain java without spark-submit or --master
        }
        int status = 0;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            Result r = run(sc, config);
            System.out.println(summary(r));
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    /** One line per run: what was written where, or that an existing output was kept. */
    public static String summary(Result r) {
        if (r.skipped()) {
            return "output " + r.output() + " exists (model " + r.modelSha256().substring(0, 12) + ", " + r.passages()
                    + " passages): skipped";
        }
        long tokens = r.clusters().stream().mapToLong(ClusterCount::tokens).sum();
        return String.format(java.util.Locale.ROOT, "assigned %d passages (%d tokens) to %d clusters in %.1f s "
                        + "(%.0f passages/s); %d empty passages left out; wrote %s", r.passages(), tokens,
                r.clusters().size(), r.seconds(), r.passages() / r.seconds(), r.skippedEmpty(), r.output());
    }

    /** Runs the job on {@code sc}; see the class comment. */
    public static Result run(JavaSparkContext sc, AssignConfig config) {
        long start = System.nanoTime();
        Configuration hadoop = sc.hadoopConfiguration();
        Path output = new Path(config.output());
        FileSystem outFs = fs(output, hadoop);
        List<InputFile> inputs = expandInputs(config.inputs(), hadoop);
        byte[] modelBytes = readAll(new Path(config.model()), hadoop, "the model");
        byte[] tokenizerBytes = readAll(new Path(config.tokenizer()), hadoop, "the tokenizer");
        String modelSha = sha256(modelBytes);
        String tokenizerSha = sha256(tokenizerBytes);

        if (exists(outFs, output)) {
            return existing(outFs, output, config, modelSha, inputs);
        }
        ClusterModel model = Loaded.model(modelSha, modelBytes);   // the driver's copy: K and the description
        Tokenizer tokenizer = Loaded.tokenizer(tokenizerSha, tokenizerBytes);
        int k = model.numClusters();

        Path tmp = new Path(output.getParent() == null ? new Path(".") : output.getParent(),
                "." + output.getName() + ".tmp-" + sc.sc().applicationId());
        try {
            Broadcast<byte[]> modelB = sc.broadcast(modelBytes);
            Broadcast<byte[]> tokenizerB = sc.broadcast(tokenizerBytes);
            Broadcast<SerializableWritable<Configuration>> confB = sc.broadcast(new SerializableWritable<>(hadoop));
            LongAccumulator empty = sc.sc().longAccumulator("empty passages");
            LongAccumulator otherSplit = sc.sc().longAccumulator("passages of other splits");
            String split = config.split();
            int batch = config.batchSize();
            int minPartitions = config.minPartitions() > 0 ? config.minPartitions() : sc.defaultParallelism();

            List<JavaPairRDD<PassageKey, Passage>> perFile = new ArrayList<>();
            for (int f = 0; f < inputs.size(); f++) {
                int fileIndex = f;
                String name = inputs.get(f).path();
                perFile.add(sc.hadoopFile(name, TextInputFormat.class, LongWritable.class, Text.class, minPartitions)
                        .mapPartitionsToPair(lines -> assignPartition(fileIndex, name, lines, batch, split,
                                modelSha, modelB, tokenizerSha, tokenizerB, empty, otherSplit)));
            }
            JavaPairRDD<PassageKey, Passage> all = perFile.size() == 1 ? perFile.get(0)
                    : sc.union(perFile.toArray(JavaPairRDD[]::new));
            String tmpDir = tmp.toString();
            int vocab = tokenizer.vocabSize();
            List<ClusterCount> counts = new ArrayList<>(all
                    .repartitionAndSortWithinPartitions(new ClusterPartitioner(k), new InputOrder())
                    .mapPartitionsWithIndex((c, it) -> List.of(writeCluster(c, it, tmpDir, vocab, confB.value().value()))
                            .iterator(), true)
                    .collect());
            counts.sort(Comparator.comparingInt(ClusterCount::cluster));
            long passages = counts.stream().mapToLong(ClusterCount::documents).sum();
            if (passages == 0) {
                throw new IllegalArgumentException("no passages in " + config.inputs()
                        + (split.isEmpty() ? "" : " of split '" + split + "'") + " (" + empty.value()
                        + " with empty text, " + otherSplit.value() + " of other splits)");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            writeString(outFs, new Path(tmp, COUNTS), countsCsv(counts));
            writeString(outFs, new Path(tmp, PROVENANCE), provenance(sc, config, model, modelSha, tokenizerSha, inputs,
                    counts, empty.value(), otherSplit.value(), seconds));
            if (exists(outFs, output)) {
                throw new IllegalStateException("output " + output + " appeared while this run was writing (another "
                        + "run?); this run's result is left out: " + tmp + " was deleted");
            }
            if (!outFs.rename(tmp, output)) {
                throw new IllegalStateException("could not rename " + tmp + " to " + output);
            }
            return new Result(output.toString(), false, modelSha, passages, empty.value(), counts, seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + output + " failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(outFs, tmp);
        }
    }

    // ------------------------------------------------------------------ executor side

    /** Where a passage sorts: its cluster (the partition) and its place in the input. */
    record PassageKey(int cluster, int file, long offset) implements Serializable {
    }

    /** A tokenised passage (tokens without the end-of-document mark, which the shard adds). */
    record Passage(String id, int[] tokens) implements Serializable {
    }

    /** Input order inside a cluster's partition: file, then byte offset of the line. */
    static final class InputOrder implements Comparator<PassageKey>, Serializable {
        @Override
        public int compare(PassageKey a, PassageKey b) {
            int c = Integer.compare(a.file(), b.file());
            return c != 0 ? c : Long.compare(a.offset(), b.offset());
        }
    }

    /** Partition c holds cluster c. */
    static final class ClusterPartitioner extends Partitioner {
        private final int k;

        ClusterPartitioner(int k) {
            this.k = k;
        }

        @Override
        public int numPartitions() {
            return k;
        }

        @Override
        public int getPartition(Object key) {
            return ((PassageKey) key).cluster();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClusterPartitioner p && p.k == k;
        }

        @Override
        public int hashCode() {
            return k;
        }
    }

    /** Parses, assigns and tokenises one read partition, {@code batch} passages at a time. */
    private static Iterator<Tuple2<PassageKey, Passage>> assignPartition(
            int file, String name, Iterator<Tuple2<LongWritable, Text>> lines, int batch, String split,
            String modelSha, Broadcast<byte[]> model, String tokenizerSha, Broadcast<byte[]> tokenizer,
            LongAccumulator empty, LongAccumulator otherSplit) {
        ClusterModel m = Loaded.model(modelSha, model);
        Tokenizer t = Loaded.tokenizer(tokenizerSha, tokenizer);
        List<Tuple2<PassageKey, Passage>> out = new ArrayList<>();
        List<Document> docs = new ArrayList<>(batch);
        List<Long> offsets = new ArrayList<>(batch);
        while (lines.hasNext()) {
            Tuple2<LongWritable, Text> line = lines.next();
            String json = line._2().toString(); // Hadoop reuses the Text: read it now
            long offset = line._1().get();
            if (json.isBlank()) {
                continue;
            }
            Document d = parse(name, offset, json);
            if (d.text().isBlank()) {
                empty.add(1);
                continue;
            }
            if (!split.isEmpty() && !split.equals(d.split())) {
                otherSplit.add(1);
                continue;
            }
            docs.add(d);
            offsets.add(offset);
            if (docs.size() == batch) {
                assignBatch(file, docs, offsets, m, t, out);
            }
        }
        if (!docs.isEmpty()) {
            assignBatch(file, docs, offsets, m, t, out);
        }
        return out.iterator();
    }

    private static void assignBatch(int file, List<Document> docs, List<Long> offsets, ClusterModel model,
                                    Tokenizer tokenizer, List<Tuple2<PassageKey, Passage>> out) {
        int[] clusters = model.assign(docs); // ClusterShards.build's call
        for (int i = 0; i < docs.size(); i++) {
            int[] tokens = tokenizer.encode(docs.get(i).text()); // TokenShard.encode's call
            if (tokens.length == 0) {
                throw new IllegalArgumentException("passage " + docs.get(i).id() + " has no tokens");
            }
            out.add(new Tuple2<>(new PassageKey(clusters[i], file, offsets.get(i)), new Passage(docs.get(i).id(), tokens)));
        }
        docs.clear();
        offsets.clear();
    }

    private static Document parse(String file, long offset, String json) {
        try {
            return Jsonl.parse(java.nio.file.Path.of("input"), 0, json);
        } catch (CorpusFormatException e) {
            String problem = e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
            throw new IllegalArgumentException(file + ", the line at byte " + offset + ": " + problem, e);
        }
    }

    /** Writes cluster {@code c}'s shard and assignment list (attempt files renamed into place). */
    private static ClusterCount writeCluster(int c, Iterator<Tuple2<PassageKey, Passage>> passages, String dir, int vocab,
                                             Configuration conf) throws IOException {
        List<int[]> docs = new ArrayList<>();
        StringBuilder who = new StringBuilder();
        while (passages.hasNext()) {
            Tuple2<PassageKey, Passage> p = passages.next();
            docs.add(p._2().tokens());
            who.append(p._1().file()).append('\t').append(p._1().offset()).append('\t').append(p._2().id()).append('\n');
        }
        TokenShard shard;
        try {
            shard = TokenShard.ofDocuments(docs, vocab);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cluster " + c + " (" + docs.size() + " passages) does not fit one shard: "
                    + e.getMessage(), e);
        }
        Path base = new Path(dir);
        FileSystem fs = fs(base, conf);
        String shardName = ClusterShards.shardPath(java.nio.file.Path.of(""), c).toString();
        long attempt = TaskContext.get() == null ? 0 : TaskContext.get().taskAttemptId();
        writeAtomically(fs, new Path(base, shardName), attempt, shard::writeTo);
        writeAtomically(fs, new Path(new Path(base, ASSIGNMENT), "cluster-" + c + ".tsv"), attempt,
                out -> out.write(who.toString().getBytes(StandardCharsets.UTF_8)));
        return new ClusterCount(c, shard.numDocuments(), shard.numTokens());
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** A task attempt writes its own file and renames it into place, so a retried or late attempt never mixes. */
    private static void writeAtomically(FileSystem fs, Path target, long attempt, Writer writer) throws IOException {
        Path part = new Path(target.getParent(), "." + target.getName() + ".attempt-" + attempt);
        try (OutputStream out = fs.create(part, true)) {
            writer.write(out);
        }
        fs.delete(target, false);
        if (!fs.rename(part, target)) {
            throw new IOException("could not rename " + part + " to " + target);
        }
    }

    /** The model and tokenizer of each executor JVM, loaded once per fingerprint from the broadcast bytes. */
    static final class Loaded {
        private static final Map<String, ClusterModel> MODELS = new ConcurrentHashMap<>();
        private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

        private Loaded() {
        }

        static ClusterModel model(String sha, byte[] bytes) {
            return MODELS.computeIfAbsent(sha, s -> viaFile(bytes, ".zip", ClusterModel::load));
        }

        static ClusterModel model(String sha, Broadcast<byte[]> bytes) {
            return MODELS.computeIfAbsent(sha, s -> viaFile(bytes.value(), ".zip", ClusterModel::load));
        }

        static Tokenizer tokenizer(String sha, byte[] bytes) {
            return TOKENIZERS.computeIfAbsent(sha, s -> viaFile(bytes, ".json", Tokenizer::load));
        }

        static Tokenizer tokenizer(String sha, Broadcast<byte[]> bytes) {
            return TOKENIZERS.computeIfAbsent(sha, s -> viaFile(bytes.value(), ".json", Tokenizer::load));
        }

        /** The library's loaders read files: the bytes go through a local temporary file. */
        private static <T> T viaFile(byte[] bytes, String suffix, Function<java.nio.file.Path, T> load) {
            try {
                java.nio.file.Path f = java.nio.file.Files.createTempFile("cbtm-broadcast-", suffix);
                try {
                    java.nio.file.Files.write(f, bytes);
                    return load.apply(f);
                } finally {
                    java.nio.file.Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack a broadcast model: " + e.getMessage(), e);
            }
        }
    }

    // ------------------------------------------------------------------ driver side

    /** An input file with what identifies its version. */
    record InputFile(String path, long bytes, long modified) {
    }

    /** Files, folders ({@code *.jsonl}, {@code *.jsonl.gz}, by name) and globs, in the order given. */
    static List<InputFile> expandInputs(List<String> inputs, Configuration conf) {
        List<InputFile> files = new ArrayList<>();
        for (String in : inputs) {
            Path p = new Path(in);
            try {
                FileStatus[] matches = fs(p, conf).globStatus(p);
                if (matches == null || matches.length == 0) {
                    throw new IllegalArgumentException("input " + in + " does not exist");
                }
                Arrays.sort(matches, Comparator.comparing(s -> s.getPath().toString()));
                for (FileStatus s : matches) {
                    if (s.isDirectory()) {
                        FileStatus[] inside = fs(p, conf).listStatus(s.getPath(),
                                f -> f.getName().endsWith(".jsonl") || f.getName().endsWith(".jsonl.gz"));
                        if (inside.length == 0) {
                            throw new IllegalArgumentException("input folder " + s.getPath()
                                    + " holds no *.jsonl or *.jsonl.gz file");
                        }
                        Arrays.sort(inside, Comparator.comparing(f -> f.getPath().getName()));
                        for (FileStatus f : inside) {
                            files.add(new InputFile(f.getPath().toString(), f.getLen(), f.getModificationTime()));
                        }
                    } else {
                        files.add(new InputFile(s.getPath().toString(), s.getLen(), s.getModificationTime()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list input " + in + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    /** An existing output: kept when it was made from the same model and inputs and the config says skip. */
    private static Result existing(FileSystem fs, Path output, AssignConfig config, String modelSha,
                                   List<InputFile> inputs) {
        Path prov = new Path(output, PROVENANCE);
        JsonNode p;
        try (InputStream in = fs.open(prov)) {
            p = JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("output " + output + " exists but has no readable " + PROVENANCE
                    + " (not written by this job?): delete it or choose another --output", e);
        }
        if (config.ifExists() == AssignConfig.IfExists.FAIL) {
            throw new IllegalStateException("output " + output + " exists (written " + p.path("created").asText("?")
                    + " from model " + p.path("model").path("sha256").asText("?").substring(0, 12)
                    + "): delete it, choose another --output, or pass --if-exists skip to keep it");
        }
        String theirs = p.path("model").path("sha256").asText();
        List<String> theirInputs = new ArrayList<>();
        p.path("inputs").forEach(i -> theirInputs.add(i.path("path").asText() + "@" + i.path("bytes").asLong()));
        List<String> ours = inputs.stream().map(i -> i.path() + "@" + i.bytes()).toList();
        if (!theirs.equals(modelSha) || !theirInputs.equals(ours)
                || !p.path("split").asText("").equals(config.split())) {
            throw new IllegalStateException("output " + output + " exists but was made from another model, split or "
                    + "inputs (model " + theirs + ", inputs " + theirInputs + "; this run: model " + modelSha + ", inputs "
                    + ours + "): delete it or choose another --output");
        }
        List<ClusterCount> counts = new ArrayList<>();
        p.path("clusters").forEach(c -> counts.add(new ClusterCount(c.path("cluster").asInt(),
                c.path("documents").asLong(), c.path("tokens").asLong())));
        return new Result(output.toString(), true, modelSha, p.path("passages").asLong(),
                p.path("skippedEmpty").asLong(), counts, 0);
    }

    private static String provenance(JavaSparkContext sc, AssignConfig config, ClusterModel model, String modelSha,
                                     String tokenizerSha, List<InputFile> inputs, List<ClusterCount> counts,
                                     long empty, long otherSplit, double seconds) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        ObjectNode m = o.putObject("model");
        m.put("path", config.model());
        m.put("sha256", modelSha);
        m.put("describe", model.describe());
        m.put("k", model.numClusters());
        if (model.provenance() != null) {
            m.put("config", model.provenance().config());
            ObjectNode fitted = m.putObject("fittedOn");
            model.provenance().inputs().forEach(fitted::put);
        }
        ObjectNode t = o.putObject("tokenizer");
        t.put("path", config.tokenizer());
        t.put("sha256", tokenizerSha);
        ArrayNode in = o.putArray("inputs");
        for (InputFile f : inputs) {
            in.addObject().put("path", f.path()).put("bytes", f.bytes())
                    .put("modified", Instant.ofEpochMilli(f.modified()).toString());
        }
        o.put("split", config.split());
        long passages = counts.stream().mapToLong(ClusterCount::documents).sum();
        o.put("passages", passages);
        o.put("tokens", counts.stream().mapToLong(ClusterCount::tokens).sum());
        o.put("skippedEmpty", empty);
        o.put("otherSplits", otherSplit);
        ArrayNode cs = o.putArray("clusters");
        for (ClusterCount c : counts) {
            cs.addObject().put("cluster", c.cluster()).put("documents", c.documents()).put("tokens", c.tokens())
                    .put("shard", ClusterShards.shardPath(java.nio.file.Path.of(""), c.cluster()).toString());
        }
        ObjectNode s = o.putObject("spark");
        s.put("version", sc.version());
        s.put("master", sc.master());
        s.put("applicationId", sc.sc().applicationId());
        s.put("readPartitions", inputs.size() + " files, at least " + (config.minPartitions() > 0
                ? config.minPartitions() : sc.defaultParallelism()) + " partition(s) each");
        o.put("seconds", seconds);
        o.put("libraryVersion", Provenance.currentLibraryVersion());
        o.put("created", Instant.now().toString());
        return JSON.writeValueAsString(o) + "\n";
    }

    private static String countsCsv(List<ClusterCount> counts) {
        StringBuilder sb = new StringBuilder("cluster,documents,tokens\n");
        for (ClusterCount c : counts) {
            sb.append(c.cluster()).append(',').append(c.documents()).append(',').append(c.tokens()).append('\n');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ Hadoop file system helpers

    private static FileSystem fs(Path p, Configuration conf) {
        try {
            return p.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("no file system for " + p + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(FileSystem fs, Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + p + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(Path p, Configuration conf, String what) {
        try (InputStream in = fs(p, conf).open(p)) {
            return in.readAllBytes();
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(what + " " + p + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + p + ": " + e.getMessage(), e);
        }
    }

    private static void writeString(FileSystem fs, Path p, String s) throws IOException {
        try (OutputStream out = fs.create(p, false)) {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void deleteQuietly(FileSystem fs, Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException ignored) {
            // a leftover hidden temporary folder; the next run uses another name
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
