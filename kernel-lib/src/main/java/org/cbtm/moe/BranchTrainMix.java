package org.cbtm.moe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.ndarray.types.Shape;

import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.lm.moe.MoeConfig;

/**
 * Branch-Train-MiX (methods 5; Sukhbaatar et al., 2024): K trained expert LMs of one dense architecture merged into
 * one MoE with an MoE layer in every block. Expert k's FFN of block i becomes expert k of block i's MoE layer; every
 * other tensor (attention, norms, embeddings, the tied head) is the uniform average of the K models'; each router
 * is new (uniform in [0, 1)) and is learned in a short MoE fine-tuning on the mixture of all data.
 *
 * <p>BTM is BTX without the fine-tuning; sparse upcycling is BTX without expert training (K copies of one model).
 */
public final class BranchTrainMix {

    private BranchTrainMix() {
    }

    /** Merges {@code experts} (K >= 1 dense models of one architecture) into a K-expert MoE routed as {@code moe} says. */
    public static GptWeights merge(List<GptWeights> experts, MoeConfig moe, long seed) {
        if (experts.isEmpty()) {
            throw new IllegalArgumentException("Branch-Train-MiX needs at least one expert model");
        }
        if (moe.experts() != experts.size()) {
            throw new IllegalArgumentException("the MoE has " + moe.experts() + " experts but " + experts.size()
                    + " expert models were given: one MoE expert per model");
        }
        GptConfig dense = experts.get(0).config();
        for (GptWeights w : experts) {
            if (w.config().moe() != null || !w.config().sameArchitecture(dense)) {
                throw new IllegalArgumentException("every expert must be a dense model of one architecture: "
                        + dense + " vs " + w.config());
            }
        }
        double[] uniform = new double[experts.size()];
        java.util.Arrays.fill(uniform, 1.0 / experts.size());
        GptWeights average = GptWeights.average(experts, uniform);
        GptConfig target = dense.withMoe(moe);
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : Gpt.parameterShapes(target).entrySet()) {
            String name = e.getKey();
            int k = ExpertTensors.expertOf(name);
            if (ExpertTensors.isRouter(name)) {
                tensors.put(name, ExpertTensors.routerInit(Math.toIntExact(e.getValue().size()), random.nextLong()));
            } else if (k >= 0) {
                tensors.put(name, experts.get(k).tensor(ExpertTensors.denseName(name)).clone());
            } else {
                tensors.put(name, average.tensor(name));
            }
        }
        return new GptWeights(target, tensors);
    }
}
