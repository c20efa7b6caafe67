package org.cbtm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.cbtm.cluster.ClusterModel;
import org.cbtm.cluster.KMeansPartitioner;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.eval.EvalSequence;
import org.cbtm.eval.EvalSequences;
import org.cbtm.base.AtomicFiles;
import org.cbtm.base.ProjectPaths;
import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.route.CentroidRouter;
import org.cbtm.route.Router;
import org.cbtm.route.RoutingConfig;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.corpus.TokenShard;
import org.cbtm.ensemble.SparseEnsemble;

/**
 * The ensemble benchmark (run it with {@code environment/bench/ensemble}): C-BTM with K Kneser-Ney experts
 * trained on the clusters of a balanced k-means fit on the training mixture, scoring held-out documents of the
 * real corpus one at a time on one thread. For top-1, top-2 and all experts it measures tokens/s, the router's
 * share of the time, the expert passes per token, and the cost against k single-expert passes; it also times the
 * router alone, one expert alone and a dense KN model trained on all the data. Writes
 * {@code figures/bench-ensemble.md} and {@code .csv}.
 *
 * <p>Times are the scoring thread's CPU time (ThreadMXBean), medians over repetitions that interleave every
 * measurement, so that other processes on a shared machine disturb the ratios as little as possible; wall-clock
 * tokens/s are reported beside them.
 *
 * <p>Options: {@code --k 8}, {@code --order 4}, {@code --per-source 20000} (training mixture cap per source),
 * {@code --docs 3000} (held-out documents), {@code --held-out test|valid}, {@code --reps 5}, {@code --seed 0},
 * {@code --no-save}.
 */
