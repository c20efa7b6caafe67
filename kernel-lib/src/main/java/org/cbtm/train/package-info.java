/**
 * Training transformer experts (methods 1.3, 2 and 6).
 *
 * <ul>
 *   <li>{@link org.cbtm.corpus.TokenShard}: tokenised documents, each ending with EOD.</li>
 *   <li>{@link org.cbtm.train.TrainConfig}: budget, batches, Adam/AdamW, schedule, clipping, intervals, seed;
 *       {@code reference(...)} is the C-BTM setting.</li>
 *   <li>{@link org.cbtm.train.PackedBlocks}: documents packed into blocks, shuffled per epoch from the seed.</li>
 *   <li>{@link org.cbtm.train.Trainer}: the loop ({@code start}, {@code branch}, {@code resume}).</li>
 *   <li>{@link org.cbtm.train.Checkpoint}: weights, optimiser state and provenance in one atomically written file;
 *       {@code average} for BTM parameter averaging.</li>
 *   <li>{@link org.cbtm.train.TrainJob}: one expert as a restartable job (skip when done, resume when
 *       interrupted, branch from an init checkpoint), runnable in its own process.</li>
 * </ul>
 *
 * <p>A C-BTM run on top of this API: train the seed as a job without {@code init}; then for each cluster k a job
 * with {@code init = seed.finalCheckpoint()}, the cluster's shard and {@code train.withTokenBudget(total / K)};
 * run the jobs one after the other ({@code job.run()}) or as processes
 * ({@code TrainJob.processBuilder(job.write(file)).inheritIO().start()}); re-running is always safe.
 */
package org.cbtm.train;

import org.cbtm.corpus.TokenShard;
