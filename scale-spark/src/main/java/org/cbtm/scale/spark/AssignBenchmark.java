package org.cbtm.scale.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.ProjectPaths;
import org.cbtm.cluster.ClusterModel;
import org.cbtm.cluster.KMeansPartitioner;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Jsonl;
import org.cbtm.corpus.Split;
import org.cbtm.experiment.ClusterShards;
import org.cbtm.text.token.Tokenizer;

/**
 * {@code environment/bench/spark-assign}: passages/s of the corpus side of C-BTM (read JSON Lines, embed, assign to
 * the nearest centre, tokenise, write one shard per cluster) as the Spark job in {@code local[N]} against the same
 * work in-process ({@link Jsonl#read}, {@link ClusterShards#build}, {@link ClusterShards#save}), on the same input
 * file and the same fitted model, interleaved run by run; median and best per side with the load average, and the
 * ratio. The input is the built corpus's training passages, repeated (ids suffixed {@code #rep<r>}) up to
 * {@code --n} passages when the corpus has fewer, which the output says.
 *
 * <pre>
 *   --n 1000000  --k 8  --fit-n 20000  --repeats 3  --master local[2]  --seed 0  --no-save
 * </pre>
 */
public final class AssignBenchmark {

    private AssignBenchmark() {
    }

    record Options(int n, int k, int fitN, int repeats, String master, long seed, boolean save) {
        Options {
            if (n < 1 || k < 2 || fitN < k || repeats < 1) {
                throw new IllegalArgumentException("need --n >= 1, --k >= 2, --fit-n >= k, --repeats >= 1; got n=" + n
                        + " k=" + k + " fit-n=" + fitN + " repeats=" + repeats);
            }
        }

