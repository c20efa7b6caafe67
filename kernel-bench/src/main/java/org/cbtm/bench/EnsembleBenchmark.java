package org.cbtm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.Profile;
import org.cbtm.base.ProjectPaths;
import org.cbtm.btm.PosteriorRouter;
import org.cbtm.btm.PosteriorRouting;
import org.cbtm.cluster.ClusterModel;
import org.cbtm.cluster.FittedPartition;
import org.cbtm.cluster.KMeansPartitioner;
import org.cbtm.cluster.MetadataSpec;
import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Mixture;
import org.cbtm.corpus.Split;
import org.cbtm.corpus.TokenShard;
import org.cbtm.ensemble.SparseEnsemble;
import org.cbtm.eval.EvalConfig;
import org.cbtm.eval.EvalSequence;
import org.cbtm.eval.EvalSequences;
import org.cbtm.experiment.ArtifactStore;
import org.cbtm.experiment.CbtmConfig;
import org.cbtm.experiment.CbtmExperiment;
import org.cbtm.experiment.Presets;
import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.gpt.TorchRuntime;
import org.cbtm.lm.ngram.KneserNeyLM;
import org.cbtm.lm.ngram.NgramConfig;
import org.cbtm.route.CentroidRouter;
import org.cbtm.route.LikelihoodRouter;
import org.cbtm.route.Router;
import org.cbtm.route.RoutingConfig;
import org.cbtm.smalltalk.NgramRouters;
import org.cbtm.smalltalk.PrefixForm;
import org.cbtm.smalltalk.PrefixRouter;
import org.cbtm.smalltalk.RouterEmConfig;
import org.cbtm.smalltalk.RouterLmPartition;
import org.cbtm.smalltalk.RouterLmSpec;
import org.cbtm.smalltalk.RoutingCost;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.train.CbtmTraining;
import org.cbtm.train.TransformerExperts;

/**
 * The ensemble benchmark (run it with {@code environment/bench/ensemble}): sparse ensembles scoring held-out documents
 * of the real corpus one at a time on one thread. Four groups of rows ({@code --rows}), each measured on its own with
 * the same protocol:
 * <ul>
 *   <li>{@code kn}: C-BTM with K Kneser-Ney experts trained on the clusters of a balanced k-means fit on the training
 *       mixture; also a dense KN model trained on all the data.</li>
 *   <li>{@code gpt}: C-BTM with K = 8 transformer experts of the standard profile's shape ({@link Presets#standardTransformer},
 *       the 4,097-id vocabulary), found trained in the artifact store (notebooks 05 to 09) by their config, or, when
 *       the store lacks them, trained a few steps here; documents truncated to the experts' 128-token context.</li>
 *   <li>{@code posterior}: BTM's domain-posterior ensemble ({@link PosteriorRouter}) over one KN expert per metadata
 *       domain ({@code MetadataSpec("source")}) and, with {@code gpt}, over one transformer ELM per domain of the
 *       standard mixture trained a few steps here (speed does not depend on how well they are trained).</li>
 *   <li>{@code smalltalk}: SmallTalk LM's hard, sequence-level routing ({@link PrefixRouter}): E = K Kneser-Ney
 *       bigram router LMs trained by the hard EM read the first M = 32 tokens of each document and one KN expert,
 *       trained on its router shard, scores it; the routing cost in router tokens per routed document.</li>
 * </ul>
 * For top-1, top-2 and all experts: tokens/s, the router's share of the time, the expert passes per token, and the
 * cost against k single-expert passes; also one expert alone and the router alone. Writes
 * {@code figures/bench-ensemble.md} and {@code .csv}.
 *
 * <p>Times are the scoring thread's CPU time (ThreadMXBean), medians (and best) over repetitions that interleave every
 * measurement of a group, so that other processes on a shared machine disturb the ratios as little as possible;
 * wall-clock tokens/s are reported beside them. libtorch runs on one intra-op thread (its kernels then run on the
 * scoring thread, so its CPU time counts them; the JVM's CPU time over the same repetitions is reported as a check).
 *
 * <p>Options: {@code --rows kn,gpt,posterior,smalltalk} (default all), {@code --k 8}, {@code --order 4}, {@code --per-source 20000}
 * (training mixture cap per source), {@code --docs 3000} (held-out documents, KN rows), {@code --gpt-docs 600}
 * (every n-th of those, transformer rows), {@code --elm-tokens 32768} (training tokens of each transformer ELM trained
 * here), {@code --held-out test|valid}, {@code --reps 5}, {@code --seed 0}, {@code --no-save}, {@code --quick} (a smoke
 * test of a few minutes: small data, 2 repetitions, nothing saved).
 */
