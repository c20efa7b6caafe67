package org.cbtm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.cbtm.base.AtomicFiles;
import org.cbtm.base.ProjectPaths;
import org.cbtm.math.DenseKernels;
import org.cbtm.math.DenseMatrix;
import org.cbtm.math.Vectors;
import org.cbtm.text.tfidf.RandomizedSvd;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.tfidf.TfidfVectorizer;
import org.cbtm.cluster.AuctionAssignment;
import org.cbtm.cluster.Distances;
import org.cbtm.cluster.KMeans;
import org.cbtm.cluster.KMeansModel;

/**
 * The clustering benchmark (run it with {@code environment/bench/clustering}): this library against scikit-learn
 * on the same passages, in the same run, one after the other (never concurrently).
 *
 * <p>Input: JSONL documents ({@code {"text": ...}} per line, optionally gzipped): {@code --input FILE} (repeatable),
 * else every {@code *.jsonl.gz} of the built corpus under {@code datasets/cache/corpus}. Documents are cut into
 * passages of {@code --passage-words} (100) whitespace-separated words; the benchmark input is {@code max N}
 * passages drawn uniformly <em>with replacement</em> (seeded), written to
 * {@code build/bench/clustering/passages.jsonl}; the fit uses its first {@code --fit-n} passages and assignment
 * at size N its first N (a prefix of an i.i.d. sample is an i.i.d. sample).
 *
 * <p>Measured: fit (tf-idf + SVD 100 + normalise + unbalanced Lloyd k-means with the same initial documents and
 * the same number of iterations, tol 0, for both), assignment (embed + nearest centre) at each N, and our balanced
 * vs unbalanced E-step. The fit and the assignments up to 100k passages are the best of {@code --repeats} (3) runs
 * on both sides (the machine is shared; the best run is the least disturbed one), ours after a JIT warm-up on the
 * same data. Writes {@code figures/bench-clustering.csv} and {@code .md}.
 */
public final class ClusteringBenchmark {

    private record Row(String stage, int n, double oursS, double peerS, String note) {
    }

