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
                      double[] out, int oo, int ldo, double[] bias);

        void gramUpper(double[] a, int from, int to, int c, double[] g);

        void sparseRow(double[] w, int[] idx, int from, int to, double[] b, int m, double[] out, int oo);

        double minPlus(double[] c, int off, double[] p, int k);

        int argMinPlus(double[] c, int off, double[] p, int k);

        long atMostPlus(double[] c, int off, double[] p, int from, int to, double threshold);

        void squaredNorms(double[] a, int off, int lda, int rows, int dims, double[] out, int outOff, int outStep);

        void rowRange(double[] c, int off, int ldc, int rows, int k, double[] add, int addOff, int addStep,
                      double[] minMax);

        void argMinRows(double[] c, int off, int rows, int k, int[] out, int outOff);

        int argMinWithin(double[] c, int off, double[] p, int k, double eps, long[] bits, int bitsOff);

        void minPlusRows(double[] c, int[] rowOff, int count, double[] p, int k, double[] out);

        void argMinWithinRows(double[] c, int off, int ldc, int rows, double[] p, int k, double eps, int[] idx,
                              int idxOff, long[] bits, int bitsOff);

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
        multiply(a, ao, lda, rows, c, m, mc, upper, out, oo, ldo, null);
    }

    /**
     * As {@link #multiply(double[], int, int, int, int, double[], int, boolean, double[], int, int)}, each output
     * row starting from {@code bias[0, mc)} instead of 0 (when not null): {@code out = bias + A M}, the chains then
     * continue from the bias.
     */
    public static void multiply(double[] a, int ao, int lda, int rows, int c, double[] m, int mc, boolean upper,
                                double[] out, int oo, int ldo, double[] bias) {
        if (rows <= 0 || mc <= 0) {
            return;
        }
        IMPL.multiply(a, ao, lda, rows, c, m, mc, upper, out, oo, ldo, bias);
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

    // ------------------------------------------------------------------ row scans (the balanced assignment's)

    /**
     * {@code min over l < k of (c[off + l] + p[l])}, +infinity when {@code k = 0}. The sums must not be NaN (the
     * result is then unspecified); of equal zeros either sign may come back.
     */
    public static double minPlus(double[] c, int off, double[] p, int k) {
        return IMPL.minPlus(c, off, p, k);
    }

    /**
     * {@code out[outOff + r*outStep]} = the squared L2 norm of the {@code dims} values at {@code a[off + r*lda ..]}
     * for {@code r < rows}, summed as eight fma chains over the columns {@code d mod 8} combined as
     * {@code ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))}: one order for every implementation.
     */
    public static void squaredNorms(double[] a, int off, int lda, int rows, int dims, double[] out, int outOff,
                                    int outStep) {
        IMPL.squaredNorms(a, off, lda, rows, dims, out, outOff, outStep);
    }

    /**
     * Over {@code rows} rows of {@code k} values at {@code c[off + r*ldc ..]}: lowers {@code minMax[0]} to the
     * smallest and raises {@code minMax[1]} to the largest {@code c[off + r*ldc + j] + add[addOff + r*addStep]}
     * (values not NaN).
     */
    public static void rowRange(double[] c, int off, int ldc, int rows, int k, double[] add, int addOff, int addStep,
                                double[] minMax) {
        IMPL.rowRange(c, off, ldc, rows, k, add, addOff, addStep, minMax);
    }

    /** {@code out[outOff + r]} = the first {@code j < k} with the smallest {@code c[off + r*k + j]} (not NaN). */
    public static void argMinRows(double[] c, int off, int rows, int k, int[] out, int outOff) {
        IMPL.argMinRows(c, off, rows, k, out, outOff);
    }

    /** The first {@code l < k} where {@code c[off + l] + p[l]} is smallest (the sums must not be NaN). */
    public static int argMinPlus(double[] c, int off, double[] p, int k) {
        return IMPL.argMinPlus(c, off, p, k);
    }

    /**
     * A bit set over {@code j} in {@code [from, to)} ({@code to - from <= 64}): bit {@code j - from} is set when
     * {@code c[off + j] + p[j] <= threshold}.
     */
    public static long atMostPlus(double[] c, int off, double[] p, int from, int to, double threshold) {
        if (to - from > 64 || to < from) {
            throw new IllegalArgumentException("a bit set holds 64 entries, got [" + from + ", " + to + ")");
        }
        return IMPL.atMostPlus(c, off, p, from, to, threshold);
    }

    /**
     * {@link #argMinPlus} and, in {@code bits[bitsOff ..]} ({@code (k + 63) / 64} longs), the bit set of the
     * {@code l < k} with {@code c[off + l] + p[l] <= min + eps}.
     */
    public static int argMinWithin(double[] c, int off, double[] p, int k, double eps, long[] bits, int bitsOff) {
        return IMPL.argMinWithin(c, off, p, k, eps, bits, bitsOff);
    }

    /** {@code out[i] = }{@link #minPlus}{@code (c, rowOff[i], p, k)} for {@code i < count}. */
    public static void minPlusRows(double[] c, int[] rowOff, int count, double[] p, int k, double[] out) {
        IMPL.minPlusRows(c, rowOff, count, p, k, out);
    }

    /**
     * {@link #argMinWithin} for {@code rows} rows at {@code c[off + r*ldc ..]}: the index into {@code idx[idxOff + r]}
     * and the bit set into {@code bits[bitsOff + r*words ..]} ({@code words = (k + 63) / 64}).
     */
    public static void argMinWithinRows(double[] c, int off, int ldc, int rows, double[] p, int k, double eps,
                                        int[] idx, int idxOff, long[] bits, int bitsOff) {
        IMPL.argMinWithinRows(c, off, ldc, rows, p, k, eps, idx, idxOff, bits, bitsOff);
    }
}
