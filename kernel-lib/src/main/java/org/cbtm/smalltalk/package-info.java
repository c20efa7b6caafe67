/**
 * SmallTalk LM (Filippova et al., 2024; methods 3): a hard, sequence-level mixture. Small router LMs, one per expert
 * ({@link org.cbtm.smalltalk.NgramRouters}, {@link org.cbtm.smalltalk.TransformerRouters}), are trained by hard EM
 * with a balanced re-split ({@link org.cbtm.smalltalk.RouterEm}, {@link org.cbtm.smalltalk.BalancedAssignment}); the
 * final routers shard the training mixture ({@link org.cbtm.smalltalk.RouterLmSpec}, a partition spec), each expert
 * trains on its shard through the C-BTM driver, and each sequence is routed to one expert by its first M tokens
 * ({@link org.cbtm.smalltalk.PrefixRouter}, {@link org.cbtm.smalltalk.SmallTalkRouting}; tf-idf centroids of the same
 * parts as the baseline, {@link org.cbtm.smalltalk.CentroidPrefixScorer}). {@link org.cbtm.smalltalk.SmallTalkClaims}
 * gives the paper's claims with verdicts from a run's numbers.
 */
package org.cbtm.smalltalk;
