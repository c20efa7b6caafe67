package org.cbtm.smalltalk;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

import org.cbtm.corpus.TokenShard;
import org.cbtm.lm.LanguageModel;

/**
 * What kind of language model SmallTalk's routers are (methods 3): small LMs trained on the routing prefixes of
 * their part only. Kinds are immutable records of their settings, part of the partition's cache key.
 * Implemented by {@link NgramRouters} (Kneser-Ney counting, instant) and {@link TransformerRouters} (a small GPT, as
 * in the paper).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "@router")
public interface RouterKind {

    /** A short name for tables ("kn2", "gpt-1l32d"). */
    String name();

    /**
     * Trains one router on {@code prefixes} (each document is a routing prefix: its first M tokens; the loss is on
     * these tokens only). Deterministic for {@code seed}. The caller closes the model.
     */
    LanguageModel train(TokenShard prefixes, long seed);
}
