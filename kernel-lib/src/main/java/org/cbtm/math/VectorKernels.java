package org.cbtm.math;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD {@link DenseKernels} with the incubating Vector API (loaded only when the JVM has the module). Products
 * are computed in register tiles of 4 output rows x 4 vectors of columns (16 accumulators), so each step over the
 * summation index loads 4 vectors and 4 scalars for 16 fused multiply-adds; a scalar loop reloads and stores its
 * accumulators every step instead. Columns that do not fill a 4-vector panel are done one (masked) vector at a time.
 * Each accumulator lane is the same fma chain, in the same order, as {@link ScalarKernels} computes.
 */
final class VectorKernels implements DenseKernels.Impl {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int W = 4 * L;
    /** Rows per cache block of {@link #multiply}: their slice of {@code a} stays in L1 across column panels. */
    private static final int ROW_BLOCK = 32;
    /** Rows per cache block of {@link #gramUpper}: re-read once per 4 x 4-vector tile, so kept in L2. */
    private static final int GRAM_BLOCK = 256;

    @Override
    public int lanes() {
        return L;
    }

    // ------------------------------------------------------------------ multiply

    @Override
    public void multiply(double[] a, int ao, int lda, int rows, int c, double[] m, int mc, boolean upper,
                         double[] out, int oo, int ldo, double[] bias) {
        for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
            int r1 = Math.min(rows, r0 + ROW_BLOCK);
            int q0 = 0;
            for (; q0 + W <= mc; q0 += W) {
                int pEnd = upper ? Math.min(c, q0 + W) : c;
                int r = r0;
                for (; r + 3 < r1; r += 4) {
                    tile4x4(a, ao + r * lda, lda, pEnd, m, mc, q0, out, oo + r * ldo + q0, ldo, bias);
                }
                for (; r < r1; r++) {
                    tile1x4(a, ao + r * lda, pEnd, m, mc, q0, out, oo + r * ldo + q0, bias);
                }
            }
            for (int q = q0; q < mc; q += L) {
                VectorMask<Double> mask = S.indexInRange(q, mc);
                int pEnd = upper ? Math.min(c, q + L) : c;
                int r = r0;
                for (; r + 3 < r1; r += 4) {
                    tile4x1(a, ao + r * lda, lda, pEnd, m, mc, q, mask, out, oo + r * ldo, ldo, bias);
                }
                for (; r < r1; r++) {
                    tile4x1Row(a, ao + r * lda, pEnd, m, mc, q, mask, out, oo + r * ldo, bias);
                }
            }
        }
    }

    /** The accumulators' start: the bias at columns {@code q ..}, or 0. */
    private static DoubleVector start(double[] bias, int q) {
        return bias == null ? DoubleVector.zero(S) : DoubleVector.fromArray(S, bias, q);
    }

    private static DoubleVector start(double[] bias, int q, VectorMask<Double> mask) {
        return bias == null ? DoubleVector.zero(S) : DoubleVector.fromArray(S, bias, q, mask);
    }

    private static void tile4x4(double[] a, int x0, int lda, int pEnd, double[] m, int mc, int q0,
                                double[] out, int o, int ldo, double[] bias) {
        int x1 = x0 + lda;
        int x2 = x1 + lda;
        int x3 = x2 + lda;
        DoubleVector c00 = start(bias, q0);
        DoubleVector c01 = start(bias, q0 + L);
        DoubleVector c02 = start(bias, q0 + 2 * L);
        DoubleVector c03 = start(bias, q0 + 3 * L);
        DoubleVector c10 = c00;
        DoubleVector c11 = c01;
        DoubleVector c12 = c02;
        DoubleVector c13 = c03;
        DoubleVector c20 = c00;
        DoubleVector c21 = c01;
        DoubleVector c22 = c02;
        DoubleVector c23 = c03;
        DoubleVector c30 = c00;
        DoubleVector c31 = c01;
        DoubleVector c32 = c02;
        DoubleVector c33 = c03;
        for (int p = 0; p < pEnd; p++) {
            int mo = p * mc + q0;
            DoubleVector b0 = DoubleVector.fromArray(S, m, mo);
            DoubleVector b1 = DoubleVector.fromArray(S, m, mo + L);
            DoubleVector b2 = DoubleVector.fromArray(S, m, mo + 2 * L);
            DoubleVector b3 = DoubleVector.fromArray(S, m, mo + 3 * L);
            DoubleVector x = DoubleVector.broadcast(S, a[x0 + p]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = DoubleVector.broadcast(S, a[x1 + p]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = DoubleVector.broadcast(S, a[x2 + p]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = DoubleVector.broadcast(S, a[x3 + p]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
        }
        c00.intoArray(out, o);
        c01.intoArray(out, o + L);
        c02.intoArray(out, o + 2 * L);
        c03.intoArray(out, o + 3 * L);
        o += ldo;
        c10.intoArray(out, o);
        c11.intoArray(out, o + L);
        c12.intoArray(out, o + 2 * L);
        c13.intoArray(out, o + 3 * L);
        o += ldo;
        c20.intoArray(out, o);
        c21.intoArray(out, o + L);
        c22.intoArray(out, o + 2 * L);
        c23.intoArray(out, o + 3 * L);
        o += ldo;
        c30.intoArray(out, o);
        c31.intoArray(out, o + L);
        c32.intoArray(out, o + 2 * L);
        c33.intoArray(out, o + 3 * L);
    }

    private static void tile1x4(double[] a, int x0, int pEnd, double[] m, int mc, int q0, double[] out, int o,
                                double[] bias) {
        DoubleVector c0 = start(bias, q0);
        DoubleVector c1 = start(bias, q0 + L);
        DoubleVector c2 = start(bias, q0 + 2 * L);
        DoubleVector c3 = start(bias, q0 + 3 * L);
        for (int p = 0; p < pEnd; p++) {
            int mo = p * mc + q0;
            DoubleVector x = DoubleVector.broadcast(S, a[x0 + p]);
            c0 = DoubleVector.fromArray(S, m, mo).fma(x, c0);
            c1 = DoubleVector.fromArray(S, m, mo + L).fma(x, c1);
            c2 = DoubleVector.fromArray(S, m, mo + 2 * L).fma(x, c2);
            c3 = DoubleVector.fromArray(S, m, mo + 3 * L).fma(x, c3);
        }
        c0.intoArray(out, o);
        c1.intoArray(out, o + L);
        c2.intoArray(out, o + 2 * L);
        c3.intoArray(out, o + 3 * L);
    }

    private static void tile4x1(double[] a, int x0, int lda, int pEnd, double[] m, int mc, int q,
                                VectorMask<Double> mask, double[] out, int o, int ldo, double[] bias) {
        int x1 = x0 + lda;
        int x2 = x1 + lda;
        int x3 = x2 + lda;
        DoubleVector c0 = start(bias, q, mask);
        DoubleVector c1 = c0;
        DoubleVector c2 = c0;
        DoubleVector c3 = c0;
        for (int p = 0; p < pEnd; p++) {
            DoubleVector b = DoubleVector.fromArray(S, m, p * mc + q, mask);
            c0 = b.fma(DoubleVector.broadcast(S, a[x0 + p]), c0);
            c1 = b.fma(DoubleVector.broadcast(S, a[x1 + p]), c1);
            c2 = b.fma(DoubleVector.broadcast(S, a[x2 + p]), c2);
            c3 = b.fma(DoubleVector.broadcast(S, a[x3 + p]), c3);
        }
        c0.intoArray(out, o + q, mask);
        c1.intoArray(out, o + ldo + q, mask);
        c2.intoArray(out, o + 2 * ldo + q, mask);
        c3.intoArray(out, o + 3 * ldo + q, mask);
    }

    private static void tile4x1Row(double[] a, int x0, int pEnd, double[] m, int mc, int q, VectorMask<Double> mask,
                                   double[] out, int o, double[] bias) {
        DoubleVector c0 = start(bias, q, mask);
        for (int p = 0; p < pEnd; p++) {
            c0 = DoubleVector.fromArray(S, m, p * mc + q, mask).fma(DoubleVector.broadcast(S, a[x0 + p]), c0);
        }
        c0.intoArray(out, o + q, mask);
    }

    // ------------------------------------------------------------------ Gram

    @Override
    public void gramUpper(double[] a, int from, int to, int c, double[] g) {
        for (int i0 = from; i0 < to; i0 += GRAM_BLOCK) {
            int i1 = Math.min(to, i0 + GRAM_BLOCK);
            for (int p0 = 0; p0 < c; p0 += 4) {
                int np = Math.min(4, c - p0);
                int q0 = (p0 / L) * L; // vectors aligned to L that cover every q >= p0
                for (; np == 4 && q0 + W <= c; q0 += W) {
                    gtile4x4(a, i0, i1, c, p0, q0, g);
                }
                for (int q = q0; q < c; q += L) {
                    VectorMask<Double> mask = S.indexInRange(q, c);
                    if (np == 4) {
                        gtile4x1(a, i0, i1, c, p0, q, mask, g);
                    } else {
                        for (int p = p0; p < p0 + np; p++) {
                            gtile1x1(a, i0, i1, c, p, q, mask, g);
                        }
                    }
                }
            }
        }
    }

    private static void gtile4x4(double[] a, int i0, int i1, int c, int p0, int q0, double[] g) {
        int g0 = p0 * c + q0;
        int g1 = g0 + c;
        int g2 = g1 + c;
        int g3 = g2 + c;
        DoubleVector c00 = DoubleVector.fromArray(S, g, g0);
        DoubleVector c01 = DoubleVector.fromArray(S, g, g0 + L);
        DoubleVector c02 = DoubleVector.fromArray(S, g, g0 + 2 * L);
        DoubleVector c03 = DoubleVector.fromArray(S, g, g0 + 3 * L);
        DoubleVector c10 = DoubleVector.fromArray(S, g, g1);
        DoubleVector c11 = DoubleVector.fromArray(S, g, g1 + L);
        DoubleVector c12 = DoubleVector.fromArray(S, g, g1 + 2 * L);
        DoubleVector c13 = DoubleVector.fromArray(S, g, g1 + 3 * L);
        DoubleVector c20 = DoubleVector.fromArray(S, g, g2);
        DoubleVector c21 = DoubleVector.fromArray(S, g, g2 + L);
        DoubleVector c22 = DoubleVector.fromArray(S, g, g2 + 2 * L);
        DoubleVector c23 = DoubleVector.fromArray(S, g, g2 + 3 * L);
        DoubleVector c30 = DoubleVector.fromArray(S, g, g3);
        DoubleVector c31 = DoubleVector.fromArray(S, g, g3 + L);
        DoubleVector c32 = DoubleVector.fromArray(S, g, g3 + 2 * L);
        DoubleVector c33 = DoubleVector.fromArray(S, g, g3 + 3 * L);
        for (int i = i0; i < i1; i++) {
            int ro = i * c;
            int bo = ro + q0;
            DoubleVector b0 = DoubleVector.fromArray(S, a, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, a, bo + L);
            DoubleVector b2 = DoubleVector.fromArray(S, a, bo + 2 * L);
            DoubleVector b3 = DoubleVector.fromArray(S, a, bo + 3 * L);
            DoubleVector x = DoubleVector.broadcast(S, a[ro + p0]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = DoubleVector.broadcast(S, a[ro + p0 + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = DoubleVector.broadcast(S, a[ro + p0 + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = DoubleVector.broadcast(S, a[ro + p0 + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
        }
        c00.intoArray(g, g0);
        c01.intoArray(g, g0 + L);
        c02.intoArray(g, g0 + 2 * L);
        c03.intoArray(g, g0 + 3 * L);
        c10.intoArray(g, g1);
        c11.intoArray(g, g1 + L);
        c12.intoArray(g, g1 + 2 * L);
        c13.intoArray(g, g1 + 3 * L);
        c20.intoArray(g, g2);
        c21.intoArray(g, g2 + L);
        c22.intoArray(g, g2 + 2 * L);
        c23.intoArray(g, g2 + 3 * L);
        c30.intoArray(g, g3);
        c31.intoArray(g, g3 + L);
        c32.intoArray(g, g3 + 2 * L);
        c33.intoArray(g, g3 + 3 * L);
    }

    private static void gtile4x1(double[] a, int i0, int i1, int c, int p0, int q, VectorMask<Double> mask,
                                 double[] g) {
        int g0 = p0 * c + q;
        DoubleVector c0 = DoubleVector.fromArray(S, g, g0, mask);
        DoubleVector c1 = DoubleVector.fromArray(S, g, g0 + c, mask);
        DoubleVector c2 = DoubleVector.fromArray(S, g, g0 + 2 * c, mask);
        DoubleVector c3 = DoubleVector.fromArray(S, g, g0 + 3 * c, mask);
        for (int i = i0; i < i1; i++) {
            int ro = i * c;
            DoubleVector b = DoubleVector.fromArray(S, a, ro + q, mask);
            c0 = b.fma(DoubleVector.broadcast(S, a[ro + p0]), c0);
            c1 = b.fma(DoubleVector.broadcast(S, a[ro + p0 + 1]), c1);
            c2 = b.fma(DoubleVector.broadcast(S, a[ro + p0 + 2]), c2);
            c3 = b.fma(DoubleVector.broadcast(S, a[ro + p0 + 3]), c3);
        }
        c0.intoArray(g, g0, mask);
        c1.intoArray(g, g0 + c, mask);
        c2.intoArray(g, g0 + 2 * c, mask);
        c3.intoArray(g, g0 + 3 * c, mask);
    }

    private static void gtile1x1(double[] a, int i0, int i1, int c, int p, int q, VectorMask<Double> mask,
                                 double[] g) {
        int go = p * c + q;
        DoubleVector acc = DoubleVector.fromArray(S, g, go, mask);
        for (int i = i0; i < i1; i++) {
            int ro = i * c;
            acc = DoubleVector.fromArray(S, a, ro + q, mask).fma(DoubleVector.broadcast(S, a[ro + p]), acc);
        }
        acc.intoArray(g, go, mask);
    }

    // ------------------------------------------------------------------ sparse row x dense

    @Override
    public void sparseRow(double[] w, int[] idx, int from, int to, double[] b, int m, double[] out, int oo) {
        int q0 = 0;
        for (; q0 + W <= m; q0 += W) {
            DoubleVector c0 = DoubleVector.zero(S);
            DoubleVector c1 = c0;
            DoubleVector c2 = c0;
            DoubleVector c3 = c0;
            for (int t = from; t < to; t++) {
                DoubleVector x = DoubleVector.broadcast(S, w[t]);
                int bo = idx[t] * m + q0;
                c0 = DoubleVector.fromArray(S, b, bo).fma(x, c0);
                c1 = DoubleVector.fromArray(S, b, bo + L).fma(x, c1);
                c2 = DoubleVector.fromArray(S, b, bo + 2 * L).fma(x, c2);
                c3 = DoubleVector.fromArray(S, b, bo + 3 * L).fma(x, c3);
            }
            c0.intoArray(out, oo + q0);
            c1.intoArray(out, oo + q0 + L);
            c2.intoArray(out, oo + q0 + 2 * L);
            c3.intoArray(out, oo + q0 + 3 * L);
        }
        for (int q = q0; q < m; q += L) {
            VectorMask<Double> mask = S.indexInRange(q, m);
            DoubleVector acc = DoubleVector.zero(S);
            for (int t = from; t < to; t++) {
                acc = DoubleVector.fromArray(S, b, idx[t] * m + q, mask).fma(DoubleVector.broadcast(S, w[t]), acc);
            }
            acc.intoArray(out, oo + q, mask);
        }
    }

    // ------------------------------------------------------------------ row scans

    private static final DoubleVector POS_INF = DoubleVector.broadcast(S, Double.POSITIVE_INFINITY);
    private static final DoubleVector NEG_INF = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);

    /** {@code c[off + l ..] + p[l ..]} for one vector of lanes, +infinity in lanes at or beyond {@code k}. */
    private static DoubleVector sumOrInf(double[] c, int off, double[] p, int l, int k) {
        if (l + L <= k) {
            return DoubleVector.fromArray(S, c, off + l).add(DoubleVector.fromArray(S, p, l));
        }
        if (l >= k) {
            return POS_INF;
        }
        VectorMask<Double> m = S.indexInRange(l, k);
        return POS_INF.blend(DoubleVector.fromArray(S, c, off + l, m).add(DoubleVector.fromArray(S, p, l, m)), m);
    }

    /** Lane-wise minimum by compare and blend (cheaper than Math.min's NaN and signed-zero rules; inputs are not NaN). */
    private static DoubleVector lmin(DoubleVector a, DoubleVector b) {
        return a.blend(b, b.lt(a));
    }

    @Override
    public double minPlus(double[] c, int off, double[] p, int k) {
        // a tree of lane-wise minima (short dependency chains), then one horizontal reduction
        DoubleVector m = lmin(lmin(sumOrInf(c, off, p, 0, k), sumOrInf(c, off, p, L, k)),
                lmin(sumOrInf(c, off, p, 2 * L, k), sumOrInf(c, off, p, 3 * L, k)));
        for (int l = W; l < k; l += W) {
            m = lmin(m, lmin(lmin(sumOrInf(c, off, p, l, k), sumOrInf(c, off, p, l + L, k)),
                    lmin(sumOrInf(c, off, p, l + 2 * L, k), sumOrInf(c, off, p, l + 3 * L, k))));
        }
        return m.reduceLanes(VectorOperators.MIN);
    }

    private static DoubleVector lmax(DoubleVector a, DoubleVector b) {
        return a.blend(b, b.compare(VectorOperators.GT, a));
    }

    @Override
    public void squaredNorms(double[] a, int off, int lda, int rows, int dims, double[] out, int outOff, int outStep) {
        if (L != 8) {
            new ScalarKernels().squaredNorms(a, off, lda, rows, dims, out, outOff, outStep);
            return;
        }
        // one vector of 8 lanes = the eight chains over the columns d mod 8; four rows at a time so that four
        // independent chains hide the fma latency
        double[] part = new double[32];
        int full = dims & ~7;
        int r = 0;
        for (; r + 3 < rows; r += 4) {
            int o0 = off + r * lda;
            int o1 = o0 + lda;
            int o2 = o1 + lda;
            int o3 = o2 + lda;
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = s0;
            DoubleVector s2 = s0;
            DoubleVector s3 = s0;
            for (int d = 0; d < full; d += 8) {
                DoubleVector v0 = DoubleVector.fromArray(S, a, o0 + d);
                DoubleVector v1 = DoubleVector.fromArray(S, a, o1 + d);
                DoubleVector v2 = DoubleVector.fromArray(S, a, o2 + d);
                DoubleVector v3 = DoubleVector.fromArray(S, a, o3 + d);
                s0 = v0.fma(v0, s0);
                s1 = v1.fma(v1, s1);
                s2 = v2.fma(v2, s2);
                s3 = v3.fma(v3, s3);
            }
            s0.intoArray(part, 0);
            s1.intoArray(part, 8);
            s2.intoArray(part, 16);
            s3.intoArray(part, 24);
            for (int q = 0; q < 4; q++) {
                out[outOff + (r + q) * outStep] = finishNorm(a, o0 + q * lda, full, dims, part, 8 * q);
            }
        }
        for (; r < rows; r++) {
            int o = off + r * lda;
            DoubleVector s0 = DoubleVector.zero(S);
            for (int d = 0; d < full; d += 8) {
                DoubleVector v = DoubleVector.fromArray(S, a, o + d);
                s0 = v.fma(v, s0);
            }
            s0.intoArray(part, 0);
            out[outOff + r * outStep] = finishNorm(a, o, full, dims, part, 0);
        }
    }

    /** Adds the columns from {@code full} on to the eight chains {@code part[p0 ..]} and combines them. */
    private static double finishNorm(double[] a, int o, int full, int dims, double[] part, int p0) {
        for (int d = full; d < dims; d++) {
            double x = a[o + d];
            part[p0 + (d & 7)] = Math.fma(x, x, part[p0 + (d & 7)]);
        }
        return ((part[p0] + part[p0 + 1]) + (part[p0 + 2] + part[p0 + 3]))
                + ((part[p0 + 4] + part[p0 + 5]) + (part[p0 + 6] + part[p0 + 7]));
    }

    /** One vector of {@code c[o + l ..]}, {@code fill} at or beyond {@code k}. */
    private static DoubleVector loadOr(double[] c, int o, int l, int k, DoubleVector fill) {
        if (l + L <= k) {
            return DoubleVector.fromArray(S, c, o + l);
        }
        if (l >= k) {
            return fill;
        }
        VectorMask<Double> m = S.indexInRange(l, k);
        return fill.blend(DoubleVector.fromArray(S, c, o + l, m), m);
    }

    @Override
    public void rowRange(double[] c, int off, int ldc, int rows, int k, double[] add, int addOff, int addStep,
                         double[] minMax) {
        if (k > W) {
            new ScalarKernels().rowRange(c, off, ldc, rows, k, add, addOff, addStep, minMax);
            return;
        }
        double mn = minMax[0];
        double mx = minMax[1];
        for (int r = 0; r < rows; r++) {
            int o = off + r * ldc;
            DoubleVector v0 = loadOr(c, o, 0, k, POS_INF);
            DoubleVector v1 = loadOr(c, o, L, k, POS_INF);
            DoubleVector v2 = loadOr(c, o, 2 * L, k, POS_INF);
            DoubleVector v3 = loadOr(c, o, 3 * L, k, POS_INF);
            double lo = lmin(lmin(v0, v1), lmin(v2, v3)).reduceLanes(VectorOperators.MIN);
            DoubleVector w0 = loadOr(c, o, 0, k, NEG_INF);
            DoubleVector w1 = loadOr(c, o, L, k, NEG_INF);
            DoubleVector w2 = loadOr(c, o, 2 * L, k, NEG_INF);
            DoubleVector w3 = loadOr(c, o, 3 * L, k, NEG_INF);
            double hi = lmax(lmax(w0, w1), lmax(w2, w3)).reduceLanes(VectorOperators.MAX);
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
        if (k > W) {
            new ScalarKernels().argMinRows(c, off, rows, k, out, outOff);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int o = off + r * k;
            DoubleVector v0 = loadOr(c, o, 0, k, POS_INF);
            DoubleVector v1 = loadOr(c, o, L, k, POS_INF);
            DoubleVector v2 = loadOr(c, o, 2 * L, k, POS_INF);
            DoubleVector v3 = loadOr(c, o, 3 * L, k, POS_INF);
            double m = lmin(lmin(v0, v1), lmin(v2, v3)).reduceLanes(VectorOperators.MIN);
            long eq = v0.eq(m).toLong() | v1.eq(m).toLong() << L | v2.eq(m).toLong() << (2 * L)
                    | v3.eq(m).toLong() << (3 * L);
            out[outOff + r] = eq == 0 ? 0 : Long.numberOfTrailingZeros(eq);
        }
    }

    @Override
    public int argMinPlus(double[] c, int off, double[] p, int k) {
        if (k <= W) { // one group of four vectors: keep them for the equality test
            DoubleVector v0 = sumOrInf(c, off, p, 0, k);
            DoubleVector v1 = sumOrInf(c, off, p, L, k);
            DoubleVector v2 = sumOrInf(c, off, p, 2 * L, k);
            DoubleVector v3 = sumOrInf(c, off, p, 3 * L, k);
            double m = lmin(lmin(v0, v1), lmin(v2, v3)).reduceLanes(VectorOperators.MIN);
            long bits = v0.eq(m).toLong() | v1.eq(m).toLong() << L | v2.eq(m).toLong() << (2 * L)
                    | v3.eq(m).toLong() << (3 * L);
            return bits == 0 ? -1 : Long.numberOfTrailingZeros(bits);
        }
        double m = minPlus(c, off, p, k);
        for (int l = 0; l < k; l += L) {
            long bits = sumOrInf(c, off, p, l, k).eq(m).toLong();
            if (bits != 0) {
                return l + Long.numberOfTrailingZeros(bits);
            }
        }
        return -1;
    }

    @Override
    public long atMostPlus(double[] c, int off, double[] p, int from, int to, double threshold) {
        long bits = 0;
        int j = from;
        for (; j + L <= to; j += L) {
            DoubleVector v = DoubleVector.fromArray(S, c, off + j).add(DoubleVector.fromArray(S, p, j));
            bits |= v.compare(VectorOperators.LE, threshold).toLong() << (j - from);
        }
        if (j < to) {
            VectorMask<Double> mask = S.indexInRange(j, to);
            DoubleVector v = DoubleVector.fromArray(S, c, off + j, mask).add(DoubleVector.fromArray(S, p, j, mask));
            bits |= v.compare(VectorOperators.LE, threshold).and(mask).toLong() << (j - from);
        }
        return bits;
    }

    @Override
    public int argMinWithin(double[] c, int off, double[] p, int k, double eps, long[] bits, int bitsOff) {
        if (k > W) {
            int j = argMinPlus(c, off, p, k);
            double thr = c[off + j] + p[j] + eps;
            for (int from = 0; from < k; from += 64) {
                bits[bitsOff + (from >>> 6)] = atMostPlus(c, off, p, from, Math.min(k, from + 64), thr);
            }
            return j;
        }
        DoubleVector v0 = sumOrInf(c, off, p, 0, k);
        DoubleVector v1 = sumOrInf(c, off, p, L, k);
        DoubleVector v2 = sumOrInf(c, off, p, 2 * L, k);
        DoubleVector v3 = sumOrInf(c, off, p, 3 * L, k);
        double m = lmin(lmin(v0, v1), lmin(v2, v3)).reduceLanes(VectorOperators.MIN);
        long eq = v0.eq(m).toLong() | v1.eq(m).toLong() << L | v2.eq(m).toLong() << (2 * L)
                | v3.eq(m).toLong() << (3 * L);
        if (eq == 0) {
            return -1;
        }
        int j = Long.numberOfTrailingZeros(eq);
        double thr = c[off + j] + p[j] + eps; // the same sum as the scalar kernels form
        bits[bitsOff] = v0.compare(VectorOperators.LE, thr).toLong() | v1.compare(VectorOperators.LE, thr).toLong() << L
                | v2.compare(VectorOperators.LE, thr).toLong() << (2 * L)
                | v3.compare(VectorOperators.LE, thr).toLong() << (3 * L);
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
