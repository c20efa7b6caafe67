package org.cbtm.train;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The optimiser's state in host memory, what a checkpoint stores and a branch copies: the number of updates
 * taken (for the bias corrections) and the first and second moments, keyed and ordered like the parameters.
 *
 * @param updates number of Adam updates applied so far
 * @param first   first moments (exp_avg), one array per parameter
 * @param second  second moments (exp_avg_sq), one array per parameter
 */
public record AdamState(long updates, Map<String, float[]> first, Map<String, float[]> second) {

    public AdamState {
        if (updates < 0) {
            throw new IllegalArgumentException("updates must be >= 0, got " + updates);
        }
        if (!first.keySet().equals(second.keySet())) {
            throw new IllegalArgumentException("first and second moments name different parameters");
        }
        first = Collections.unmodifiableMap(new LinkedHashMap<>(first));
        second = Collections.unmodifiableMap(new LinkedHashMap<>(second));
    }

    /** Bit-for-bit equality of the step count and every moment. */
    public boolean sameValues(AdamState other) {
        if (updates != other.updates || !first.keySet().equals(other.first.keySet())) {
            return false;
        }
        for (String name : first.keySet()) {
            if (!Arrays.equals(first.get(name), other.first.get(name))
                    || !Arrays.equals(second.get(name), other.second.get(name))) {
                return false;
            }
        }
        return true;
    }
}
