package org.cbtm.math;

/**
 * The dense inner kernels of the library (matrix products, Gram matrices, sparse-row times dense), in two
 * implementations that give bit-identical results: {@code VectorKernels} (the incubating Vector API,
 * register-blocked tiles of 4 rows x 4 SIMD vectors) when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, and a scalar one otherwise (or with {@code -Dcbtm.simd=false}).
 *
 * <p>Every output element is one chain of fused multiply-adds {@code acc = fma(x_t, y_t, acc)} over the summation
 * index {@code t} in increasing order, starting from 0 (or from the value already in the output where a method
 * says it accumulates). Both implementations follow that order exactly, so results do not depend on which one
 * runs, nor on the tiling, nor on the number of threads (callers parallelise over fixed row blocks).
 */
public final class DenseKernels {

    /** What both implementations provide; see the public methods for the contracts. */
    interface Impl {
        void multiply(double[] a, int ao, int lda, int rows, int c, double[] m, int mc, boolean upper,
                      double[] out, int oo, int ldo);

        void gramUpper(double[] a, int from, int to, int c, double[] g);

        void sparseRow(double[] w, int[] idx, int from, int to, double[] b, int m, double[] out, int oo);

        /** Doubles per SIMD vector; 1 for the scalar kernels. */
        int lanes();
    }

    private static final Impl IMPL = choose();

    private DenseKernels() {
    }

    private static Impl choose() {
        if (!Boolean.parseBoolean(System.getProperty("cbtm.simd", "true"))) {
            return new ScalarKernels();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new ScalarKernels(); // started without --add-modules jdk.incubator.vector
        }
        try {
            // loaded by name so that this class never links against the incubator module when it is absent
            Impl v = (Impl) Class.forName("org.cbtm.math.VectorKernels").getDeclaredConstructor().newInstance();
            return v.lanes() >= 2 ? v : new ScalarKernels();
        } catch (ReflectiveOperationException | LinkageError e) {
            return new ScalarKernels();
        }
    }

    /** True when the Vector API kernels are in use (else the scalar ones, which give the same results, slower). */
    public static boolean simd() {
        return IMPL.lanes() > 1;
    }

    /** A one-line description of the kernels in use, for benchmark reports. */
    public static String describe() {
        return simd() ? "Vector API, " + IMPL.lanes() + " doubles per vector"
                : "scalar (start java with --add-modules jdk.incubator.vector for the SIMD kernels)";
    }

    /**
     * {@code out[oo + r*ldo + q] = sum_p a[ao + r*lda + p] * m[p*mc + q]} for {@code r < rows}, {@code q < mc},
     * {@code p < c}: rows of a row-major matrix times the row-major {@code c x mc} matrix {@code m}, overwriting
     * the output rows. With {@code upper} the caller promises that {@code m} is upper triangular
     * ({@code m[p*mc + q] = 0} for {@code p > q}), and those zero terms may be skipped.
     */
    public static void multiply(double[] a, int ao, int lda, int rows, int c, double[] m, int mc, boolean upper,
                                double[] out, int oo, int ldo) {
        if (rows <= 0 || mc <= 0) {
            return;
        }
        IMPL.multiply(a, ao, lda, rows, c, m, mc, upper, out, oo, ldo);
    }

    /**
     * Accumulates the upper triangle of {@code A^T A} over the rows {@code [from, to)} of the row-major matrix
     * {@code a} with {@code c} columns: {@code g[p*c + q] = fma(a[i*c + p], a[i*c + q], g[p*c + q])} for
     * {@code i = from, from+1, ...} and {@code q >= p}. The strictly lower triangle of {@code g} is left
     * unspecified (the caller mirrors the upper one).
     */
    public static void gramUpper(double[] a, int from, int to, int c, double[] g) {
        if (to <= from || c <= 0) {
            return;
        }
        IMPL.gramUpper(a, from, to, c, g);
    }

    /**
     * {@code out[oo + q] = sum_t w[t] * b[idx[t]*m + q]} for {@code t} in {@code [from, to)} and {@code q < m}:
     * a sparse row (weights {@code w} at columns {@code idx}) times the row-major matrix {@code b} with {@code m}
     * columns, overwriting {@code out[oo, oo+m)}.
     */
    public static void sparseRow(double[] w, int[] idx, int from, int to, double[] b, int m, double[] out, int oo) {
        if (m <= 0) {
            return;
        }
        IMPL.sparseRow(w, idx, from, to, b, m, out, oo);
    }
}
