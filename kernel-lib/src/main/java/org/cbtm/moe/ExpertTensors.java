package org.cbtm.moe;

import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the tensors of an MoE model relate to a dense model's: expert j of block i's MoE layer,
 * {@code hI.moe.eJ.(fc|proj).(weight|bias)}, has the shape and role of the dense {@code hI.mlp.(fc|proj).*};
 * {@code hI.moe.router.weight} has no dense counterpart.
 */
final class ExpertTensors {

    private static final Pattern EXPERT = Pattern.compile("h(\\d+)\\.moe\\.e(\\d+)\\.(fc|proj)\\.(weight|bias)");

    private ExpertTensors() {
    }

    /** The expert index of an MoE expert tensor's name, or -1 for any other tensor. */
    static int expertOf(String name) {
        Matcher m = EXPERT.matcher(name);
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }

    /** The dense tensor an MoE expert tensor copies ("h1.moe.e3.fc.weight" -> "h1.mlp.fc.weight"). */
    static String denseName(String name) {
        Matcher m = EXPERT.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " is not an MoE expert tensor");
        }
        return "h" + m.group(1) + ".mlp." + m.group(3) + "." + m.group(4);
    }

    static boolean isRouter(String name) {
        return name.endsWith(".moe.router.weight");
    }

    /** A router's initial values: uniform in [0, 1), as the C-BTM baseline initialises it (methods 4). */
    static float[] routerInit(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] w = new float[size];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble();
        }
        return w;
    }

    /** A copy of {@code values}, plus N(0, std) noise when std > 0. */
    static float[] copy(float[] values, double std, SplittableRandom random) {
        float[] out = values.clone();
        if (std > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] += (float) (std * random.nextGaussian());
            }
        }
        return out;
    }
}
