package org.cbtm.math;

import java.util.Arrays;

/**
 * The scalar {@link DenseKernels}: the same fma chains in the same order as {@link VectorKernels}, written as
 * axpy loops over contiguous output rows (which C2 auto-vectorises) so that they stay reasonably fast.
 */
final class ScalarKernels implements DenseKernels.Impl {

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public void multiply(double[] a, int ao, int lda, int rows, int c, double[] m, int mc, boolean upper,
                         double[] out, int oo, int ldo, double[] bias) {
        for (int r = 0; r < rows; r++) {
            int xo = ao + r * lda;
            int o = oo + r * ldo;
            if (bias == null) {
                Arrays.fill(out, o, o + mc, 0);
            } else {
                System.arraycopy(bias, 0, out, o, mc);
            }
            for (int p = 0; p < c; p++) {
                double x = a[xo + p];
                int mo = p * mc;
                // with upper, m[p][q] = 0 for q < p: fma(x, 0, acc) = acc, so skipping those terms changes nothing
                for (int q = upper ? p : 0; q < mc; q++) {
                    out[o + q] = Math.fma(x, m[mo + q], out[o + q]);
                }
            }
        }
    }

    @Override
    public void gramUpper(double[] a, int from, int to, int c, double[] g) {
        for (int i = from; i < to; i++) {
            int o = i * c;
            for (int p = 0; p < c; p++) {
                double x = a[o + p];
                int go = p * c;
                for (int q = p; q < c; q++) {
                    g[go + q] = Math.fma(x, a[o + q], g[go + q]);
                }
            }
        }
    }

    @Override
    public void sparseRow(double[] w, int[] idx, int from, int to, double[] b, int m, double[] out, int oo) {
        Arrays.fill(out, oo, oo + m, 0);
        for (int t = from; t < to; t++) {
            double x = w[t];
            int bo = idx[t] * m;
            for (int q = 0; q < m; q++) {
                out[oo + q] = Math.fma(x, b[bo + q], out[oo + q]);
            }
        }
    }

    @Override
    public double minPlus(double[] c, int off, double[] p, int k) {
        double m = Double.POSITIVE_INFINITY;
        for (int l = 0; l < k; l++) {
            double x = c[off + l] + p[l];
            m = x < m ? x : m;
        }
        return m;
    }

    @Override
    public void squaredNorms(double[] a, int off, int lda, int rows, int dims, double[] out, int outOff, int outStep) {
        double[] part = new double[8];
        for (int r = 0; r < rows; r++) {
            int o = off + r * lda;
            java.util.Arrays.fill(part, 0);
            for (int d = 0; d < dims; d++) {
                double x = a[o + d];
                part[d & 7] = Math.fma(x, x, part[d & 7]);
            }
            out[outOff + r * outStep] = ((part[0] + part[1]) + (part[2] + part[3]))
                    + ((part[4] + part[5]) + (part[6] + part[7]));
        }
    }

    @Override
    public void rowRange(double[] c, int off, int ldc, int rows, int k, double[] add, int addOff, int addStep,
                         double[] minMax) {
        double mn = minMax[0];
        double mx = minMax[1];
        for (int r = 0; r < rows; r++) {
            int o = off + r * ldc;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double x = c[o + j];
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
            }
            // rounding is monotone, so min_j (c + a) = (min_j c) + a exactly
            lo += add[addOff + r * addStep];
            hi += add[addOff + r * addStep];
            mn = lo < mn ? lo : mn;
            mx = hi > mx ? hi : mx;
        }
        minMax[0] = mn;
        minMax[1] = mx;
    }

    @Override
    public void argMinRows(double[] c, int off, int rows, int k, int[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int o = off + r * k;
            int best = 0;
            double bv = c[o];
            for (int j = 1; j < k; j++) {
                if (c[o + j] < bv) {
                    bv = c[o + j];
                    best = j;
                }
            }
            out[outOff + r] = best;
        }
    }

    @Override
    public int argMinPlus(double[] c, int off, double[] p, int k) {
        double m = minPlus(c, off, p, k);
        for (int l = 0; l < k; l++) {
            if (c[off + l] + p[l] == m) {
                return l;
            }
        }
        return -1;
    }

    @Override
    public long atMostPlus(double[] c, int off, double[] p, int from, int to, double threshold) {
        long bits = 0;
        for (int j = from; j < to; j++) {
            if (c[off + j] + p[j] <= threshold) {
                bits |= 1L << (j - from);
            }
        }
        return bits;
    }

    @Override
    public int argMinWithin(double[] c, int off, double[] p, int k, double eps, long[] bits, int bitsOff) {
        int j = argMinPlus(c, off, p, k);
        double thr = c[off + j] + p[j] + eps;
        for (int from = 0; from < k; from += 64) {
            bits[bitsOff + (from >>> 6)] = atMostPlus(c, off, p, from, Math.min(k, from + 64), thr);
        }
        return j;
    }

    @Override
    public void minPlusRows(double[] c, int[] rowOff, int count, double[] p, int k, double[] out) {
        for (int i = 0; i < count; i++) {
            out[i] = minPlus(c, rowOff[i], p, k);
        }
    }

    @Override
    public void argMinWithinRows(double[] c, int off, int ldc, int rows, double[] p, int k, double eps, int[] idx,
                                 int idxOff, long[] bits, int bitsOff) {
        int words = (k + 63) >>> 6;
        for (int r = 0; r < rows; r++) {
            idx[idxOff + r] = argMinWithin(c, off + r * ldc, p, k, eps, bits, bitsOff + r * words);
        }
    }
}
