/**
 * Branch-Train-Merge (Li et al., 2022; methods 2): expert LMs (ELMs) of metadata domains branched from a seed, the
 * domain-posterior ensemble ({@link org.cbtm.btm.PosteriorRouter}, both the paper's cumulative prefix likelihood and
 * the reference's previous-token form, with a {@link org.cbtm.btm.CachedPrior}), parameter averaging into one LM
 * ({@link org.cbtm.btm.ParameterAveraging}), growing the set with a new domain's ELM
 * ({@link org.cbtm.btm.DomainGrowth}) and BTM's claims ({@link org.cbtm.btm.BtmClaims}). Training reuses the C-BTM
 * driver ({@link org.cbtm.train.CbtmTraining}) with a metadata partition.
 */
package org.cbtm.btm;
