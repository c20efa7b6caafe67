package org.cbtm.lm.gpt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.types.Shape;

/**
 * Every parameter of a {@link Gpt}, in host memory: name to values (row-major), in the model's parameter order.
 * What checkpoints store and what parameter averaging (BTM, methods 2) combines.
 *
 * @param config  the architecture the tensors belong to
 * @param tensors parameter name to values; exactly the names and sizes of {@link Gpt#parameterShapes}
 */
public record GptWeights(GptConfig config, Map<String, float[]> tensors) {

    public GptWeights {
        Map<String, Shape> shapes = Gpt.parameterShapes(config);
        if (!shapes.keySet().equals(tensors.keySet())) {
            throw new IllegalArgumentException("weights do not match the architecture " + config + ": expected parameters "
                    + shapes.keySet() + ", got " + tensors.keySet());
        }
        Map<String, float[]> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            float[] values = tensors.get(e.getKey());
            if (values.length != e.getValue().size()) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " has " + values.length
                        + " values, the architecture needs " + e.getValue());
            }
            ordered.put(e.getKey(), values);
        }
        tensors = Collections.unmodifiableMap(ordered);
    }

    /** The values of parameter {@code name} (not a copy). */
    public float[] tensor(String name) {
        float[] t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter named " + name + " in " + config.shortName());
        }
        return t;
    }

    /** The same tensors under {@code other}, which must have the same architecture (e.g. another dropout rate). */
    public GptWeights withConfig(GptConfig other) {
        if (!config.sameArchitecture(other)) {
            throw new IllegalArgumentException("cannot use weights of " + config + " for " + other + ": the architectures differ");
        }
        return new GptWeights(other, tensors);
    }

    /** Number of values over all tensors. */
    public long size() {
        long n = 0;
        for (float[] t : tensors.values()) {
            n += t.length;
        }
        return n;
    }

    /**
     * The weighted parameter average {@code theta = sum_j w_j theta_j} (methods 2), tensor by tensor, accumulated
     * in double. Every model must have the same architecture (the first one's config is kept); the weights are used as given (BTM's posterior
     * weights sum to 1, callers normalise).
     */
    public static GptWeights average(List<GptWeights> models, double[] w) {
        if (models.isEmpty() || models.size() != w.length) {
            throw new IllegalArgumentException("need one weight per model: " + models.size() + " models, " + w.length + " weights");
        }
        GptConfig config = models.get(0).config();
        for (GptWeights m : models) {
            if (!m.config().sameArchitecture(config)) {
                throw new IllegalArgumentException("parameter averaging needs one architecture: " + config + " vs " + m.config());
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : models.get(0).tensors().keySet()) {
            int n = models.get(0).tensor(name).length;
            double[] acc = new double[n];
            for (int j = 0; j < models.size(); j++) {
                float[] t = models.get(j).tensor(name);
                double wj = w[j];
                for (int i = 0; i < n; i++) {
                    acc[i] += wj * t[i];
                }
            }
            float[] avg = new float[n];
            for (int i = 0; i < n; i++) {
                avg[i] = (float) acc[i];
            }
            out.put(name, avg);
        }
        return new GptWeights(config, out);
    }

    /** Largest absolute difference between corresponding values (same architecture required). */
    public double maxAbsDifference(GptWeights other) {
        if (!config.sameArchitecture(other.config())) {
            throw new IllegalArgumentException("different architectures: " + config + " vs " + other.config());
        }
        double max = 0;
        for (String name : tensors.keySet()) {
            float[] a = tensor(name);
            float[] b = other.tensor(name);
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs((double) a[i] - b[i]));
            }
        }
        return max;
    }

    /** Bit-for-bit equality of every tensor. */
    public boolean sameValues(GptWeights other) {
        if (!config.sameArchitecture(other.config())) {
            return false;
        }
        for (String name : tensors.keySet()) {
            if (!java.util.Arrays.equals(tensor(name), other.tensor(name))) {
                return false;
            }
        }
        return true;
    }
}
