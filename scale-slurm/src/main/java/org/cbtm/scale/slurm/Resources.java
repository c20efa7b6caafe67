package org.cbtm.scale.slurm;

import org.cbtm.train.ExpertKind;
import org.cbtm.train.NgramExperts;
import org.cbtm.train.TransformerExperts;

/**
 * What one Slurm task asks for: CPUs, memory and GPUs. The defaults come from the expert kind and its budget
 * ({@link #forExpert}); every field can be overridden on the command line ({@code --cpus}, {@code --mem-mb},
 * {@code --gpus}).
 *
 * @param cpus  {@code --cpus-per-task}
 * @param memMb {@code --mem} in MiB; the task's JVM heap is this less {@link #JVM_OVERHEAD_MB}
 * @param gpus  {@code --gpus-per-task} (0: none requested)
 */
public record Resources(int cpus, long memMb, int gpus) {

    /** Memory a JVM uses beside its heap (metaspace, threads, code cache): left out of {@code -Xmx}. */
    public static final long JVM_OVERHEAD_MB = 512;

    public Resources {
        if (cpus < 1) {
            throw new IllegalArgumentException("a task needs at least 1 CPU, got " + cpus);
        }
        if (memMb < JVM_OVERHEAD_MB + 256) {
            throw new IllegalArgumentException("a task needs at least " + (JVM_OVERHEAD_MB + 256) + " MiB, got " + memMb);
        }
        if (gpus < 0) {
            throw new IllegalArgumentException("gpus must be 0 or more, got " + gpus);
        }
    }

    /** The heap the task's JVM gets. */
    public long heapMb() {
        return memMb - JVM_OVERHEAD_MB;
    }

    /**
     * The defaults for one job of {@code kind} that trains on {@code tokens} tokens read from a shard of
     * {@code shardTokens} tokens.
     *
     * <ul>
     *   <li>n-gram (Kneser-Ney counting, one thread): 1 CPU, no GPU; heap 512 MiB plus the counts (2 GiB per 10M
     *       tokens: what {@code environment/bench/ngram} needs for order 5 on the ~10M-token training split) plus
     *       the shard (4 bytes a token).</li>
     *   <li>transformer: 1 GPU (the paper trains every expert on GPUs; {@code --gpus 0} trains on CPUs as the quick
     *       profile does), 2 CPUs (the machine the quick numbers were measured on), heap 2 GiB plus 16 bytes per
     *       parameter (fp32 weights, gradients and Adam's two moments) plus the shard.</li>
     *   <li>any other kind: 1 CPU, 4 GiB, no GPU; set them with the options.</li>
     * </ul>
     */
    public static Resources forExpert(ExpertKind kind, long tokens, long shardTokens) {
        long shardMb = mib(4 * shardTokens);
        if (kind instanceof NgramExperts) {
            return new Resources(1, JVM_OVERHEAD_MB + 512 + mib(tokens * 2048L * 1024 * 1024 / 10_000_000L) + shardMb, 0);
        }
        if (kind instanceof TransformerExperts t) {
            return new Resources(2, JVM_OVERHEAD_MB + 2048 + mib(16 * t.model().totalParameters()) + shardMb, 1);
        }
        return new Resources(1, 4096, 0);
    }

    /** This with the overrides that are set (null: keep). */
    public Resources with(Integer cpus, Long memMb, Integer gpus) {
        return new Resources(cpus == null ? this.cpus : cpus, memMb == null ? this.memMb : memMb,
                gpus == null ? this.gpus : gpus);
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
