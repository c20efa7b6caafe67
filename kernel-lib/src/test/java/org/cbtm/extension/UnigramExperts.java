package org.cbtm.extension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.cbtm.base.AtomicFiles;
import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.LanguageModel;
import org.cbtm.train.ComputeAccount;
import org.cbtm.train.ExpertKind;

/**
 * A toy expert kind from outside the library, to show that a new kind is one class: add-one unigram experts. The
 * artifact is a text file of counts, one line per token id, the first line the tokens counted.
 *
 * @param vocabSize the tokenizer's vocabulary size
 */
public record UnigramExperts(int vocabSize) implements ExpertKind {

    @Override
    public String name() {
        return "unigram";
    }

    @Override
    public ExpertJob expertJob(ExpertTask task) {
        Path file = task.dir().resolve("counts.txt");
        if (Files.isRegularFile(file)) {
            return ExpertJob.done(file);
        }
        return new ExpertJob(file, () -> {
            TokenShard shard = TokenShard.load(task.shard());
            long[] counts = new long[vocabSize];
            long n = Math.min(task.tokens(), shard.numTokens());
            for (int i = 0; i < n; i++) {
                counts[shard.tokens()[i]]++;
            }
            StringBuilder b = new StringBuilder().append(n).append('\n');
            for (long c : counts) {
                b.append(c).append('\n');
            }
            AtomicFiles.writeString(file, b.toString());
        });
    }

    @Override
    public LanguageModel load(Path artifact) {
        try {
            List<String> lines = Files.readAllLines(artifact);
            long total = Long.parseLong(lines.get(0));
            float[] logp = new float[vocabSize];
            for (int v = 0; v < vocabSize; v++) {
                logp[v] = (float) Math.log((Long.parseLong(lines.get(v + 1)) + 1.0) / (total + vocabSize));
            }
            return new Unigram(logp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ComputeAccount account(Path artifact) {
        try {
            long tokens = Long.parseLong(Files.readAllLines(artifact).get(0));
            return ComputeAccount.counting(tokens, Double.NaN, "cpu()");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The model: the same distribution after every context. */
    record Unigram(float[] logp) implements LanguageModel {
        @Override
        public int vocabSize() {
            return logp.length;
        }

        @Override
        public int contextLength() {
            return Integer.MAX_VALUE;
        }

        @Override
        public long inferenceParameters() {
            return logp.length;
        }

        @Override
        public String name() {
            return "unigram";
        }

        @Override
        public float[][] nextTokenLogProbs(List<int[]> contexts) {
            float[][] out = new float[contexts.size()][];
            Arrays.setAll(out, i -> logp.clone());
            return out;
        }

        @Override
        public float[] sequenceLogProbs(int[] tokens) {
            float[] out = new float[Math.max(0, tokens.length - 1)];
            for (int t = 1; t < tokens.length; t++) {
                out[t - 1] = logp[tokens[t]];
            }
            return out;
        }
    }
}
