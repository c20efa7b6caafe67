package org.cbtm.smalltalk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.cbtm.base.Progress;
import org.cbtm.base.WorkInterrupted;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.LanguageModel;

/**
 * SmallTalk's router training (methods 3), stage 1 and the sharding of stage 2:
 * <ol>
 * <li>split a seeded sample at random into E equal parts;</li>
 * <li>each round: train router e on the prefixes (first M tokens) of part e; draw a fresh sample; score it with every
 * router; re-split it with the {@link BalancedAssignment} (most confident first, best expert with room);</li>
 * <li>with the final routers, score the whole corpus and split it once more with the balanced assignment: the
 * experts' shards.</li>
 * </ol>
 * Confidence is a sequence's best score per predicted prefix token (the mean log-probability), so that sequences
 * shorter than M are not "confident" just for having fewer tokens; for sequences of at least M tokens it orders them
 * as the summed score does, and the argmax is the same either way.
 *
 * <p>Each round records the routers' prefix loss (mean NLL per predicted prefix token of the fresh sample, each
 * sequence under the router it is assigned to) and the fraction of the fresh sample whose expert changed: its
 * balanced assignment under this round's routers against that under the previous round's (NaN in round 1, whose
 * previous split is random). Deterministic for a seed: samples, the random split and the routers' training seeds all
 * derive from it.
 */
public final class RouterEm {

    /** One EM round. */
    public record Round(int round, int sampleSize, double prefixLoss, double changedFraction, int[] partSizes) {
    }

    /**
     * The EM's outcome: the final routers, the rounds, and the balanced assignment of every document (stage 2).
     * Closing it closes the routers.
     */
    public record Result(RouterLms routers, List<Round> rounds, int[] assignment, long routerTrainingTokens)
            implements AutoCloseable {
        @Override
        public void close() {
            routers.close();
        }
    }

    private RouterEm() {
    }

    /**
     * Runs the EM on {@code documents} (token ids, as the experts see them) and shards them.
     *
     * @param vocabSize the tokenizer's vocabulary
     * @param seed      everything random derives from it
     */
    public static Result run(RouterEmConfig config, List<int[]> documents, int vocabSize, long seed) {
        int n = documents.size();
        int e = config.experts();
        if (n < e) {
            throw new IllegalArgumentException("cannot split " + n + " documents over E = " + e + " experts");
        }
        int m = config.prefixLength();
        List<int[]> prefixes = new ArrayList<>(n);
        for (int[] d : documents) {
            if (d.length == 0) {
                throw new IllegalArgumentException("an empty document cannot be routed; drop it first");
            }
            prefixes.add(d.length <= m ? d : Arrays.copyOf(d, m));
        }
        int sample = Math.min(config.sampleSize(), n);
        int[] current = draw(n, sample, seed, 0);
        int[] parts = new int[sample];
        // a random equal split: the shuffled sample dealt round-robin
        for (int r = 0; r < sample; r++) {
            parts[r] = r % e;
        }
        List<Round> rounds = new ArrayList<>();
        RouterLms previous = null;
        long trainingTokens = 0;
        Progress bar = Progress.start("SmallTalk router EM (E = " + e + ", M = " + m + ", " + config.routers().name() + ")",
                config.rounds() + 1, "steps");
        try {
            for (int round = 1; round <= config.rounds(); round++) {
                WorkInterrupted.check("SmallTalk router EM");
                List<LanguageModel> trained = new ArrayList<>(e);
                for (int j = 0; j < e; j++) {
                    TokenShard shard = shardOf(prefixes, current, parts, j, vocabSize);
                    trainingTokens += shard.numTokens();
                    trained.add(config.routers().train(shard, seed * 1_000_003L + round * 1009L + j));
                }
                RouterLms routers = new RouterLms(trained, config.routers().name());
                int[] fresh = draw(n, sample, seed, round);
                List<int[]> freshPrefixes = select(prefixes, fresh);
                double[][] sums = routers.sums(freshPrefixes);
                BalancedAssignment.Result split = BalancedAssignment.assign(perToken(sums, freshPrefixes));
                double changed = Double.NaN;
                if (previous != null) {
                    int[] before = BalancedAssignment.assign(perToken(previous.sums(freshPrefixes), freshPrefixes)).assignment();
                    int moved = 0;
                    for (int i = 0; i < sample; i++) {
                        moved += before[i] != split.assignment()[i] ? 1 : 0;
                    }
                    changed = (double) moved / sample;
                    previous.close();
                }
                double nll = 0;
                long predicted = 0;
                for (int i = 0; i < sample; i++) {
                    nll -= sums[i][split.assignment()[i]];
                    predicted += freshPrefixes.get(i).length - 1;
                }
                rounds.add(new Round(round, sample, predicted == 0 ? Double.NaN : nll / predicted, changed,
                        split.sizes()));
                if (Double.isNaN(changed)) { // the first round has no earlier split to compare with
                    bar.note("round %d: prefix loss %.3f", round, rounds.getLast().prefixLoss());
                } else {
                    bar.note("round %d: prefix loss %.3f, changed %.1f%%", round, rounds.getLast().prefixLoss(), 100 * changed);
                }
                bar.advance(1);
                previous = routers;
                current = fresh;
                parts = split.assignment();
            }
            // stage 2: shard the whole corpus with the final routers
            int[] assignment = BalancedAssignment.assign(perToken(previous.sums(prefixes), prefixes)).assignment();
            bar.advance(1);
            return new Result(previous, List.copyOf(rounds), assignment, trainingTokens);
        } catch (RuntimeException ex) {
            if (previous != null) {
                previous.close();
            }
            throw ex;
        } finally {
            bar.close();
        }
    }

    /** The scores per predicted token (a one-token prefix scores 0 for every router). */
    static double[][] perToken(double[][] sums, List<int[]> prefixes) {
        double[][] out = new double[sums.length][];
        for (int i = 0; i < sums.length; i++) {
            int predicted = Math.max(1, prefixes.get(i).length - 1);
            out[i] = new double[sums[i].length];
            for (int j = 0; j < sums[i].length; j++) {
                out[i][j] = sums[i][j] / predicted;
            }
        }
        return out;
    }

    /** A seeded sample of {@code size} distinct indices of {@code [0, n)} for round {@code round}, in sampled order. */
    static int[] draw(int n, int size, long seed, int round) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed * 31 + round);
        for (int i = 0; i < size; i++) {
            int j = i + rnd.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return Arrays.copyOf(idx, size);
    }

    private static List<int[]> select(List<int[]> all, int[] indices) {
        List<int[]> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(all.get(i));
        }
        return out;
    }

    /** The prefixes of the sample members in part {@code part}, as a shard (no EOD added: prefixes end where they end). */
    private static TokenShard shardOf(List<int[]> prefixes, int[] sample, int[] parts, int part, int vocabSize) {
        int total = 0;
        int count = 0;
        for (int r = 0; r < sample.length; r++) {
            if (parts[r] == part) {
                total += prefixes.get(sample[r]).length;
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalStateException("part " + part + " is empty");
        }
        int[] tokens = new int[total];
        int[] starts = new int[count + 1];
        int pos = 0;
        int d = 0;
        for (int r = 0; r < sample.length; r++) {
            if (parts[r] == part) {
                int[] p = prefixes.get(sample[r]);
                starts[d++] = pos;
                System.arraycopy(p, 0, tokens, pos, p.length);
                pos += p.length;
            }
        }
        starts[count] = pos;
        return new TokenShard(tokens, starts, vocabSize);
    }
}
