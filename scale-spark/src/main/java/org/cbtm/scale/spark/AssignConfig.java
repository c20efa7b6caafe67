package org.cbtm.scale.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cbtm.corpus.Split;

/**
 * What one run of {@link SparkAssign} reads and writes. Paths are anything Hadoop reads ({@code /local/path},
 * {@code file:///...}, {@code hdfs://...}, {@code s3a://...} with the connector on the classpath); an input may be a
 * file, a folder (its {@code *.jsonl} and {@code *.jsonl.gz} files, sorted by name) or a glob.
 *
 * @param inputs        corpus JSON Lines files (optionally gzipped), in the order that defines passage order
 * @param model         a fitted clustering ({@code model.zip} of {@code org.cbtm.cluster.ClusterModel})
 * @param tokenizer     the corpus tokenizer ({@code tokenizer.json}) the shards are encoded with
 * @param output        the folder to create: {@code shard-<k>.bin}, {@code counts.csv}, {@code provenance.json},
 *                      {@code assignment/cluster-<k>.tsv}
 * @param minPartitions the least number of read partitions per input file (Hadoop splits larger files; gzip files
 *                      are one partition each); 0: the context's default parallelism (its cores in local mode)
 * @param batchSize     passages embedded and assigned together inside a task
 * @param ifExists      what an existing output does: fail (the default) or skip the run
 * @param split         only passages of this split ({@code train}, {@code valid}, {@code test}), or empty for all
 */
public record AssignConfig(List<String> inputs, String model, String tokenizer, String output, int minPartitions,
                           int batchSize, IfExists ifExists, String split) implements Serializable {

    /** What a run does when its output folder exists already. */
    public enum IfExists { FAIL, SKIP }

    public static final int DEFAULT_BATCH = 4096;

    public AssignConfig {
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("no input: pass --input FILE_OR_DIR[,...] (corpus JSON Lines)");
        }
        inputs = List.copyOf(inputs);
        for (String in : inputs) {
            if (in == null || in.isBlank()) {
                throw new IllegalArgumentException("an empty input path in " + inputs);
            }
        }
        require(model, "--model (a fitted clustering, model.zip)");
        require(tokenizer, "--tokenizer (the corpus tokenizer, tokenizer.json)");
        require(output, "--output (the folder to create)");
        if (minPartitions < 0) {
            throw new IllegalArgumentException("--partitions must be 0 (Spark's default parallelism) or more, got "
                    + minPartitions);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batchSize);
        }
        if (ifExists == null) {
            throw new IllegalArgumentException("ifExists must be FAIL or SKIP");
        }
        split = split == null ? "" : split;
        if (!split.isEmpty()) {
            split = Split.parse(split).id(); // fails with the known splits
        }
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + what);
        }
    }

    /**
     * The defaults for the rest: files split into at least Spark's default parallelism of partitions, batches of
     * 4096, every split, fail on an existing output.
     */
    public static AssignConfig of(List<String> inputs, String model, String tokenizer, String output) {
        return new AssignConfig(inputs, model, tokenizer, output, 0, DEFAULT_BATCH, IfExists.FAIL, "");
    }

    public AssignConfig withIfExists(IfExists e) {
        return new AssignConfig(inputs, model, tokenizer, output, minPartitions, batchSize, e, split);
    }

    public AssignConfig withMinPartitions(int n) {
        return new AssignConfig(inputs, model, tokenizer, output, n, batchSize, ifExists, split);
    }

    public AssignConfig withSplit(String s) {
        return new AssignConfig(inputs, model, tokenizer, output, minPartitions, batchSize, ifExists, s);
    }

    /** The usage line of {@link #parse}. */
    public static final String USAGE = "usage: SparkAssign --input PATH[,PATH...] --model model.zip --tokenizer "
            + "tokenizer.json --output DIR [--partitions N] [--batch N] [--if-exists fail|skip] [--split train|valid|test] [--master URL]";

    /**
     * Parses command-line options (see {@link #USAGE}); {@code --master} is read by {@link SparkAssign#main}, not
     * here, and skipped. Unknown options and missing values fail with the usage line.
     */
    public static AssignConfig parse(String[] args) {
        List<String> inputs = new ArrayList<>();
        String model = null;
        String tokenizer = null;
        String output = null;
        int partitions = 0;
        int batch = DEFAULT_BATCH;
        IfExists ifExists = IfExists.FAIL;
        String split = "";
        for (int i = 0; i < args.length; i++) {
            String opt = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(opt + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            switch (opt) {
                case "--input" -> {
                    for (String part : v.split(",")) {
                        if (!part.isBlank()) {
                            inputs.add(part.trim());
                        }
                    }
                }
                case "--model" -> model = v;
                case "--tokenizer" -> tokenizer = v;
                case "--output" -> output = v;
                case "--partitions" -> partitions = parseInt(opt, v);
                case "--batch" -> batch = parseInt(opt, v);
                case "--if-exists" -> {
                    try {
                        ifExists = IfExists.valueOf(v.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--if-exists takes fail or skip, got '" + v + "'");
                    }
                }
                case "--split" -> split = v;
                case "--master" -> { /* SparkAssign.main */ }
                default -> throw new IllegalArgumentException("unknown option " + opt + "\n" + USAGE);
            }
        }
        return new AssignConfig(inputs, model, tokenizer, output, partitions, batch, ifExists, split);
    }

    private static int parseInt(String opt, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " takes a whole number, got '" + v + "'");
        }
    }
}
