package org.cbtm.math;

/**
 * Small dense kernels on slices of double arrays. The loops are written so that HotSpot's C2 compiler
 * auto-vectorises them (axpy forms; reductions use four independent accumulators).
 */
public final class Vectors {
    private Vectors() {
    }

    /** {@code y[yo, yo+n) += a * x[xo, xo+n)}. */
    public static void axpy(double a, double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /** Dot product of two slices. */
    public static double dot(double[] x, int xo, double[] y, int yo, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[xo + i] * y[yo + i];
            s1 += x[xo + i + 1] * y[yo + i + 1];
            s2 += x[xo + i + 2] * y[yo + i + 2];
            s3 += x[xo + i + 3] * y[yo + i + 3];
        }
        for (; i < n; i++) {
            s0 += x[xo + i] * y[yo + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Dot product of two whole arrays of equal length. */
    public static double dot(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("lengths differ: " + x.length + " vs " + y.length);
        }
        return dot(x, 0, y, 0, x.length);
    }

    /** Scales a slice to unit L2 norm in place; a zero slice stays zero. Returns the norm before scaling. */
    public static double normalize(double[] x, int xo, int n) {
        double norm = Math.sqrt(dot(x, xo, x, xo, n));
        if (norm > 0) {
            double inv = 1.0 / norm;
            for (int i = 0; i < n; i++) {
                x[xo + i] *= inv;
            }
        }
        return norm;
    }
}
