package org.cbtm.cluster;

import java.util.List;
import org.cbtm.math.DenseMatrix;

/**
 * Fitted k-means centres. {@link #predict} is the plain nearest centre ("greedy"), used to assign the corpus and to
 * route: balancing is only used to estimate the centres (methods.md 1.2).
 */
public final class KMeansModel {
    private final KMeans config;
    private final DenseMatrix centres;
    private final int iterations;
    private final List<Double> shifts;
    private final int[] lastAssignment;
    private final int lastChunkStart;
    private final long auctionRounds;
    private final double eStepSeconds;

    KMeansModel(KMeans config, DenseMatrix centres, int iterations, List<Double> shifts, int[] lastAssignment,
                int lastChunkStart, long auctionRounds, double eStepSeconds) {
        this.eStepSeconds = eStepSeconds;
        this.config = config;
        this.centres = centres;
        this.iterations = iterations;
        this.shifts = shifts;
        this.lastAssignment = lastAssignment;
        this.lastChunkStart = lastChunkStart;
        this.auctionRounds = auctionRounds;
    }

    /** Centres from elsewhere (e.g. loaded): no fit history. */
    public static KMeansModel of(KMeans config, DenseMatrix centres) {
        if (centres.rows() != config.k()) {
            throw new IllegalArgumentException(centres.rows() + " centres for K = " + config.k());
        }
        return new KMeansModel(config, centres, 0, List.of(), null, 0, 0, 0);
    }

    public KMeans config() {
        return config;
    }

    /** The centres, {@code K x dims} (a copy). */
    public DenseMatrix centres() {
        return centres.copy();
    }

    public int k() {
        return centres.rows();
    }

    /** Lloyd iterations run (over all chunks). */
    public int iterations() {
        return iterations;
    }

    /** The squared summed centre shift after each iteration (the quantity the stopping rule compares). */
    public List<Double> shifts() {
        return shifts;
    }

    /** Price raises of the balanced solver ({@link AuctionAssignment.Result#rounds()}) over all E-steps (0 when unbalanced). */
    public long auctionRounds() {
        return auctionRounds;
    }

    /**
     * The last E-step's assignment of the fitted documents (balanced when the fit was), for the rows of the last
     * chunk starting at {@link #lastChunkStart()} (row 0 without chunking); null for loaded centres.
     */
    public int[] trainingAssignment() {
        return lastAssignment == null ? null : lastAssignment.clone();
    }

    /** Wall time spent in E-steps during the fit (distances plus argmin or auction), seconds. */
    public double eStepSeconds() {
        return eStepSeconds;
    }

    public int lastChunkStart() {
        return lastChunkStart;
    }

    /** Nearest centre of every row of {@code x}. */
    public int[] predict(DenseMatrix x) {
        return Distances.nearest(x, centres, null);
    }

    /** Squared distances of one point to every centre. */
    public double[] distances(double[] point) {
        int dims = centres.cols();
        if (point.length != dims) {
            throw new IllegalArgumentException("point has " + point.length + " values, not " + dims);
        }
        double[] out = new double[k()];
        double[] c = centres.data();
        for (int j = 0; j < out.length; j++) {
            double s = 0;
            for (int d = 0; d < dims; d++) {
                double diff = point[d] - c[j * dims + d];
                s += diff * diff;
            }
            out[j] = s;
        }
        return out;
    }
}