    public static void main(String[] args) throws Exception {
        List<Path> inputs = new ArrayList<>();
        int k = 32;
        int fitN = 20_000;
        List<Integer> sizes = new ArrayList<>(List.of(10_000, 100_000, 1_000_000));
        int maxN = Integer.MAX_VALUE;
        long seed = 0;
        int iterations = 20;
        int passageWords = 100;
        String python = "/usr/bin/python3";
        Path peer = null;
        boolean skipPeer = false;
        int repeats = 3;
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--input" -> inputs.add(Path.of(args[++a]));
                case "--k" -> k = Integer.parseInt(args[++a]);
                case "--fit-n" -> fitN = Integer.parseInt(args[++a]);
                case "--sizes" -> {
                    sizes.clear();
                    for (String s : args[++a].split(",")) {
                        sizes.add(Integer.parseInt(s.strip().replace("_", "")));
                    }
                }
                case "--max-n" -> maxN = Integer.parseInt(args[++a].replace("_", ""));
                case "--seed" -> seed = Long.parseLong(args[++a]);
                case "--iterations" -> iterations = Integer.parseInt(args[++a]);
                case "--passage-words" -> passageWords = Integer.parseInt(args[++a]);
                case "--python" -> python = args[++a];
                case "--peer" -> peer = Path.of(args[++a]);
                case "--skip-peer" -> skipPeer = true;
                case "--repeats" -> repeats = Integer.parseInt(args[++a]);
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: environment/bench/clustering [--input FILE.jsonl[.gz]]... [--k 32] [--fit-n 20000]
                                   [--sizes 10000,100000,1000000] [--max-n N] [--iterations 20] [--seed 0]
                                   [--passage-words 100] [--repeats 3] [--skip-peer] [--python /usr/bin/python3]""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[a] + " (try --help)");
            }
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be >= 1");
        }
        final int capN = maxN;
        sizes.removeIf(s -> s > capN);
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("no assignment size <= --max-n " + maxN);
        }
        int total = Math.max(fitN, sizes.stream().mapToInt(Integer::intValue).max().orElse(0));
        if (inputs.isEmpty()) {
            Path dir = ProjectPaths.dataCache().resolve("corpus");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".jsonl.gz")).sorted().forEach(inputs::add);
                }
            }
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("no corpus under " + dir + ": build it, or pass --input FILE.jsonl[.gz]");
            }
        }
        Path work = ProjectPaths.build().resolve("bench").resolve("clustering");
        Files.createDirectories(work);

        // ---- passages
        List<String> docs = new ArrayList<>();
        for (Path p : inputs) {
            readTexts(p, docs);
        }
        List<String> passages = new ArrayList<>();
        for (String d : docs) {
            cutPassages(d, passageWords, passages);
        }
        if (passages.isEmpty()) {
            throw new IllegalArgumentException("the input has no text");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> sample = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            sample.add(passages.get(rng.nextInt(passages.size())));
        }
        Path passageFile = work.resolve("passages.jsonl");
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(passageFile, StandardCharsets.UTF_8)) {
            for (String s : sample) {
                w.write(json.writeValueAsString(java.util.Map.of("text", s)));
                w.write('\n');
            }
        }
        System.out.printf(Locale.ROOT, "input: %d documents from %s -> %d distinct passages of <= %d words; "
                        + "sampled %d with replacement (seed %d) -> %s%n",
                docs.size(), inputs, passages.size(), passageWords, total, seed, passageFile);
        String inputNote = String.format(Locale.ROOT, "input: %d documents from %s, cut into %d passages of <= %d "
                + "words, %d sampled with replacement (seed %d)", docs.size(),
                inputs.stream().map(p -> p.getFileName().toString()).toList(), passages.size(), passageWords, total, seed);
        docs = null;
        List<String> fitTexts = sample.subList(0, fitN);
        int[] init = KMeans.randomDocumentIndices(fitN, k, seed);
        Path initFile = work.resolve("init.txt");
        StringBuilder sb = new StringBuilder();
        for (int i : init) {
            sb.append(i).append('\n');
        }
        Files.writeString(initFile, sb);

        // ---- the peer first (so the JVM's own warm-up does not overlap it)
        JsonNode peerRes = null;
        if (!skipPeer) {
            Path peerScript = peer != null ? peer
                    : ProjectPaths.root().resolve("environment/bench/sklearn_clustering.py");
            Path out = work.resolve("sklearn.json");
            Files.deleteIfExists(out);
            List<String> cmd = new ArrayList<>(List.of(python, peerScript.toString(), "--input", passageFile.toString(),
                    "--fit-n", "" + fitN, "--k", "" + k, "--iterations", "" + iterations, "--init", initFile.toString(),
                    "--sizes", join(sizes), "--seed", "" + seed, "--repeats", "" + repeats,
                    "--repeat-max-n", "" + REPEAT_MAX_N, "--out", out.toString()));
            System.out.println("running the scikit-learn peer: " + String.join(" ", cmd));
            Process proc = new ProcessBuilder(cmd).inheritIO().start();
            int rc = proc.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("the scikit-learn peer failed with exit code " + rc);
            }
            peerRes = json.readTree(out.toFile());
        }

        // ---- ours: warm up the JIT (the whole pipeline twice on the fit set, both E-steps, a transform), then measure;
        // the fit and the assignments up to REPEAT_MAX_N are the best of --repeats runs, as on the peer's side
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "ours: Java %s, %d threads, kernels: %s%n", Runtime.version(), threads,
                DenseKernels.describe());
        TfidfSvdEmbedder.Config ec = TfidfSvdEmbedder.Config.reference(seed);
        for (int w = 0; w < 2; w++) {
            TfidfSvdEmbedder.Fit f = TfidfSvdEmbedder.fitTransform(fitTexts, ec);
            KMeans.reference(k, true, seed).withIterations(iterations, 0).fit(f.embeddings());
            KMeans.reference(k, false, seed).withIterations(iterations, 0).fit(f.embeddings());
            f.embedder().transform(sample.subList(0, Math.min(sample.size(), 20_000)));
        }
        KMeans km = new KMeans(k, false, KMeans.Init.RANDOM_DOCUMENTS, iterations, 0.0, seed, 0,
                AuctionAssignment.Options.reference());
        double tfidfS = 0;
        double svdS = 0;
        double kmS = 0;
        TfidfVectorizer.Fit tf = null;
        RandomizedSvd.Result svd = null;
        DenseMatrix emb = null;
        KMeansModel model = null;
        for (int rep = 0; rep < repeats; rep++) {
            long t0 = System.nanoTime();
            TfidfVectorizer.Fit tfR = TfidfVectorizer.fitTransform(fitTexts, ec.tfidf());
            long t1 = System.nanoTime();
            RandomizedSvd.Result svdR = RandomizedSvd.compute(tfR.matrix(), ec.dimensions(), ec.oversamples(),
                    ec.powerIterations(), ec.seed());
            DenseMatrix embR = tfR.matrix().multiply(svdR.components());
            for (int i = 0; i < embR.rows(); i++) {
                Vectors.normalize(embR.data(), i * embR.cols(), embR.cols());
            }
            long t2 = System.nanoTime();
            KMeansModel modelR = km.fit(embR);
            long t3 = System.nanoTime();
            if (model == null || (t3 - t0) / 1e9 < tfidfS + svdS + kmS) { // keep the run with the best total
                tfidfS = (t1 - t0) / 1e9;
                svdS = (t2 - t1) / 1e9;
                kmS = (t3 - t2) / 1e9;
                tf = tfR;
                svd = svdR;
                emb = embR;
                model = modelR;
            }
        }
        TfidfSvdEmbedder embedder = new TfidfSvdEmbedder(ec, tf.vectorizer(), svd.components(), svd.singularValues());
        String vocabSha = sha256(String.join("\n", tf.vectorizer().vocabulary()));
        System.out.printf(Locale.ROOT, "[ours] fit %d passages: tfidf %.2fs, svd %.2fs, kmeans %.2fs (%d iterations); "
                        + "vocabulary %d (best of %d)%n", fitN, tfidfS, svdS, kmS, model.iterations(),
                tf.vectorizer().vocabularySize(), repeats);

        List<Row> rows = new ArrayList<>();
        JsonNode pf = peerRes == null ? null : peerRes.get("fit");
        rows.add(new Row("fit: tf-idf", fitN, tfidfS, pf == null ? Double.NaN : pf.get("tfidf_s").asDouble(), ""));
        rows.add(new Row("fit: SVD 100 + normalise", fitN, svdS, pf == null ? Double.NaN : pf.get("svd_s").asDouble(), ""));
        rows.add(new Row("fit: k-means (unbalanced Lloyd)", fitN, kmS,
                pf == null ? Double.NaN : pf.get("kmeans_s").asDouble(),
                "iterations ours " + model.iterations() + (pf == null ? "" : ", sklearn " + pf.get("kmeans_iterations").asInt())));
        rows.add(new Row("fit: total", fitN, tfidfS + svdS + kmS,
                pf == null ? Double.NaN : pf.get("total_s").asDouble(), ""));

        // ---- assignment
        for (int idx = 0; idx < sizes.size(); idx++) {
            int n = sizes.get(idx);
            List<String> batch = sample.subList(0, n);
            double s = Double.MAX_VALUE;
            double embedS = 0;
            int[] labels = null;
            for (int rep = 0; rep < (n <= REPEAT_MAX_N ? repeats : 1); rep++) {
                long a0 = System.nanoTime();
                DenseMatrix e = embedder.transform(batch);
                long a1 = System.nanoTime();
                labels = model.predict(e);
                long a2 = System.nanoTime();
                if ((a2 - a0) / 1e9 < s) {
                    s = (a2 - a0) / 1e9;
                    embedS = (a1 - a0) / 1e9;
                }
            }
            System.out.printf(Locale.ROOT, "[ours] assign %d passages: embed %.3fs + nearest centre %.3fs = %.3fs "
                    + "(%.0f docs/s)%n", n, embedS, s - embedS, s, n / s);
            double peerS = Double.NaN;
            if (peerRes != null) {
                for (JsonNode r : peerRes.get("assign")) {
                    if (r.get("n").asInt() == n) {
                        peerS = r.get("total_s").asDouble();
                    }
                }
            }
            rows.add(new Row("assignment (embed + nearest centre)", n, s, peerS,
                    String.format(Locale.ROOT, "ours: %.2f us/doc", s / n * 1e6)));
            if (labels.length != n) {
                throw new AssertionError();
            }
        }

        // ---- balanced vs unbalanced E-step (ours), on the fit embeddings and the fitted centres, as the fit runs them:
        // nearest centre, and distances (with their range, for eps) plus the balanced assignment from zero prices
        DenseMatrix centres = model.centres();
        for (int w = 0; w < 20; w++) { // both E-steps at full size, untimed, so that the JIT has compiled them
            Distances.nearest(emb, centres, null);
            AuctionAssignment.assign(emb, centres, AuctionAssignment.Options.reference(), null);
        }
        int reps = 50;
        double unb = Double.MAX_VALUE;
        double bal = Double.MAX_VALUE;
        int rounds = 0;
        long moved = 0;
        for (int r = 0; r < reps; r++) {
            long b0 = System.nanoTime();
            Distances.nearest(emb, centres, null);
            long b1 = System.nanoTime();
            AuctionAssignment.Result ar = AuctionAssignment.assign(emb, centres, AuctionAssignment.Options.reference(),
                    null);
            long b2 = System.nanoTime();
            unb = Math.min(unb, (b1 - b0) / 1e9);
            bal = Math.min(bal, (b2 - b1) / 1e9);
            rounds = ar.rounds();
            moved = ar.bids();
        }
        System.out.printf(Locale.ROOT, "[ours] E-step on %d passages, K = %d: unbalanced %.4fs, balanced %.4fs "
                + "(%d price raises, %d moves): ratio %.2f%n", emb.rows(), k, unb, bal, rounds, moved, bal / unb);
        rows.add(new Row("E-step unbalanced (argmin), ours, one cold E-step", emb.rows(), unb, Double.NaN, "best of " + reps));
        rows.add(new Row("E-step balanced, ours, one cold E-step", emb.rows(), bal, Double.NaN,
                String.format(Locale.ROOT, "best of %d; zero start prices, %d price raises, %d moves; "
                        + "balanced/unbalanced = %.2f", reps, rounds, moved, bal / unb)));
        // inside a fit: the same 20 Lloyd iterations from the same start, balanced vs unbalanced; the auction
        // starts from the previous iteration's prices
        KMeans fitCfg = new KMeans(k, false, KMeans.Init.RANDOM_DOCUMENTS, iterations, 0.0, seed, 0,
                AuctionAssignment.Options.reference());
        double unbFit = Double.MAX_VALUE;
        double balFit = Double.MAX_VALUE;
        int it1 = 0;
        int it2 = 0;
        int fits = 10; // the best of several fits on each side: a 20-iteration fit takes milliseconds, a shared machine's noise more
        for (int r = 0; r < fits; r++) {
            KMeansModel mu = fitCfg.fit(emb);
            KMeansModel mb = fitCfg.withBalanced(true).fit(emb);
            unbFit = Math.min(unbFit, mu.eStepSeconds() / mu.iterations());
            balFit = Math.min(balFit, mb.eStepSeconds() / mb.iterations());
            it1 = mu.iterations();
            it2 = mb.iterations();
        }
        System.out.printf(Locale.ROOT, "[ours] E-step inside a %d-iteration fit: unbalanced %.4fs, balanced %.4fs per "
                + "iteration: ratio %.2f%n", iterations, unbFit, balFit, balFit / unbFit);
        rows.add(new Row("E-step unbalanced, ours, mean per iteration of a fit", emb.rows(), unbFit, Double.NaN,
                it1 + " iterations, best of " + fits + " fits"));
        rows.add(new Row("E-step balanced, ours, mean per iteration of a fit", emb.rows(), balFit, Double.NaN,
                String.format(Locale.ROOT, "%d iterations, best of %d fits, prices from the previous iteration; balanced/unbalanced = %.2f", it2, fits,
                        balFit / unbFit)));

        // ---- report
        String versions = "ours: Java " + Runtime.version() + ", " + threads + " threads, kernels: " + DenseKernels.describe()
                + (peerRes == null ? "" : "; peer: scikit-learn " + peerRes.at("/versions/sklearn").asText()
                + ", numpy " + peerRes.at("/versions/numpy").asText() + ", scipy " + peerRes.at("/versions/scipy").asText()
                + ", Python " + peerRes.at("/versions/python").asText());
        String vocabNote = "vocabulary: ours " + tf.vectorizer().vocabularySize()
                + (peerRes == null ? "" : ", sklearn " + peerRes.get("vocabulary_size").asInt()
                + (vocabSha.equals(peerRes.get("vocabulary_sha256").asText()) ? " (identical term lists)" : " (term lists DIFFER)"));
        StringBuilder csv = new StringBuilder("stage,n,ours_s,ours_docs_per_s,sklearn_s,sklearn_docs_per_s,speedup,note\n");
        StringBuilder md = new StringBuilder();
        md.append("| stage | N | ours s | ours docs/s | sklearn s | sklearn docs/s | speed-up | note |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            String peerS = Double.isNaN(r.peerS) ? "" : fmt(r.peerS);
            String peerR = Double.isNaN(r.peerS) ? "" : String.format(Locale.ROOT, "%.0f", r.n / r.peerS);
            String sp = Double.isNaN(r.peerS) ? "" : String.format(Locale.ROOT, "%.2fx", r.peerS / r.oursS);
            csv.append(String.format(Locale.ROOT, "\"%s\",%d,%s,%.0f,%s,%s,%s,\"%s\"%n", r.stage, r.n, fmt(r.oursS),
                    r.n / r.oursS, peerS, peerR, sp.replace("x", ""), r.note));
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %.0f | %s | %s | %s | %s |%n", r.stage, r.n,
                    fmt(r.oursS), r.n / r.oursS, peerS, peerR, sp, r.note));
        }
        md.append("\n").append(versions).append("; K = ").append(k).append(", fit on ").append(fitN)
                .append(" passages, ").append(iterations).append(" Lloyd iterations max (tol 0), same initial documents; ")
                .append("fit and assignments up to N = ").append(String.format(Locale.ROOT, "%,d", REPEAT_MAX_N))
                .append(": best of ").append(repeats).append(" runs on both sides (ours after a JIT warm-up); ")
                .append(vocabNote).append(".\n").append(inputNote).append(".\n");
        Path figs = ProjectPaths.figures();
        AtomicFiles.writeString(figs.resolve("bench-clustering.csv"), csv.toString());
        AtomicFiles.writeString(figs.resolve("bench-clustering.md"), md.toString());
        System.out.println();
        System.out.print(md);
        System.out.println("\nwritten: " + figs.resolve("bench-clustering.csv") + " and .md");
    }

    /** Assignments up to this N are repeated --repeats times (both sides); larger ones run once. */
    private static final int REPEAT_MAX_N = 100_000;

    private static String fmt(double s) {
        return String.format(Locale.ROOT, s < 1 ? "%.4f" : "%.2f", s);
    }

    private static String join(List<Integer> xs) {
        StringBuilder b = new StringBuilder();
        for (int x : xs) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(x);
        }
        return b.toString();
    }

    static String sha256(String s) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Appends the {@code "text"} of every JSON line of {@code file} (gzipped when it ends with .gz). */
    static void readTexts(Path file, List<String> out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode t = json.readTree(line).get("text");
                if (t != null && t.isTextual()) {
                    out.add(t.asText());
                }
            }
        }
    }

    /** Cuts a document into consecutive passages of at most {@code words} whitespace-separated words. */
    static void cutPassages(String doc, int words, List<String> out) {
        String[] w = doc.strip().split("\\s+");
        if (w.length == 0 || w[0].isEmpty()) {
            return;
        }
        for (int i = 0; i < w.length; i += words) {
            out.add(String.join(" ", java.util.Arrays.copyOfRange(w, i, Math.min(w.length, i + words))));
        }
    }

    private ClusteringBenchmark() {
    }
}