        static Options parse(String[] args) {
            int n = 1_000_000;
            int k = 8;
            int fitN = 20_000;
            int repeats = 3;
            String master = "local[2]";
            long seed = 0;
            boolean save = true;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--n" -> n = Integer.parseInt(args[++i].replace("_", ""));
                    case "--k" -> k = Integer.parseInt(args[++i]);
                    case "--fit-n" -> fitN = Integer.parseInt(args[++i].replace("_", ""));
                    case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                    case "--master" -> master = args[++i];
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--no-save" -> save = false;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--n --k --fit-n --repeats --master --seed --no-save)");
                }
            }
            return new Options(n, k, fitN, repeats, master, seed, save);
        }
    }

    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Document> corpus = Corpora.load().split(Split.TRAIN).toList();
        Tokenizer tokenizer = Corpora.tokenizer();
        Path work = ProjectPaths.build().resolve("bench").resolve("spark-assign");
        deleteTree(work);
        Files.createDirectories(work);

        // the input: the training passages in corpus order, repeated up to n
        List<Document> passages = new ArrayList<>(o.n());
        for (int i = 0; passages.size() < o.n(); i++) {
            Document d = corpus.get(i % corpus.size());
            int rep = i / corpus.size();
            passages.add(rep == 0 ? d : d.withText(d.id() + "#rep" + rep, d.text(), d.meta()));
        }
        double copies = (double) o.n() / corpus.size();
        Path input = work.resolve("input.jsonl");
        Jsonl.write(input, passages);
        long inputBytes = Files.size(input);
        passages = null; // the in-process side reads the file like the job does

        // the model: the reference pipeline fitted on a seeded sample of the corpus
        List<String> fitTexts = new ArrayList<>();
        Random r = new Random(o.seed());
        for (int i = 0; i < o.fitN(); i++) {
            fitTexts.add(corpus.get(r.nextInt(corpus.size())).text());
        }
        ClusterModel model = KMeansPartitioner.reference(o.k(), true, o.seed()).fit(fitTexts);
        Path modelFile = model.save(work.resolve("model.zip"));
        Path tokenizerFile = Corpora.dir().resolve("tokenizer.json");

        String header = String.format(Locale.ROOT, "%,d passages (%s; %.0f MB of JSON Lines), K = %d (%s), Spark %s, "
                        + "%d cores, heap %d MB", o.n(),
                copies > 1 ? String.format(Locale.ROOT, "the corpus's %,d training passages repeated %.2f times, "
                        + "ids suffixed #rep<r>", corpus.size(), copies)
                        : "the first training passages of the corpus", inputBytes / 1e6, o.k(), model.describe(),
                org.apache.spark.package$.MODULE$.SPARK_VERSION(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("spark-assign benchmark: " + header);

        double[] spark = new double[o.repeats()];
        double[] local = new double[o.repeats()];
        List<String> rows = new ArrayList<>();
        long tokens = 0;
        org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
        SparkConf conf = new SparkConf().setMaster(o.master()).setAppName("cbtm-assign-bench")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            for (int rep = 0; rep < o.repeats(); rep++) {
                // interleaved, alternating which side goes first
                for (int side = 0; side < 2; side++) {
                    boolean sparkSide = (side + rep) % 2 == 0;
                    String load = loadAverage();
                    Path out = work.resolve((sparkSide ? "spark-" : "local-") + rep);
                    long t0 = System.nanoTime();
                    long n;
                    if (sparkSide) {
                        SparkAssign.Result res = SparkAssign.run(sc, AssignConfig.of(List.of(input.toString()),
                                modelFile.toString(), tokenizerFile.toString(), out.toString()));
                        n = res.passages();
                        tokens = res.clusters().stream().mapToLong(SparkAssign.ClusterCount::tokens).sum();
                    } else {
                        n = inProcess(input, model, tokenizer, out);
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (n != o.n()) {
                        throw new IllegalStateException((sparkSide ? "spark" : "in-process") + " assigned " + n
                                + " passages, not " + o.n());
                    }
                    (sparkSide ? spark : local)[rep] = n / seconds;
                    String row = String.format(Locale.ROOT, "| %d | %s | %.1f | %,.0f | %s |", rep + 1,
                            sparkSide ? "Spark " + o.master() : "in-process", seconds, n / seconds, load);
                    rows.add(row);
                    System.out.println(row);
                    deleteTree(out);
                }
            }
        }
        double ratio = median(spark) / median(local);
        double perPassage = (double) tokens / o.n();
        String summary = String.format(Locale.ROOT, "Spark %s: median %,.0f passages/s, best %,.0f; in-process: "
                        + "median %,.0f passages/s, best %,.0f; Spark / in-process = %.2fx (median), %.2fx (best); "
                        + "%,d tokens (%.1f a passage, end marks included): Spark median %,.0f tokens/s, in-process %,.0f",
                o.master(), median(spark), max(spark), median(local), max(local), ratio, max(spark) / max(local),
                tokens, perPassage, median(spark) * perPassage, median(local) * perPassage);
        System.out.println(summary);
        if (o.save()) {
            String md = "# Spark cluster assignment against in-process\n\n" + header + "\n\n"
                    + "`environment/bench/spark-assign " + String.join(" ", args) + "`: read JSON Lines, embed (tf-idf + "
                    + "SVD), assign to the nearest centre, tokenise, write one shard per cluster; runs interleaved.\n\n"
                    + "| run | side | seconds | passages/s | load average (1 / 5 / 15 min) before |\n|---|---|---|---|---|\n"
                    + String.join("\n", rows) + "\n\n" + summary + "\n";
            Path file = ProjectPaths.figures().resolve("bench-spark-assign.md");
            AtomicFiles.writeString(file, md);
            System.out.println("wrote " + file);
        }
        deleteTree(work);
    }

    /** The in-process pipeline on the same file: the reader of the corpus, ClusterShards, the shards saved. */
    private static long inProcess(Path input, ClusterModel model, Tokenizer tokenizer, Path out) {
        List<Document> docs;
        try (var s = Jsonl.read(input, n -> { })) {
            docs = s.toList();
        }
        ClusterShards shards = ClusterShards.build(model, docs, tokenizer);
        shards.save(out);
        return docs.size();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
