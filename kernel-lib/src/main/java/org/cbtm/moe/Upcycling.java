package org.cbtm.moe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.ndarray.types.Shape;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.GptWeights;
import org.cbtm.lm.moe.MoeConfig;

/**
 * Sparse upcycling (methods 4; Komatsuzaki et al., 2022): a trained dense GPT becomes an MoE GPT. In the MoE
 * blocks (every other one for the C-BTM baseline) each of the E experts is an exact copy of the dense FFN (plus
 * optional N(0, noise) to break the symmetry), the new router is uniform in [0, 1); attention, norms and
 * embeddings are copied unchanged. With identical experts the gates of a token sum to 1, so the upcycled model
 * computes exactly the dense function as long as nothing is dropped.
 *
 * <pre>{@code
 * GptWeights moe = Upcycling.upcycle(denseCheckpoint.weights(), MoeConfig.upcycling(8), 0.0, seed);
 * }</pre>
 */
public final class Upcycling {

    private Upcycling() {
    }

    /**
     * @param dense   the trained dense model's weights (its config must not be an MoE already)
     * @param moe     experts, routing and placement of the MoE layers
     * @param noise   standard deviation of the noise added to each copied expert tensor (0: exact copies)
     * @param seed    seeds the routers and the noise
     */
    public static GptWeights upcycle(GptWeights dense, MoeConfig moe, double noise, long seed) {
        if (dense.config().moe() != null) {
            throw new IllegalArgumentException("upcycling starts from a dense model; this one is already "
                    + dense.config().moe().shortName());
        }
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("noise must be >= 0, got " + noise);
        }
        GptConfig target = dense.config().withMoe(moe);
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : Gpt.parameterShapes(target).entrySet()) {
            String name = e.getKey();
            if (ExpertTensors.isRouter(name)) {
                tensors.put(name, ExpertTensors.routerInit(Math.toIntExact(e.getValue().size()), random.nextLong()));
            } else if (ExpertTensors.expertOf(name) >= 0) {
                tensors.put(name, ExpertTensors.copy(dense.tensor(ExpertTensors.denseName(name)), noise, random));
            } else {
                tensors.put(name, dense.tensor(name).clone());
            }
        }
        return new GptWeights(target, tensors);
    }

    /**
     * What upcycling did to block {@code block}: one row per tensor of its MoE layer (and its attention, copied
     * unchanged) with its shape, the dense tensor it came from, the largest absolute difference to it, and the
     * range of its values (the router's is [0, 1)).
     */
    public static Table inspect(GptWeights dense, GptWeights moe, int block) {
        if (!moe.config().moeBlock(block)) {
            throw new IllegalArgumentException("block " + block + " of " + moe.config().shortName() + " has no MoE layer");
        }
        StringColumn tensor = StringColumn.create("tensor");
        StringColumn shape = StringColumn.create("shape");
        StringColumn source = StringColumn.create("copied from");
        DoubleColumn diff = DoubleColumn.create("max |difference|");
        DoubleColumn min = DoubleColumn.create("min");
        DoubleColumn max = DoubleColumn.create("max");
        String prefix = "h" + block + ".";
        for (Map.Entry<String, Shape> e : Gpt.parameterShapes(moe.config()).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(prefix)) {
                continue;
            }
            float[] v = moe.tensor(name);
            String from = ExpertTensors.isRouter(name) ? "(new: uniform in [0, 1))"
                    : ExpertTensors.expertOf(name) >= 0 ? ExpertTensors.denseName(name) : name;
            tensor.append(name);
            shape.append(e.getValue().toString());
            source.append(from);
            diff.append(from.startsWith("(") ? Double.NaN : maxAbsDifference(v, dense.tensor(from)));
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            min.append(lo);
            max.append(hi);
        }
        return Table.create("block " + block + " after upcycling", tensor, shape, source, diff, min, max);
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