public final class EnsembleBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private EnsembleBenchmark() {
    }

    /** CPU and wall seconds of one measured pass. */
    private record Time(double cpu, double wall) {
    }

    public static void main(String[] args) throws Exception {
        int k = 8;
        int order = 4;
        int perSource = 20_000;
        int maxDocs = 3000;
        int reps = 5;
        long seed = 0;
        Split heldOut = Split.TEST;
        boolean save = true;
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--k" -> k = Integer.parseInt(args[++a]);
                case "--order" -> order = Integer.parseInt(args[++a]);
                case "--per-source" -> perSource = Integer.parseInt(args[++a].replace("_", ""));
                case "--docs" -> maxDocs = Integer.parseInt(args[++a].replace("_", ""));
                case "--held-out" -> heldOut = Split.valueOf(args[++a].toUpperCase(Locale.ROOT));
                case "--reps" -> reps = Integer.parseInt(args[++a]);
                case "--seed" -> seed = Long.parseLong(args[++a]);
                case "--no-save" -> save = false;
                case "-h", "--help" -> {
                    System.out.println("usage: environment/bench/ensemble [--k 8] [--order 4] [--per-source 20000] "
                            + "[--docs 3000] [--held-out test|valid] [--reps 5] [--seed 0] [--no-save]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[a] + " (try --help)");
            }
        }
        if (k < 2 || reps < 1 || maxDocs < 1) {
            throw new IllegalArgumentException("need --k >= 2, --reps >= 1, --docs >= 1");
        }
        String loadBefore = loadAverage();

        // ---- data, clusters, experts
        long t0 = System.nanoTime();
        Corpus corpus = Corpora.load();
        Tokenizer tokenizer = Corpora.tokenizer();
        Mixture mixture = new Mixture(Corpora.SOURCE_LIST, perSource, 2023);
        List<Document> train = mixture.sample(corpus, Split.TRAIN);
        List<Document> held = mixture.sample(corpus, heldOut);
        if (held.size() > maxDocs) {
            // every n-th document, so that each source keeps its share
            List<Document> thinned = new ArrayList<>(maxDocs);
            for (int i = 0; i < maxDocs; i++) {
                thinned.add(held.get((int) ((long) i * held.size() / maxDocs)));
            }
            held = thinned;
        }
        List<String> texts = train.stream().map(Document::text).toList();
        System.out.printf(Locale.ROOT, "data: %,d training passages, %,d held-out documents (%.1f s)%n",
                train.size(), held.size(), secondsSince(t0));
        t0 = System.nanoTime();
        ClusterModel clusters = KMeansPartitioner.reference(k, true, seed).fit(texts);
        int[] assigned = clusters.predict(texts);
        System.out.printf(Locale.ROOT, "clusters: balanced k-means, K = %d (%.1f s)%n", k, secondsSince(t0));
        t0 = System.nanoTime();
        List<KneserNeyLM> experts = new ArrayList<>();
        long trainTokens = 0;
        int[] sizes = new int[k];
        for (int c = 0; c < k; c++) {
            List<Document> mine = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                if (assigned[i] == c) {
                    mine.add(train.get(i));
                }
            }
            sizes[c] = mine.size();
            TokenShard shard = TokenShard.encode(tokenizer, mine);
            trainTokens += shard.numTokens();
            experts.add(KneserNeyLM.train(shard, NgramConfig.of(order)));
        }
        KneserNeyLM dense = KneserNeyLM.train(TokenShard.encode(tokenizer, train), NgramConfig.of(order));
        System.out.printf(Locale.ROOT, "experts: %d x KN-%d on %,d tokens, cluster sizes %s; dense KN-%d (%.1f s)%n",
                k, order, trainTokens, Arrays.toString(sizes), order, secondsSince(t0));
        List<EvalSequence> docs = EvalSequences.of(tokenizer, held, clusters);
        long tokens = docs.stream().mapToLong(EvalSequence::positions).sum();

        CentroidRouter base = new CentroidRouter(clusters, tokenizer, RoutingConfig.paper());
        int[] tops = {1, 2, k};
        List<SparseEnsemble> ensembles = new ArrayList<>();
        for (int top : tops) {
            ensembles.add(new SparseEnsemble(experts, base.with(RoutingConfig.topK(top))));
        }

        // ---- warm-up (JIT) on a slice
        List<EvalSequence> warm = docs.subList(0, Math.min(docs.size(), 300));
        for (int w = 0; w < 2; w++) {
            for (SparseEnsemble e : ensembles) {
                ensemblePass(e, warm);
                routerPass(e.router(), warm);
            }
            for (LanguageModel x : experts) {
                expertPass(x, warm);
            }
            expertPass(dense, warm);
        }

        // ---- measured, interleaved repetitions
        double[][] ensCpu = new double[tops.length][reps];
        double[][] ensWall = new double[tops.length][reps];
        double[][] routerCpu = new double[tops.length][reps];
        double[][] inEnsembleRouterShare = new double[tops.length][reps];
        double[][] inEnsembleExpertShare = new double[tops.length][reps];
        double[][] inEnsembleMixShare = new double[tops.length][reps];
        double[] expertCpu = new double[reps];
        double[] expertWall = new double[reps];
        double[] denseCpu = new double[reps];
        double[] passes = new double[tops.length];
        double[] perplexity = new double[tops.length];
        double[] paramsPerToken = new double[tops.length];
        for (int r = 0; r < reps; r++) {
            double sumCpu = 0;
            double sumWall = 0;
            for (LanguageModel x : experts) {
                Time t = expertPass(x, docs);
                sumCpu += t.cpu();
                sumWall += t.wall();
            }
            expertCpu[r] = sumCpu / k;
            expertWall[r] = sumWall / k;
            denseCpu[r] = expertPass(dense, docs).cpu();
            for (int i = 0; i < tops.length; i++) {
                SparseEnsemble e = ensembles.get(i);
                routerCpu[i][r] = routerPass(e.router(), docs).cpu();
                e.resetStats();
                double[] nll = new double[1];
                Time t = ensemblePass(e, docs, nll);
                ensCpu[i][r] = t.cpu();
                ensWall[i][r] = t.wall();
                SparseEnsemble.Stats st = e.stats();
                double total = st.routerSeconds() + st.expertSeconds() + st.mixSeconds();
                inEnsembleRouterShare[i][r] = st.routerSeconds() / total;
                inEnsembleExpertShare[i][r] = st.expertSeconds() / total;
                inEnsembleMixShare[i][r] = st.mixSeconds() / total;
                passes[i] = st.expertsPerPosition();
                paramsPerToken[i] = st.parametersPerToken();
                perplexity[i] = Math.exp(nll[0] / tokens);
            }
            System.out.printf(Locale.ROOT, "repetition %d/%d done%n", r + 1, reps);
        }
        double densePpl = Math.exp(-sum(docs, dense) / tokens);

        // ---- report
        double single = median(expertCpu);
        List<String> lines = new ArrayList<>();
        lines.add("| model | tokens/s (CPU) | tokens/s (wall) | expert passes per token | cost / (k x one expert) "
                + "| cost / (passes x one expert) | router share | in-ensemble split router / experts / mixing (wall) "
                + "| params per token | perplexity |");
        lines.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        StringBuilder csv = new StringBuilder("model,top_k,tokens_per_s_cpu,tokens_per_s_wall,expert_passes_per_token,"
                + "cost_vs_k_single,cost_vs_passes_single,router_share,split_router_wall,split_experts_wall,"
                + "split_mixing_wall,params_per_token,perplexity\n");
        for (int i = 0; i < tops.length; i++) {
            double cpu = median(ensCpu[i]);
            double wall = median(ensWall[i]);
            double share = median(routerCpu[i]) / cpu;
            String label = (tops[i] == k ? "all " + k : "top-" + tops[i]) + " of " + k + " KN-" + order;
            double vsK = cpu / (Math.min(tops[i], k) * single);
            double vsPasses = cpu / (passes[i] * single);
            double sr = median(inEnsembleRouterShare[i]);
            double se = median(inEnsembleExpertShare[i]);
            double sm = median(inEnsembleMixShare[i]);
            lines.add(String.format(Locale.ROOT, "| C-BTM %s | %,.0f | %,.0f | %.2f | %.2f | %.2f | %.1f%% | %.0f%% / %.0f%% / %.0f%% | %,.0f | %.2f |",
                    label, tokens / cpu, tokens / wall, passes[i], vsK, vsPasses, 100 * share, 100 * sr, 100 * se,
                    100 * sm, paramsPerToken[i], perplexity[i]));
            csv.append(String.format(Locale.ROOT, "C-BTM %s,%d,%.0f,%.0f,%.3f,%.3f,%.3f,%.4f,%.4f,%.4f,%.4f,%.0f,%.4f%n",
                    label, tops[i], tokens / cpu, tokens / wall, passes[i], vsK, vsPasses, share, sr, se, sm,
                    paramsPerToken[i], perplexity[i]));
        }
        double routerAlone = median(routerCpu[0]);
        lines.add(String.format(Locale.ROOT, "| one KN-%d expert (mean of %d) | %,.0f | %,.0f | 1.00 | | | | | %,.0f | |",
                order, k, tokens / single, tokens / median(expertWall), (double) experts.get(0).inferenceParameters()));
        lines.add(String.format(Locale.ROOT, "| dense KN-%d (all training data) | %,.0f | | 1.00 | | | | | %,d | %.2f |",
                order, tokens / median(denseCpu), dense.inferenceParameters(), densePpl));
        lines.add(String.format(Locale.ROOT, "| centroid router alone (top-1) | %,.0f | | | | | | | %,d | |",
                tokens / routerAlone, base.inferenceParameters()));
        csv.append(String.format(Locale.ROOT, "one KN-%d expert,1,%.0f,%.0f,1,,,,,,,%d,%n", order, tokens / single,
                tokens / median(expertWall), experts.get(0).inferenceParameters()));
        csv.append(String.format(Locale.ROOT, "dense KN-%d,1,%.0f,,1,,,,,,,%d,%.4f%n", order, tokens / median(denseCpu),
                dense.inferenceParameters(), densePpl));
        csv.append(String.format(Locale.ROOT, "centroid router,,%.0f,,,,,,,,,%d,%n", tokens / routerAlone,
                base.inferenceParameters()));

        String setup = String.format(Locale.ROOT, "K = %d balanced k-means clusters of the training mixture (%,d passages, "
                        + "at most %,d per source), %d KN-%d experts on %,d training tokens; %,d held-out %s documents "
                        + "(%,d predicted tokens), scored one document at a time on one thread; T = 0.1, paper weighting; "
                        + "medians of %d interleaved repetitions; %s, %d cores; load average before %s, after %s.",
                k, train.size(), perSource, k, order, trainTokens, docs.size(), heldOut.name().toLowerCase(Locale.ROOT),
                tokens, reps, System.getProperty("java.vm.name") + " " + Runtime.version(),
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage());
        // what the numbers say about the targets (router under 5%, top-k close to k expert passes)
        double routerNs = 1e9 * routerAlone / tokens;
        double expertNs = 1e9 * single / tokens;
        List<String> findings = new ArrayList<>();
        findings.add(String.format(Locale.ROOT, "Router: %.0f ns of CPU per token, %.1fx one KN-%d expert's %.0f ns; "
                        + "its share is %.1f%% (top-1) to %.1f%% (all %d), so the 5%% target is %s with n-gram experts. "
                        + "A single-pass expert would have to cost about %.1f us per token (19x the router) for the router "
                        + "to stay under 5%%; a KN expert is a handful of hash lookups per token.",
                routerNs, routerNs / expertNs, order, expertNs, 100 * median(routerCpu[0]) / median(ensCpu[0]),
                100 * median(routerCpu[tops.length - 1]) / median(ensCpu[tops.length - 1]), k,
                median(routerCpu[tops.length - 1]) / median(ensCpu[tops.length - 1]) < 0.05 ? "met" : "not met",
                19 * routerNs / 1000));
        findings.add(String.format(Locale.ROOT, "Top-k against k expert passes: top-1 runs %.2f experts per token "
                        + "and costs %.1fx one expert; top-2 runs %.2f and costs %.1fx; all %d cost %.1fx %d passes. "
                        + "KN experts score only the positions routed to them (LanguageModel.sequenceLogProbs(tokens, "
                        + "selected)); what is left above k passes is the router and the experts' tables competing for "
                        + "the caches.",
                passes[0], median(ensCpu[0]) / single, passes[1], median(ensCpu[1]) / single, k,
                median(ensCpu[tops.length - 1]) / (k * single), k));
        System.out.println();
        System.out.println(setup);
        lines.forEach(System.out::println);
        findings.forEach(System.out::println);
        if (save) {
            String md = "# Sparse-ensemble scoring benchmark\n\n"
                    + "Made by `environment/bench/ensemble` on " + LocalDate.now() + ". " + setup + "\n\n"
                    + String.join("\n", lines) + "\n\n"
                    + String.join("\n\n", findings) + "\n\n"
                    + "- *tokens/s*: predicted tokens per second of the scoring thread's CPU time (wall clock beside it).\n"
                    + "- *router share*: CPU time of the router alone over the same documents divided by the ensemble's "
                    + "(the router runs inside the ensemble); *in-ensemble split*: the ensemble's own wall-clock timers "
                    + "around routing, the expert calls and the mixing.\n"
                    + "- *expert passes per token*: experts run per document, weighted by length. The weights change "
                    + "along a document, so top-1 can select several experts in one document, and each selected expert "
                    + "scores the whole document (a transformer expert needs the whole prefix anyway).\n"
                    + "- *cost / (k x one expert)*: the ensemble's CPU time over k single-expert passes (one expert, "
                    + "mean of the K, over the same documents); *cost / (passes x one expert)* divides by the measured "
                    + "passes instead, so what is left above 1 is routing, mixing, and the experts running slower "
                    + "inside the ensemble than alone (several experts' tables compete for the caches on every "
                    + "document, where a lone expert keeps its own warm).\n"
                    + "- *params per token*: parameters that ran per predicted token (for KN, stored n-gram entries; "
                    + "the router adds K x 100 + 100).\n";
            Path dir = ProjectPaths.figures();
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve("bench-ensemble.md"), md);
            AtomicFiles.writeString(dir.resolve("bench-ensemble.csv"), csv.toString());
            System.out.println("wrote " + dir.resolve("bench-ensemble.md") + " and .csv");
        }
    }

    private static Time ensemblePass(SparseEnsemble e, List<EvalSequence> docs) {
        return ensemblePass(e, docs, new double[1]);
    }

    private static Time ensemblePass(SparseEnsemble e, List<EvalSequence> docs, double[] nll) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        double s = 0;
        for (EvalSequence d : docs) {
            for (float v : e.score(d).logProbs()) {
                s -= v;
            }
        }
        nll[0] = s;
        return new Time((THREADS.getCurrentThreadCpuTime() - c0) / 1e9, (System.nanoTime() - w0) / 1e9);
    }

    private static Time routerPass(Router r, List<EvalSequence> docs) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        double s = 0;
        for (EvalSequence d : docs) {
            s += r.route(d).positions();
        }
        if (s < 0) {
            throw new AssertionError();
        }
        return new Time((THREADS.getCurrentThreadCpuTime() - c0) / 1e9, (System.nanoTime() - w0) / 1e9);
    }

    private static Time expertPass(LanguageModel m, List<EvalSequence> docs) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        double s = 0;
        for (EvalSequence d : docs) {
            float[] lp = m.sequenceLogProbs(d.tokens());
            s += lp.length == 0 ? 0 : lp[0];
        }
        if (Double.isNaN(s)) {
            throw new AssertionError();
        }
        return new Time((THREADS.getCurrentThreadCpuTime() - c0) / 1e9, (System.nanoTime() - w0) / 1e9);
    }

    private static double sum(List<EvalSequence> docs, LanguageModel m) {
        double s = 0;
        for (EvalSequence d : docs) {
            for (float v : m.sequenceLogProbs(d.tokens())) {
                s += v;
            }
        }
        return s;
    }

    /** The median of {@code a} (not modified); shared by the benchmarks of this package. */
    static double median(double[] a) {
        double[] b = a.clone();
        Arrays.sort(b);
        int n = b.length;
        return n % 2 == 1 ? b[n / 2] : (b[n / 2 - 1] + b[n / 2]) / 2;
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).trim();
            String[] f = s.split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
