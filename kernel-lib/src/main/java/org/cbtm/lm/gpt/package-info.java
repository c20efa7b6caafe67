/**
 * The transformer expert: a GPT-style decoder on DJL's PyTorch engine.
 *
 * <ul>
 *   <li>{@link org.cbtm.lm.gpt.GptConfig}: the architecture (validated), presets {@code tiny}, {@code quick},
 *       {@code full}, parameter counts and training FLOPs ({@code 6 * non-embedding parameters * tokens}).</li>
 *   <li>{@link org.cbtm.lm.gpt.Gpt}: the model, one readable block (forward, loss, weights).</li>
 *   <li>{@link org.cbtm.lm.gpt.GptWeights}: parameters in host memory; parameter averaging (BTM).</li>
 *   <li>{@link org.cbtm.lm.gpt.GptLM}: a trained model as a {@link org.cbtm.lm.LanguageModel}
 *       ({@code Checkpoint.loadModel(checkpoint)}).</li>
 *   <li>{@link org.cbtm.lm.gpt.Devices}, {@link org.cbtm.lm.gpt.TorchRuntime}, {@link org.cbtm.lm.gpt.NoGrad}:
 *       device choice, engine start (passive OpenMP waiting), autograd off.</li>
 * </ul>
 *
 * Training lives in {@link org.cbtm.train}.
 */
package org.cbtm.lm.gpt;
