package org.cbtm.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import ai.djl.Device;

import org.cbtm.eval.EvalSequence;
import org.cbtm.fewshot.EnsembleScorer;
import org.cbtm.fewshot.ModelScorer;
import org.cbtm.lm.LanguageModel;
import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptLM;
import org.cbtm.route.UniformRouter;

/**
 * The few-shot scoring benchmark (run it with {@code environment/bench/fewshot}): examples/s of 8-shot-like label
 * scoring with one transformer expert, through the key/value cache ({@code GptLM.optionLogProbs}: the prompt once,
 * all options in one batch) against full recomputation (the interface's default: prompt + option per option); and an
 * ensemble of 8 experts against one. The model has the quick profile's expert shape (2 layers, width 128, context
 * 128, the corpus tokenizer's 47,815 ids) with random weights: speed does not depend on training. The two sides are
 * interleaved round by round; median and best examples/s per side, with the load average.
 *
 * <p>Options: {@code --rounds 7} {@code --examples 20} (per round and side) {@code --options 4}
 * {@code --option-tokens 2} {@code --vocab 47815} {@code --threads 1}.
 */
public final class FewShotBenchmark {

    private FewShotBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = 7;
        int examples = 20;
        int numOptions = 4;
        int optionTokens = 2;
        int vocab = 47_815;
        int threads = 1;
        for (int a = 0; a < args.length; a++) {
            switch (args[a]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++a]);
                case "--examples" -> examples = Integer.parseInt(args[++a]);
                case "--options" -> numOptions = Integer.parseInt(args[++a]);
                case "--option-tokens" -> optionTokens = Integer.parseInt(args[++a]);
                case "--vocab" -> vocab = Integer.parseInt(args[++a]);
                case "--threads" -> threads = Integer.parseInt(args[++a]);
                case "-h", "--help" -> {
                    System.out.println("usage: environment/bench/fewshot [--rounds 7] [--examples 20] [--options 4] "
                            + "[--option-tokens 2] [--vocab 47815] [--threads 1]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[a] + " (try --help)");
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        GptConfig config = new GptConfig(vocab, 2, 128, 4, 128, 0.0);
        List<GptLM> experts = new ArrayList<>();
        for (int e = 0; e < 8; e++) {
            try (Gpt g = Gpt.create(config, Device.cpu(), e)) {
                experts.add(GptLM.of(g.weights(), Device.cpu()));
            }
        }
        GptLM one = experts.get(0);
        LanguageModel uncached = new Uncached(one);
        SplittableRandom rnd = new SplittableRandom(0);
        int promptLength = config.contextLength() - optionTokens;
        List<int[]> prompts = new ArrayList<>();
        List<List<int[]>> options = new ArrayList<>();
        for (int i = 0; i < examples; i++) {
            prompts.add(rnd.ints(promptLength, 1, vocab).toArray());
            List<int[]> o = new ArrayList<>();
            for (int k = 0; k < numOptions; k++) {
                o.add(rnd.ints(optionTokens, 1, vocab).toArray());
            }
            options.add(o);
        }
        EnsembleScorer ensemble = new EnsembleScorer(experts, new UniformRouter(8), "8 experts");
        ModelScorer single = new ModelScorer(one, "1 expert");
        // warm-up: native kernels, allocations
        run(one, prompts, options);
        run(uncached, prompts, options);
        double[][] rates = new double[4][rounds];
        for (int r = 0; r < rounds; r++) {
            rates[0][r] = run(one, prompts, options);
            rates[1][r] = run(uncached, prompts, options);
            rates[2][r] = runScorer(single, prompts, options);
            rates[3][r] = runScorer(ensemble, prompts, options);
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf(Locale.ROOT, "few-shot option scoring: GPT 2L/128d, context %d, vocab %,d, prompt %d tokens, "
                        + "%d options of %d tokens, %d thread(s); %d rounds of %d examples per side, interleaved; "
                        + "load average %.2f%n", config.contextLength(), vocab, promptLength, numOptions, optionTokens,
                threads, rounds, examples, load);
        String[] names = {"cached (key/value cache, options batched)", "uncached (prompt + option per option)",
                "one expert, scorer", "ensemble of 8 experts, scorer"};
        for (int i = 0; i < 4; i++) {
            System.out.printf(Locale.ROOT, "  %-44s median %8.1f examples/s, best %8.1f%n", names[i], median(rates[i]),
                    max(rates[i]));
        }
        double medianRatio = median(rates[0]) / median(rates[1]);
        double bestRatio = max(rates[0]) / max(rates[1]);
        System.out.printf(Locale.ROOT, "  cached / uncached: %.1fx median, %.1fx best (target >= %d, the number of "
                + "options): %s%n", medianRatio, bestRatio, numOptions,
                medianRatio >= numOptions && bestRatio >= numOptions ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "  ensemble of 8 / one expert: %.2fx the time per example (median)%n",
                median(rates[2]) / median(rates[3]));
        experts.forEach(GptLM::close);
    }

    private static double run(LanguageModel lm, List<int[]> prompts, List<List<int[]>> options) {
        long t0 = System.nanoTime();
        for (int i = 0; i < prompts.size(); i++) {
            lm.optionLogProbs(prompts.get(i), options.get(i));
        }
        return prompts.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static double runScorer(org.cbtm.fewshot.OptionScorer s, List<int[]> prompts, List<List<int[]>> options) {
        long t0 = System.nanoTime();
        for (int i = 0; i < prompts.size(); i++) {
            s.score(EvalSequence.of(prompts.get(i)), options.get(i));
        }
        return prompts.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** The same model without its cache: the interface's default scoring of prompt + option per option. */
    private record Uncached(GptLM lm) implements LanguageModel {
        public int vocabSize() {
            return lm.vocabSize();
        }

        public int contextLength() {
            return lm.contextLength();
        }

        public long inferenceParameters() {
            return lm.inferenceParameters();
        }

        public String name() {
            return lm.name() + " (uncached)";
        }

        public float[][] nextTokenLogProbs(List<int[]> contexts) {
            return lm.nextTokenLogProbs(contexts);
        }

        public float[] sequenceLogProbs(int[] tokens) {
            return lm.sequenceLogProbs(tokens);
        }

        public List<float[]> sequenceLogProbs(List<int[]> sequences) {
            return lm.sequenceLogProbs(sequences);
        }
    }
}
