package org.cbtm.lm.ngram;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.cbtm.corpus.Corpora;
import org.cbtm.corpus.Corpus;
import org.cbtm.corpus.CorpusManifest;
import org.cbtm.corpus.Document;
import org.cbtm.corpus.Split;
import org.cbtm.text.token.Tokenizer;
import org.cbtm.corpus.TokenShard;
import org.junit.jupiter.api.Test;

/** The n-gram model on a small sample of the real corpus (skipped when the corpus is not built). */
class KneserNeyCorpusTest {

    @Test
    void higherOrderHasLowerHeldOutPerplexityThanUnigrams() {
        assumeTrue(CorpusManifest.exists(Corpora.dir()), "the corpus is not built at " + Corpora.dir()
                + " (run datasets/build, or set CBTM_DATA_DIR to a folder holding corpus/): skipping the real-text test");
        Corpus brown = Corpora.load().sources("brown");
        Tokenizer tokenizer = Corpora.tokenizer();
        List<Document> train = brown.split(Split.TRAIN).sample(400, 7);
        List<Document> heldOut = brown.split(Split.VALID).sample(40, 7);
        TokenShard trainShard = TokenShard.encode(tokenizer, train);
        TokenShard heldOutShard = TokenShard.encode(tokenizer, heldOut);
        double unigram = perplexity(KneserNeyLM.train(trainShard, NgramConfig.of(1)), heldOutShard);
        double trigram = perplexity(KneserNeyLM.train(trainShard, NgramConfig.of(3)), heldOutShard);
        System.out.printf("brown sample: %d training tokens, %d held-out tokens: perplexity KN-1 %.1f, KN-3 %.1f%n",
                trainShard.numTokens(), heldOutShard.numTokens(), unigram, trigram);
        assertTrue(Double.isFinite(trigram) && Double.isFinite(unigram));
        assertTrue(trigram < unigram, "KN-3 perplexity " + trigram + " should be below KN-1's " + unigram);
        // a unigram model over a 47k vocabulary on 400 passages: well below uniform, well above 1
        assertTrue(unigram < tokenizer.vocabSize() && trigram > 1);
    }

    /** Methods 1.5: one document per sequence, the first token not predicted, token-level micro average. */
    static double perplexity(KneserNeyLM lm, TokenShard docs) {
        double nll = 0;
        long n = 0;
        for (int d = 0; d < docs.numDocuments(); d++) {
            for (float lp : lm.sequenceLogProbs(docs.document(d))) {
                nll -= lp;
                n++;
            }
        }
        return Math.exp(nll / n);
    }
}
