package org.cbtm.train;

import java.util.Locale;

/**
 * What it cost to train a model (methods 6), filled by whoever trained it and shown beside every result.
 * Unknown quantities are negative (tokens) or NaN (FLOPs, seconds) and show as missing values in tables.
 *
 * @param trainingTokens  tokens seen in training, summed over every model that went into it (seed and experts)
 * @param trainingFlops   training FLOPs under {@code flopsConvention}; NaN when not applicable (count models)
 * @param trainingSeconds wall time of training (summed over independent jobs), NaN when unknown
 * @param device          where it was trained ("cpu (2 cores)", "cuda:0 H100"); "" when unknown
 * @param flopsConvention how the FLOPs were counted, e.g. {@link #SIX_N_D}
 */
public record ComputeAccount(long trainingTokens, double trainingFlops, double trainingSeconds, String device,
                             String flopsConvention) {

    /** The convention of methods 6: 6 x non-embedding parameters x tokens. */
    public static final String SIX_N_D = "6 * non-embedding params * tokens";

    public ComputeAccount {
        device = org.cbtm.base.DeviceNames.of(device);
        flopsConvention = flopsConvention == null ? "" : flopsConvention;
        if (trainingFlops < 0 || trainingSeconds < 0) {
            throw new IllegalArgumentException("training FLOPs and seconds must be >= 0 or NaN (unknown)");
        }
    }

    /** Nothing known (e.g. an untrained baseline, or a model loaded without its record). */
    public static ComputeAccount unknown() {
        return new ComputeAccount(-1, Double.NaN, Double.NaN, "", "");
    }

    /** A neural model: FLOPs by the 6ND convention. */
    public static ComputeAccount neural(long tokens, long nonEmbeddingParameters, double seconds, String device) {
        return new ComputeAccount(tokens, trainingFlops(nonEmbeddingParameters, tokens), seconds, device, SIX_N_D);
    }

    /** A count-based model (n-gram): tokens and time, no FLOPs convention applies. */
    public static ComputeAccount counting(long tokens, double seconds, String device) {
        return new ComputeAccount(tokens, Double.NaN, seconds, device, "n/a (count model)");
    }

    /** {@code 6 * params * tokens} (methods 6). */
    public static double trainingFlops(long nonEmbeddingParameters, long tokens) {
        if (nonEmbeddingParameters < 0 || tokens < 0) {
            throw new IllegalArgumentException("parameters and tokens must be >= 0");
        }
        return 6.0 * nonEmbeddingParameters * tokens;
    }

    /** This machine's CPU, for tables: "cpu (16 cores)". */
    public static String localCpu() {
        return org.cbtm.base.DeviceNames.localCpu();
    }

    public boolean knowsTokens() {
        return trainingTokens >= 0;
    }

    /**
     * The account of two trainings together (a seed plus experts, or the experts of one ensemble): tokens, FLOPs
     * and seconds add (unknown stays unknown), devices are listed once each.
     */
    public ComputeAccount plus(ComputeAccount o) {
        long tokens = knowsTokens() && o.knowsTokens() ? trainingTokens + o.trainingTokens : -1;
        String dev = device.equals(o.device) || o.device.isEmpty() ? device
                : device.isEmpty() ? o.device : device + " + " + o.device;
        String conv = flopsConvention.equals(o.flopsConvention) || o.flopsConvention.isEmpty() ? flopsConvention
                : flopsConvention.isEmpty() ? o.flopsConvention : flopsConvention + " + " + o.flopsConvention;
        return new ComputeAccount(tokens, trainingFlops + o.trainingFlops, trainingSeconds + o.trainingSeconds, dev, conv);
    }

    /** The sum of several accounts ({@link #unknown()} for none). */
    public static ComputeAccount sum(Iterable<ComputeAccount> accounts) {
        ComputeAccount total = null;
        for (ComputeAccount a : accounts) {
            total = total == null ? a : total.plus(a);
        }
        return total == null ? unknown() : total;
    }
}