public final class EnsembleBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Set<String> ROW_KINDS = Set.of("kn", "gpt", "posterior", "smalltalk");
    private static final String USAGE = "usage: environment/bench/ensemble [--rows kn,gpt,posterior,smalltalk] [--k 8] [--order 4] "
            + "[--per-source 20000] [--docs 3000] [--gpt-docs 600] [--elm-tokens 32768] [--held-out test|valid] "
            + "[--reps 5] [--seed 0] [--no-save] [--quick]";

    private EnsembleBenchmark() {
    }

    /** CPU and wall seconds of one measured pass. */
    private record Time(double cpu, double wall) {
    }

    /** One ensemble of a group: its row label, its top-k and the ensemble. */
    private record Variant(String label, int topK, SparseEnsemble ensemble) {
    }

    /**
     * One group of rows measured together: ensembles over the same experts on the same documents, one expert alone
     * ({@code rotate}: one expert per repetition, in turn, where the experts have one shape; else every expert each
     * repetition, mean), and optionally a dense model.
     */
    private record Group(String title, String expertName, List<? extends LanguageModel> experts, List<Variant> variants,
                         List<EvalSequence> docs, boolean rotate, LanguageModel dense, String denseLabel,
                         String routerLabel) {
        long tokens() {
            return docs.stream().mapToLong(EvalSequence::positions).sum();
        }
    }

    /** What one group's repetitions measured (per variant: CPU and wall seconds, per repetition). */
    private record Measured(Group group, double[][] ensCpu, double[][] ensWall, double[][] routerCpu, double[][] splitRouter,
                            double[][] splitExperts, double[][] splitMix, double[] passes, double[] perplexity,
                            double[] paramsPerToken, double[] singleCpu, double[] singleWall, double[] denseCpu,
                            double densePerplexity, double processOverThread, String loadBefore, String loadAfter) {
        long tokens() {
            return group.tokens();
        }

        double cpu(int i) {
            return median(ensCpu[i]);
        }

        double routerShare(int i) {
            return median(routerCpu[i]) / median(ensCpu[i]);
        }

        double single() {
            return median(singleCpu);
        }
    }

    public static void main(String[] args) throws Exception {
        int k = 8;
        int order = 4;
        int perSource = 20_000;
        int maxDocs = 3000;
        int gptDocs = 600;
        long elmTokens = 32_768;
        int reps = 5;
        long seed = 0;
        Split heldOut = Split.TEST;
        boolean save = true;
        Set<String> rows = new LinkedHashSet<>(List.of("kn", "posterior", "smalltalk", "gpt"));
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--rows" -> rows = parseRows(args[++a]);
                case "--k" -> k = Integer.parseInt(args[++a]);
                case "--order" -> order = Integer.parseInt(args[++a]);
                case "--per-source" -> perSource = Integer.parseInt(args[++a].replace("_", ""));
                case "--docs" -> maxDocs = Integer.parseInt(args[++a].replace("_", ""));
                case "--gpt-docs" -> gptDocs = Integer.parseInt(args[++a].replace("_", ""));
                case "--elm-tokens" -> elmTokens = Long.parseLong(args[++a].replace("_", ""));
                case "--held-out" -> heldOut = Split.valueOf(args[++a].toUpperCase(Locale.ROOT));
                case "--reps" -> reps = Integer.parseInt(args[++a]);
                case "--seed" -> seed = Long.parseLong(args[++a]);
                case "--no-save" -> save = false;
                case "--quick" -> {
                    perSource = 2_000;
                    maxDocs = 300;
                    gptDocs = 60;
                    elmTokens = 8_192;
                    reps = 2;
                    save = false;
                }
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[a] + " (try --help)");
            }
        }
        if (k < 2 || reps < 1 || maxDocs < 1 || gptDocs < 1 || elmTokens < 1) {
            throw new IllegalArgumentException("need --k >= 2, --reps >= 1, --docs >= 1, --gpt-docs >= 1, --elm-tokens >= 1");
        }
        if (rows.contains("gpt")) {
            // one libtorch thread: its kernels run on the scoring thread, whose CPU time is what is measured
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        String loadBefore = loadAverage();
        long start = System.nanoTime();

        // ---- data
        long t0 = System.nanoTime();
        Corpus corpus = Corpora.load();
        Tokenizer tokenizer = Corpora.tokenizer();
        Mixture mixture = new Mixture(Corpora.SOURCE_LIST, perSource, 2023);
        List<Document> train = mixture.sample(corpus, Split.TRAIN);
        List<Document> held = thin(mixture.sample(corpus, heldOut), maxDocs);
        List<String> texts = train.stream().map(Document::text).toList();
        System.out.printf(Locale.ROOT, "data: %,d training passages, %,d held-out documents (%.1f s)%n",
                train.size(), held.size(), secondsSince(t0));

        List<String> sections = new ArrayList<>();
        StringBuilder csv = new StringBuilder("model,top_k,tokens_per_s_cpu,tokens_per_s_wall,expert_passes_per_token,"
                + "cost_vs_k_single,cost_vs_passes_single,router_share,split_router_wall,split_experts_wall,"
                + "split_mixing_wall,params_per_token,perplexity,tokens_per_s_cpu_best,tokens_per_s_wall_best,"
                + "predicted_tokens\n");

        // ---- C-BTM, KN experts on k-means clusters
        Measured cbtmKn = null;
        if (rows.contains("kn")) {
            t0 = System.nanoTime();
            ClusterModel clusters = KMeansPartitioner.reference(k, true, seed).fit(texts);
            int[] assigned = clusters.predict(texts);
            System.out.printf(Locale.ROOT, "clusters: balanced k-means, K = %d (%.1f s)%n", k, secondsSince(t0));
            t0 = System.nanoTime();
            List<List<Document>> parts = parts(train, assigned, k);
            long[] trainTokens = new long[1];
            List<KneserNeyLM> experts = trainKn(tokenizer, parts, order, trainTokens);
            KneserNeyLM dense = KneserNeyLM.train(TokenShard.encode(tokenizer, train), NgramConfig.of(order));
            System.out.printf(Locale.ROOT, "experts: %d x KN-%d on %,d tokens, cluster sizes %s; dense KN-%d (%.1f s)%n",
                    k, order, trainTokens[0], Arrays.toString(sizes(parts)), order, secondsSince(t0));
            List<EvalSequence> docs = EvalSequences.of(tokenizer, held, clusters);
            CentroidRouter base = new CentroidRouter(clusters, tokenizer, RoutingConfig.paper());
            List<Variant> variants = new ArrayList<>();
            for (int top : new int[] {1, 2, k}) {
                variants.add(new Variant("C-BTM " + topLabel(top, k) + " KN-" + order, top,
                        new SparseEnsemble(experts, base.with(RoutingConfig.topK(top)))));
            }
            Group g = new Group("C-BTM with KN-" + order + " experts", "KN-" + order, experts, variants, docs, false,
                    dense, "dense KN-" + order + " (all training data)", "centroid router alone (top-1)");
            cbtmKn = measure(g, reps, 300);
            String setup = String.format(Locale.ROOT, "K = %d balanced k-means clusters of the training mixture (%,d "
                            + "passages, at most %,d per source), %d KN-%d experts on %,d training tokens; %,d held-out %s "
                            + "documents (%,d predicted tokens, the corpus tokenizer's 47,815 ids, whole documents); "
                            + "T = 0.1, paper weighting; %s",
                    k, train.size(), perSource, k, order, trainTokens[0], docs.size(),
                    heldOut.name().toLowerCase(Locale.ROOT), cbtmKn.tokens(), protocol(cbtmKn, reps));
            sections.add(section(cbtmKn, setup, knFindings(cbtmKn, order, k), csv));
        }

        // ---- BTM domain posterior, KN experts on metadata domains
        if (rows.contains("posterior")) {
            t0 = System.nanoTime();
            List<String> domains = train.stream().map(Document::source).distinct().sorted().toList();
            int d = domains.size();
            FittedPartition byDomain = new MetadataSpec("source").partitioner(d, seed).fitDocuments(train);
            List<List<Document>> parts = new ArrayList<>();
            for (String s : domains) {
                parts.add(train.stream().filter(x -> x.source().equals(s)).toList());
            }
            long[] trainTokens = new long[1];
            List<KneserNeyLM> elms = trainKn(tokenizer, parts, order, trainTokens);
            System.out.printf(Locale.ROOT, "domain experts: %d x KN-%d on %,d tokens, domains %s (%.1f s)%n", d, order,
                    trainTokens[0], domains, secondsSince(t0));
            List<EvalSequence> docs = EvalSequences.of(tokenizer, held, byDomain);
            Group g = new Group("BTM domain posterior with KN-" + order + " experts", "KN-" + order, elms,
                    posteriorVariants(elms, "KN-" + order), docs, false, null, null, "domain posterior alone (all "
                    + d + ")");
            Measured m = measure(g, reps, 300);
            String setup = String.format(Locale.ROOT, "One KN-%d expert per metadata domain (`MetadataSpec(\"source\")`, "
                            + "K = %d: %s) on the same training mixture (%,d tokens); the same %,d held-out documents "
                            + "(%,d predicted tokens) as the C-BTM KN rows; the paper's posterior (cumulative prefix "
                            + "likelihood) with a uniform prior (a cached prior per domain is one stored vector per "
                            + "sequence and costs the same); %s",
                    order, d, String.join(", ", domains), trainTokens[0], docs.size(), m.tokens(), protocol(m, reps));
            sections.add(section(m, setup, posteriorFindings(m, cbtmKn), csv));
        }

        // ---- SmallTalk LM, KN experts on the router LMs' shards, one expert per document
        if (rows.contains("smalltalk")) {
            t0 = System.nanoTime();
            int m = 32;
            RouterEmConfig em = new RouterEmConfig(k, m, 4, Math.min(train.size(), 2_000), new NgramRouters(2));
            RouterLmPartition split = (RouterLmPartition) RouterLmSpec.of(em, tokenizer).partitioner(k, seed)
                    .fitDocuments(train);
            int[] assigned = split.trainAssignment();
            List<List<Document>> parts = parts(train, assigned, k);
            long[] trainTokens = new long[1];
            List<KneserNeyLM> experts = trainKn(tokenizer, parts, order, trainTokens);
            System.out.printf(Locale.ROOT, "SmallTalk: router EM (E = %d, M = %d, %s) and %d x KN-%d on %,d tokens, "
                    + "shard sizes %s (%.1f s)%n", k, m, em.routers().name(), k, order, trainTokens[0],
                    Arrays.toString(sizes(parts)), secondsSince(t0));
            List<EvalSequence> docs = EvalSequences.of(tokenizer, held, split);
            PrefixRouter router = split.router(m, PrefixForm.CAUSAL);
            Group g = new Group("SmallTalk LM with KN-" + order + " experts", "KN-" + order, experts,
                    List.of(new Variant("SmallTalk top-1 of " + k + " KN-" + order, 1, new SparseEnsemble(experts, router))),
                    docs, false, null, null, "router LMs alone (" + k + " x " + em.routers().name() + ", M = " + m + ")");
            router.resetCost();
            Measured sm = measure(g, reps, 300);
            RoutingCost cost = router.cost();
            String setup = String.format(Locale.ROOT, "E = %d %s router LMs trained by SmallTalk's hard EM (%d rounds "
                            + "on %,d passages, balanced re-split) on the same training mixture, which they shard; one "
                            + "KN-%d expert per shard (%,d tokens in all); the same %,d held-out documents (%,d predicted "
                            + "tokens) as the C-BTM KN rows, each routed once by its first M = %d tokens (causal form: "
                            + "a prediction never reads its own token) to one expert; %s",
                    k, em.routers().name(), em.rounds(), em.sampleSize(), order, trainTokens[0], docs.size(), sm.tokens(),
                    m, protocol(sm, reps));
            List<String> findings = List.of(String.format(Locale.ROOT, "SmallTalk's routing: %.1f router tokens per "
                            + "routed document (E routers x up to M tokens; %,d documents routed over the repetitions), "
                            + "its share of the ensemble's time %s; the ensemble runs %.2f expert passes per token and "
                            + "costs %.2fx one expert.%s", cost.routerTokensPerSequence(), cost.sequences(), shares(sm),
                    sm.passes()[0], sm.cpu(0) / sm.single(), cbtmKn == null ? "" : String.format(Locale.ROOT,
                            " Beside it, C-BTM's top-1 centroid router takes %.1f%% with the same kind of experts.",
                            100 * cbtmKn.routerShare(0))));
            sections.add(section(sm, setup, findings, csv));
        }

        // ---- transformer experts of the standard profile's shape
        if (rows.contains("gpt")) {
            t0 = System.nanoTime();
            Profile std = Profile.STANDARD;
            CbtmExperiment exp = new CbtmExperiment(Mixture.standard(std).sample(corpus, Split.TRAIN),
                    Mixture.standardTest(std).sample(corpus, Split.TEST), Presets.standardTokenizer(),
                    ArtifactStore.standard(), EvalConfig.defaults().withContextLength(Presets.evalContext())
                    .withProgress(false));
            TransformerExperts shape = Presets.standardTransformer(2, 64, 2);
            int gk = 8;
            CbtmConfig c = CbtmConfig.balanced(gk, shape, Presets.budget(std));
            CbtmExperiment.TrainingRun run = exp.trainingRun(c);
            String provenance;
            if (trained(run, c)) {
                provenance = String.format(Locale.ROOT, "the standard profile's K = %d balanced experts (%s, %s tokens "
                                + "after a %s-token seed) found in the artifact store (experts/%s...)", gk, shape.name(),
                        human(c.totalTokens()), human(shape.seedTokens()),
                        run.expertsDir().getFileName().toString().substring(0, 12));
            } else {
                c = CbtmConfig.balanced(gk, fewSteps(shape, 2 * elmTokens), gk * elmTokens);
                run = exp.trainingRun(c);
                provenance = String.format(Locale.ROOT, "K = %d balanced experts of the standard shape (%s) trained "
                                + "here %d steps each after a %d-step seed (the store had no trained standard-profile "
                                + "experts): speed does not depend on how well they are trained", gk, shape.name(),
                        elmTokens / tokensPerStep(shape), 2 * elmTokens / tokensPerStep(shape));
            }
            System.out.println("transformer experts: " + provenance);
            Tokenizer small = exp.tokenizer();
            List<LanguageModel> gpts = CbtmTraining.run(run.plan(), run.data(), run.seedDir(), run.expertsDir())
                    .loadAll();
            List<EvalSequence> gdocs = truncated(small, thin(held, gptDocs), exp.partition(c));
            System.out.printf(Locale.ROOT, "transformer experts ready (%.1f s)%n", secondsSince(t0));
            List<Variant> variants = new ArrayList<>();
            for (int top : new int[] {1, 2, gk}) {
                CbtmConfig ct = top == gk ? c : c.withTopK(top);
                variants.add(new Variant("C-BTM " + topLabel(top, gk) + " " + shape.name(), top,
                        new SparseEnsemble(gpts, exp.router(ct))));
            }
            Group g = new Group("C-BTM with transformer experts", shape.name(), gpts, variants, gdocs, true, null, null,
                    "centroid router alone (top-1)");
            Measured m = measure(g, reps, Math.min(50, gdocs.size()));
            String setup = String.format(Locale.ROOT, "%s: GPT, 2 layers, width 64, 2 heads, context 128, the "
                            + "4,097-id vocabulary (`Presets.standardTransformer(2, 64, 2)`, `Presets.standardTokenizer()`), "
                            + "%,d inference parameters each, routed by the centroid router of their own clustering (the "
                            + "standard mixture's, on the same tokenizer). %,d of the held-out documents above (every "
                            + "n-th) truncated to the experts' %d-token context (%,d predicted tokens); libtorch on one "
                            + "thread (OMP_WAIT_POLICY %s); one expert alone is a different one of the %d each "
                            + "repetition, timed before and after the ensembles (mean); %s",
                    capitalise(provenance), gpts.get(0).inferenceParameters(), gdocs.size(), Presets.evalContext(),
                    m.tokens(), TorchRuntime.ompWaitPolicy(), gk, protocol(m, reps));
            sections.add(section(m, setup, gptFindings(m), csv));

            if (rows.contains("posterior")) {
                // BTM's ELMs of the standard shape, one per domain of the standard mixture, trained a few steps
                t0 = System.nanoTime();
                List<String> domains = exp.trainDocuments().stream().map(Document::source).distinct().sorted().toList();
                int d = domains.size();
                TransformerExperts elmKind = fewSteps(shape, 2 * elmTokens);
                CbtmConfig btm = new CbtmConfig(new MetadataSpec("source"), d, d * elmTokens, elmKind,
                        PosteriorRouting.paper(), 0L);
                List<LanguageModel> elms = exp.experts(btm).loadAll();
                List<EvalSequence> edocs = truncated(small, thin(held, gptDocs), exp.partition(btm));
                System.out.printf(Locale.ROOT, "transformer ELMs: %d domains, %d steps each after a %d-step seed "
                                + "(%.1f s)%n", d, elmTokens / tokensPerStep(shape), 2 * elmTokens / tokensPerStep(shape),
                        secondsSince(t0));
                PosteriorRouter all = PosteriorRouter.uniform(elms);
                List<Variant> pv = List.of(
                        new Variant("BTM posterior top-1 of " + d + " " + shape.name(), 1,
                                new SparseEnsemble(elms, all.withTopK(1))),
                        new Variant("BTM posterior all " + d + " of " + d + " " + shape.name(), d,
                                new SparseEnsemble(elms, all)));
                Group pg = new Group("BTM domain posterior with transformer experts", shape.name(), elms, pv, edocs,
                        true, null, null, "domain posterior alone (all " + d + ")");
                Measured pm = measure(pg, reps, Math.min(50, edocs.size()));
                String psetup = String.format(Locale.ROOT, "One ELM of the same shape per metadata domain of the "
                                + "standard mixture (K = %d: %s), trained here (through the artifact store) %d steps "
                                + "each after a %d-step seed: the store has no standard-profile ELMs of notebook 12, "
                                + "and speed does not depend on how well they are trained (their perplexity is "
                                + "meaningless). The same %,d documents (%,d predicted tokens); uniform prior; top-2 "
                                + "left out (every variant runs all %d ELMs, so it costs what the others cost); one "
                                + "ELM alone is a different one each repetition, timed before and after the "
                                + "ensembles; %s",
                        d, String.join(", ", domains), elmTokens / tokensPerStep(shape),
                        2 * elmTokens / tokensPerStep(shape), edocs.size(), pm.tokens(), d, protocol(pm, reps));
                sections.add(section(pm, psetup, posteriorFindings(pm, m), csv));
                elms.forEach(LanguageModel::close);
            }
            gpts.forEach(LanguageModel::close);
            exp.close();
        }

        String header = String.format(Locale.ROOT, "Scored one document at a time on one thread; %s, %d cores; "
                        + "load average before %s, after %s (the machine was shared with other jobs: wall-clock "
                        + "numbers, and CPU numbers through cache and memory contention, are taken under that load); "
                        + "the groups below run one after another, each with its own interleaved repetitions, so "
                        + "compare ratios within a group: under load, absolute rates (CPU ones too) can move between "
                        + "groups; the whole run took %.1f min.",
                System.getProperty("java.vm.name") + " " + Runtime.version(),
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage(), secondsSince(start) / 60);
        System.out.println();
        System.out.println(header);
        sections.forEach(s -> System.out.println("\n" + s));
        if (save) {
            String md = "# Sparse-ensemble scoring benchmark\n\n"
                    + "Made by `environment/bench/ensemble" + (args.length == 0 ? "" : " " + String.join(" ", args))
                    + "` on " + LocalDate.now() + ". " + header + "\n\n"
                    + String.join("\n\n", sections) + "\n\n"
                    + "- *tokens/s*: predicted tokens per second of the scoring thread's CPU time (wall clock beside "
                    + "it); medians over the repetitions, best beside them.\n"
                    + "- *router share*: CPU time of the router alone over the same documents divided by the "
                    + "ensemble's (the router runs inside the ensemble; the domain posterior alone is timed on the "
                    + "experts' scores computed beforehand, so its time is the posterior's, not the experts'); "
                    + "*in-ensemble split*: the ensemble's own wall-clock timers around routing, the expert calls and "
                    + "the mixing.\n"
                    + "- *expert passes per token*: experts run per document, weighted by length. The weights change "
                    + "along a document, so top-1 can select several experts in one document, and each selected expert "
                    + "scores the whole document (a transformer expert needs the whole prefix anyway: one forward pass "
                    + "per document). The domain posterior runs every expert on every document.\n"
                    + "- *cost / (k x one expert)*: the ensemble's CPU time over k single-expert passes (one expert, "
                    + "over the same documents); *cost / (passes x one expert)* divides by the measured passes "
                    + "instead, so what is left above 1 is routing, mixing, and the experts running slower inside the "
                    + "ensemble than alone (several experts' tables compete for the caches on every document, where a "
                    + "lone expert keeps its own warm).\n"
                    + "- *params per token*: parameters that ran per predicted token (for KN, stored n-gram entries; "
                    + "the centroid router adds K x 100 + 100; the domain posterior counts the experts it runs beyond "
                    + "the top-k as its own).\n";
            Path dir = ProjectPaths.figures();
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve("bench-ensemble.md"), md);
            AtomicFiles.writeString(dir.resolve("bench-ensemble.csv"), csv.toString());
            System.out.println("wrote " + dir.resolve("bench-ensemble.md") + " and .csv");
        }
    }

    /** The row kinds of {@code --rows}: a comma-separated subset of kn, gpt, posterior, smalltalk. */
    static Set<String> parseRows(String s) {
        Set<String> out = new LinkedHashSet<>();
        for (String r : s.split(",")) {
            String x = r.trim().toLowerCase(Locale.ROOT);
            if (!ROW_KINDS.contains(x)) {
                throw new IllegalArgumentException("unknown row kind '" + r + "' in --rows: use kn, gpt, posterior, smalltalk");
            }
            out.add(x);
        }
        return out;
    }

    // ------------------------------------------------------------------ measuring

    /**
     * Warms up on the first {@code warmDocs} documents, then runs {@code reps} repetitions; each repetition times, in
     * turn, one expert alone (or all of them), the dense model, and per variant the router alone and the ensemble.
     */
    private static Measured measure(Group g, int reps, int warmDocs) {
        List<EvalSequence> docs = g.docs();
        int n = g.variants().size();
        int k = g.experts().size();
        // a likelihood router (the domain posterior) alone is timed on the experts' scores, computed once here
        float[][][] scores = null;
        if (g.variants().stream().anyMatch(v -> v.ensemble().router() instanceof LikelihoodRouter)) {
            scores = new float[docs.size()][k][];
            for (int i = 0; i < docs.size(); i++) {
                for (int j = 0; j < k; j++) {
                    scores[i][j] = g.experts().get(j).sequenceLogProbs(docs.get(i).tokens());
                }
            }
        }
        String loadBefore = loadAverage();
        long t0 = System.nanoTime();
        if (g.rotate()) {
            // a transformer's native kernels are set up per input shape: one pass over every document meets every length
            expertPass(g.experts().get(0), docs);
        }
        List<EvalSequence> warm = docs.subList(0, Math.min(docs.size(), warmDocs));
        for (int w = 0; w < 2; w++) {
            for (Variant v : g.variants()) {
                ensemblePass(v.ensemble(), warm, new double[1]);
                routerPass(v.ensemble().router(), warm, scores);
            }
            for (LanguageModel x : g.experts()) {
                expertPass(x, warm);
            }
            if (g.dense() != null) {
                expertPass(g.dense(), warm);
            }
        }
        System.out.printf(Locale.ROOT, "%s: warm-up done (%.1f s)%n", g.title(), secondsSince(t0));

        double[][] ensCpu = new double[n][reps];
        double[][] ensWall = new double[n][reps];
        double[][] routerCpu = new double[n][reps];
        double[][] sr = new double[n][reps];
        double[][] se = new double[n][reps];
        double[][] sm = new double[n][reps];
        double[] singleCpu = new double[reps];
        double[] singleWall = new double[reps];
        double[] denseCpu = new double[reps];
        double[] passes = new double[n];
        double[] perplexity = new double[n];
        double[] params = new double[n];
        long tokens = g.tokens();
        double threadCpu = 0;
        long process0 = processCpuNanos();
        for (int r = 0; r < reps; r++) {
            long rep0 = System.nanoTime();
            if (g.rotate()) {
                Time t = expertPass(g.experts().get(r % k), docs);
                singleCpu[r] = t.cpu();
                singleWall[r] = t.wall();
            } else {
                double sumCpu = 0;
                double sumWall = 0;
                for (LanguageModel x : g.experts()) {
                    Time t = expertPass(x, docs);
                    sumCpu += t.cpu();
                    sumWall += t.wall();
                }
                singleCpu[r] = sumCpu / k;
                singleWall[r] = sumWall / k;
                threadCpu += sumCpu - singleCpu[r];
            }
            threadCpu += singleCpu[r];
            if (g.dense() != null) {
                denseCpu[r] = expertPass(g.dense(), docs).cpu();
                threadCpu += denseCpu[r];
            }
            for (int i = 0; i < n; i++) {
                SparseEnsemble e = g.variants().get(i).ensemble();
                routerCpu[i][r] = routerPass(e.router(), docs, scores).cpu();
                e.resetStats();
                double[] nll = new double[1];
                Time t = ensemblePass(e, docs, nll);
                ensCpu[i][r] = t.cpu();
                ensWall[i][r] = t.wall();
                threadCpu += routerCpu[i][r] + t.cpu();
                SparseEnsemble.Stats st = e.stats();
                double total = st.routerSeconds() + st.expertSeconds() + st.mixSeconds();
                sr[i][r] = st.routerSeconds() / total;
                se[i][r] = st.expertSeconds() / total;
                sm[i][r] = st.mixSeconds() / total;
                passes[i] = st.expertsPerPosition();
                params[i] = st.parametersPerToken();
                perplexity[i] = Math.exp(nll[0] / tokens);
            }
            if (g.rotate()) {
                // the same expert again after the ensembles: their mean brackets the load's drift over the repetition
                Time t = expertPass(g.experts().get(r % k), docs);
                singleCpu[r] = (singleCpu[r] + t.cpu()) / 2;
                singleWall[r] = (singleWall[r] + t.wall()) / 2;
                threadCpu += t.cpu();
            }
            System.out.printf(Locale.ROOT, "%s: repetition %d/%d done (%.1f s)%n", g.title(), r + 1, reps,
                    secondsSince(rep0));
        }
        double processOverThread = (processCpuNanos() - process0) / 1e9 / threadCpu;
        double densePpl = g.dense() == null ? Double.NaN : Math.exp(-sum(docs, g.dense()) / tokens);
        return new Measured(g, ensCpu, ensWall, routerCpu, sr, se, sm, passes, perplexity, params, singleCpu,
                singleWall, denseCpu, densePpl, processOverThread, loadBefore, loadAverage());
    }

    // ------------------------------------------------------------------ reporting

    /** A group's markdown: title, setup, table, findings; appends its rows to {@code csv}. */
    private static String section(Measured m, String setup, List<String> findings, StringBuilder csv) {
        Group g = m.group();
        long tokens = m.tokens();
        double single = m.single();
        List<String> lines = new ArrayList<>();
        lines.add("| model | tokens/s (CPU) | tokens/s (wall) | best tokens/s (CPU / wall) | expert passes per token "
                + "| cost / (k x one expert) | cost / (passes x one expert) | router share "
                + "| in-ensemble split router / experts / mixing (wall) | params per token | perplexity |");
        lines.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < g.variants().size(); i++) {
            Variant v = g.variants().get(i);
            double cpu = m.cpu(i);
            double wall = median(m.ensWall()[i]);
            double cpuBest = min(m.ensCpu()[i]);
            double wallBest = min(m.ensWall()[i]);
            double share = m.routerShare(i);
            double vsK = cpu / (v.topK() * single);
            double vsPasses = cpu / (m.passes()[i] * single);
            double sr = median(m.splitRouter()[i]);
            double se = median(m.splitExperts()[i]);
            double sm = median(m.splitMix()[i]);
            lines.add(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f / %,.0f | %.2f | %.2f | %.2f | %.1f%% "
                            + "| %.0f%% / %.0f%% / %.0f%% | %,.0f | %.2f |", v.label(), tokens / cpu, tokens / wall,
                    tokens / cpuBest, tokens / wallBest, m.passes()[i], vsK, vsPasses, 100 * share, 100 * sr,
                    100 * se, 100 * sm, m.paramsPerToken()[i], m.perplexity()[i]));
            csv.append(String.format(Locale.ROOT, "%s,%d,%.0f,%.0f,%.3f,%.3f,%.3f,%.4f,%.4f,%.4f,%.4f,%.0f,%.4f,%.0f,"
                            + "%.0f,%d%n", v.label(), v.topK(), tokens / cpu, tokens / wall, m.passes()[i], vsK, vsPasses,
                    share, sr, se, sm, m.paramsPerToken()[i], m.perplexity()[i], tokens / cpuBest, tokens / wallBest,
                    tokens));
        }
        int k = g.experts().size();
        String one = "one " + g.expertName() + " expert " + (g.rotate() ? "(one of " + k + " in turn)"
                : "(mean of " + k + ")");
        long expertParams = g.experts().get(0).inferenceParameters();
        lines.add(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f / %,.0f | 1.00 | | | | | %,d | |", one,
                tokens / single, tokens / median(m.singleWall()), tokens / min(m.singleCpu()),
                tokens / min(m.singleWall()), expertParams));
        csv.append(String.format(Locale.ROOT, "%s,1,%.0f,%.0f,1,,,,,,,%d,,%.0f,%.0f,%d%n", one, tokens / single,
                tokens / median(m.singleWall()), expertParams, tokens / min(m.singleCpu()),
                tokens / min(m.singleWall()), tokens));
        if (g.dense() != null) {
            double dc = median(m.denseCpu());
            lines.add(String.format(Locale.ROOT, "| %s | %,.0f | | %,.0f / – | 1.00 | | | | | %,d | %.2f |",
                    g.denseLabel(), tokens / dc, tokens / min(m.denseCpu()), g.dense().inferenceParameters(),
                    m.densePerplexity()));
            csv.append(String.format(Locale.ROOT, "%s,1,%.0f,,1,,,,,,,%d,%.4f,%.0f,,%d%n", g.denseLabel(), tokens / dc,
                    g.dense().inferenceParameters(), m.densePerplexity(), tokens / min(m.denseCpu()), tokens));
        }
        double routerAlone = median(m.routerCpu()[0]);
        long routerParams = g.variants().get(0).ensemble().router().inferenceParameters();
        int routerRow = g.variants().size() - 1;
        if (g.variants().get(0).ensemble().router() instanceof LikelihoodRouter) {
            routerAlone = median(m.routerCpu()[routerRow]); // the posterior over every expert, none cut
            routerParams = 0;
        }
        lines.add(String.format(Locale.ROOT, "| %s | %,.0f | | | | | | | | %,d | |", g.routerLabel(),
                tokens / routerAlone, routerParams));
        csv.append(String.format(Locale.ROOT, "%s,,%.0f,,,,,,,,,%d,,,,%d%n", g.routerLabel(), tokens / routerAlone,
                routerParams, tokens));
        return "## " + g.title() + "\n\n" + setup + "\n\n" + String.join("\n", lines) + "\n\n"
                + String.join("\n\n", findings);
    }

    private static List<String> knFindings(Measured m, int order, int k) {
        int last = m.passes().length - 1;
        double single = m.single();
        double routerNs = 1e9 * median(m.routerCpu()[0]) / m.tokens();
        double expertNs = 1e9 * single / m.tokens();
        List<String> findings = new ArrayList<>();
        findings.add(String.format(Locale.ROOT, "Router: %.0f ns of CPU per token, %.1fx one KN-%d expert's %.0f ns; "
                        + "its share is %.1f%% (top-1) to %.1f%% (all %d), so the 5%% target is %s with n-gram experts. "
                        + "A single-pass expert would have to cost about %.1f us per token (19x the router) for the router "
                        + "to stay under 5%%; a KN expert is a handful of hash lookups per token.",
                routerNs, routerNs / expertNs, order, expertNs, 100 * m.routerShare(0), 100 * m.routerShare(last), k,
                m.routerShare(last) < 0.05 ? "met" : "not met", 19 * routerNs / 1000));
        findings.add(String.format(Locale.ROOT, "Top-k against k expert passes: top-1 runs %.2f experts per token "
                        + "and costs %.1fx one expert; top-2 runs %.2f and costs %.1fx; all %d cost %.1fx %d passes. "
                        + "KN experts score only the positions routed to them (LanguageModel.sequenceLogProbs(tokens, "
                        + "selected)); what is left above k passes is the router and the experts' tables competing for "
                        + "the caches.",
                m.passes()[0], m.cpu(0) / single, m.passes()[1], m.cpu(1) / single, k, m.cpu(last) / (k * single), k));
        return findings;
    }

    private static List<String> gptFindings(Measured m) {
        int k = m.group().experts().size();
        double routerNs = 1e9 * median(m.routerCpu()[0]) / m.tokens();
        double expertNs = 1e9 * m.single() / m.tokens();
        double docMs = 1e3 * m.single() / m.group().docs().size();
        List<String> findings = new ArrayList<>();
        findings.add(String.format(Locale.ROOT, "Router: %.0f ns of CPU per token against one transformer expert's "
                        + "%,.0f ns (%.2f ms of CPU per document); the router's share and the 5%% target: %s.",
                routerNs, expertNs, docMs, shares(m)));
        StringBuilder cost = new StringBuilder();
        for (int i = 0; i < m.passes().length; i++) {
            Variant v = m.group().variants().get(i);
            cost.append(String.format(Locale.ROOT, "%s%s runs %.2f experts per token and costs %.2fx one expert "
                            + "(%.2fx its passes)", i == 0 ? "" : "; ", topLabel(v.topK(), k), m.passes()[i],
                    m.cpu(i) / m.single(), m.cpu(i) / (m.passes()[i] * m.single())));
        }
        findings.add("Expert passes: " + cost + ". A transformer expert does not score positions sparsely "
                + "(`scoresPositionsSparsely()` is false), so `SparseEnsemble` runs every expert that some position of "
                + "a document selects once over the whole document, in one forward pass; top-1 runs more than one "
                + "expert per token where the weights change expert along a document, and each of those passes costs "
                + "a whole document.");
        return findings;
    }

    /** "top-1 of 8 0.22% (met), ...": each variant's router share against the 5% target. */
    private static String shares(Measured m) {
        int k = m.group().experts().size();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < m.passes().length; i++) {
            Variant v = m.group().variants().get(i);
            out.append(String.format(Locale.ROOT, "%s%s %.2f%% (%s)", i == 0 ? "" : ", ", topLabel(v.topK(), k),
                    100 * m.routerShare(i), m.routerShare(i) < 0.05 ? "met" : "not met"));
        }
        return out.toString();
    }

    private static List<String> posteriorFindings(Measured m, Measured centroid) {
        int last = m.passes().length - 1;
        int k = m.group().experts().size();
        double posteriorNs = 1e9 * median(m.routerCpu()[last]) / m.tokens();
        double expertNs = 1e9 * m.single() / m.tokens();
        List<String> findings = new ArrayList<>();
        String beside = centroid == null ? "" : String.format(Locale.ROOT, " Beside it, C-BTM's centroid router "
                        + "(table above, %s experts) takes %.1f%% (top-1) to %.1f%% (all).",
                centroid.group().expertName(), 100 * centroid.routerShare(0),
                100 * centroid.routerShare(centroid.passes().length - 1));
        findings.add(String.format(Locale.ROOT, "Domain posterior: %.0f ns of CPU per token on the experts' scores "
                        + "(one %s expert: %,.0f ns); its share of the ensemble's time and the 5%% target, for the "
                        + "posterior's own computation: %s.%s",
                posteriorNs, m.group().expertName(), expertNs, shares(m), beside));
        findings.add(String.format(Locale.ROOT, "But the posterior needs every expert's likelihood of the prefix: "
                        + "every variant runs all %d experts (%.2f expert passes per token), so top-1 costs %.2fx one "
                        + "expert and all %d cost %.2fx: top-k saves only mixing. Counted as routing, the passes of the experts that run "
                        + "only to feed the posterior are (K - k) / K of the expert time: %.0f%% for top-1.",
                k, m.passes()[0], m.cpu(0) / m.single(), k, m.cpu(last) / m.single(), 100.0 * (k - 1) / k));
        return findings;
    }

    // ------------------------------------------------------------------ experts

    /** The documents of each of {@code k} parts, in order, from each document's part. */
    private static List<List<Document>> parts(List<Document> docs, int[] assigned, int k) {
        List<List<Document>> parts = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            parts.add(new ArrayList<>());
        }
        for (int i = 0; i < docs.size(); i++) {
            parts.get(assigned[i]).add(docs.get(i));
        }
        return parts;
    }

    private static List<KneserNeyLM> trainKn(Tokenizer tokenizer, List<List<Document>> parts, int order, long[] tokens) {
        List<KneserNeyLM> experts = new ArrayList<>();
        for (List<Document> part : parts) {
            TokenShard shard = TokenShard.encode(tokenizer, part);
            tokens[0] += shard.numTokens();
            experts.add(KneserNeyLM.train(shard, NgramConfig.of(order)));
        }
        return experts;
    }

    private static List<Variant> posteriorVariants(List<? extends LanguageModel> elms, String name) {
        int d = elms.size();
        PosteriorRouter all = PosteriorRouter.uniform(elms);
        List<Variant> out = new ArrayList<>();
        for (int top : new int[] {1, 2, d}) {
            out.add(new Variant("BTM posterior " + topLabel(top, d) + " " + name, top,
                    new SparseEnsemble(elms, top == d ? all : all.withTopK(top))));
        }
        return out;
    }

    /** Whether the store holds the config's seed and every expert finished (so that loading them trains nothing). */
    private static boolean trained(CbtmExperiment.TrainingRun run, CbtmConfig c) {
        if (c.expert().hasSeed() && !Files.exists(run.seedDir().resolve("final.ckpt"))) {
            return false;
        }
        for (int j = 0; j < c.k(); j++) {
            if (!Files.exists(run.expertsDir().resolve("expert-" + j).resolve("final.ckpt"))) {
                return false;
            }
        }
        return true;
    }

    /** The same transformer shape and optimiser with a seed of {@code seedTokens} (a few steps). */
    private static TransformerExperts fewSteps(TransformerExperts shape, long seedTokens) {
        return new TransformerExperts(shape.model(), shape.training(), seedTokens);
    }

    private static long tokensPerStep(TransformerExperts kind) {
        return (long) kind.training().batchSize() * kind.training().blockLength();
    }

    private static int[] sizes(List<List<Document>> parts) {
        return parts.stream().mapToInt(List::size).toArray();
    }

    /** The documents as sequences truncated to the transformer experts' context ({@link Presets#evalContext()}). */
    private static List<EvalSequence> truncated(Tokenizer tokenizer, List<Document> docs, FittedPartition partition) {
        return EvalSequences.of(tokenizer, docs, partition).stream().map(s -> s.truncate(Presets.evalContext())).toList();
    }

    /** How a group was measured: repetitions, the JVM's CPU time against the scoring thread's, the load. */
    private static String protocol(Measured m, int reps) {
        return String.format(Locale.ROOT, "medians of %d interleaved repetitions; the JVM's CPU time over the "
                + "repetitions was %.2fx the scoring thread's; load average before %s, after %s.", reps,
                m.processOverThread(), m.loadBefore(), m.loadAfter());
    }

    /** Every n-th document, so that each source keeps its share. */
    private static List<Document> thin(List<Document> docs, int max) {
        if (docs.size() <= max) {
            return docs;
        }
        List<Document> thinned = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            thinned.add(docs.get((int) ((long) i * docs.size() / max)));
        }
        return thinned;
    }

    private static String topLabel(int top, int k) {
        return (top >= k ? "all " + k : "top-" + top) + " of " + k;
    }

    private static String human(long tokens) {
        return tokens >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", tokens / 1e6)
                : String.format(Locale.ROOT, "%,d", tokens);
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ------------------------------------------------------------------ timed passes

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

    /** The router alone; a likelihood router on the experts' scores computed beforehand ({@code scores[doc]}). */
    private static Time routerPass(Router r, List<EvalSequence> docs, float[][][] scores) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        double s = 0;
        LikelihoodRouter lr = r instanceof LikelihoodRouter x && scores != null ? x : null;
        for (int i = 0; i < docs.size(); i++) {
            s += (lr != null ? lr.route(docs.get(i), scores[i]) : r.route(docs.get(i))).positions();
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

    private static double min(double[] a) {
        return Arrays.stream(a).min().orElse(Double.NaN);
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
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
