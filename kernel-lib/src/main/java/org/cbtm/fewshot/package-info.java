/**
 * Few-shot classification on real labelled tasks (methods 1.5): tasks cut from the corpus's labels and metadata
 * ({@link org.cbtm.fewshot.TaskSuite}, each with a {@link org.cbtm.fewshot.TaskCard}), k-shot prompts
 * ({@link org.cbtm.fewshot.PromptBuilder}), option scoring by one model or by an ensemble of experts with a router
 * ({@link org.cbtm.fewshot.OptionScorer}), and the protocol with its metrics and baselines
 * ({@link org.cbtm.fewshot.FewShotEvaluation}, {@link org.cbtm.fewshot.FewShotResult}).
 *
 * <pre>{@code
 * Tokenizer tokenizer = Corpora.tokenizer();
 * TaskSuite suite = TaskSuite.standard(Corpora.load(), tokenizer, TaskConfig.forContext(128));
 * display(suite.cardTable());
 * var eval = new FewShotEvaluation(tokenizer, FewShotConfig.defaults().withMaxTestExamples(300));
 * FewShotResult dense = eval.evaluate(denseModel, suite.tasks());
 * FewShotResult cbtm = eval.evaluate(new EnsembleScorer(experts, router, "C-BTM balanced K=4"), suite.tasks());
 * FewShotResult top1 = eval.evaluate(new EnsembleScorer(experts, router, null).keepTop(1, "C-BTM K=4 top-1"), suite.tasks());
 * Table summary = FewShotResult.combine(dense, cbtm, top1).summary();   // baselines included once
 * }</pre>
 *
 * It sits in the domain layer: it uses the corpus, the tokenizer, the tf-idf vectoriser, language models, routers
 * and the sparse ensemble, and nothing above them.
 */
package org.cbtm.fewshot;
