package org.cbtm.text.tfidf;

import java.util.SplittableRandom;
import org.cbtm.math.BlockOps;
import org.cbtm.math.DenseMatrix;
import org.cbtm.math.Parallel;
import org.cbtm.math.SymmetricEigen;

/**
 * Truncated SVD of a sparse matrix by randomized subspace iteration (Halko, Martinsson and Tropp 2011), as
 * scikit-learn's {@code TruncatedSVD(algorithm="randomized")} with its defaults (10 oversamples, 5 power
 * iterations), but seeded and deterministic: a Gaussian test matrix from {@link SplittableRandom}{@code (seed)} (split
 * per fixed block of rows),
 * power iterations with an orthonormalisation (Cholesky QR, eigendecomposition fallback) after each, done on the
 * smaller side (documents when {@code n <= d}: {@code Q = orth((X X^T)^q X Omega)}, then the SVD of
 * {@code B = Q^T X} from {@code B B^T}; terms otherwise: Rayleigh-Ritz on {@code X Z}). Every reduction is summed in
 * a fixed block order, so the result does not depend on the number of threads.
 *
 * <p>Signs: each right singular vector is flipped so that its entry of largest magnitude is positive. When
 * {@code k} exceeds the rank that can be resolved ({@code min(n, d)} or the numerical rank), the extra components
 * are zero vectors with singular value 0.
 */
public final class RandomizedSvd {

    /** {@code components} is {@code d x k} (row {@code j} = term {@code j}'s loadings; column = right singular vector). */
    public record Result(DenseMatrix components, double[] singularValues) {
    }

    private RandomizedSvd() {
    }

    public static Result compute(CsrMatrix x, int k, int oversamples, int powerIterations, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (oversamples < 0 || powerIterations < 0) {
            throw new IllegalArgumentException("oversamples and powerIterations must be >= 0");
        }
        int n = x.rows();
        int d = x.cols();
        if (n == 0 || d == 0) {
            throw new IllegalArgumentException("cannot take the SVD of an empty " + n + " x " + d + " matrix");
        }
        int l = Math.min(k + oversamples, Math.min(n, d));
        CsrMatrix xt = x.transpose();
        double[] omega = gaussian(d, l, seed);
        final double tol = 1e-13;
        double[] v;
        double[] w = new double[l * k];
        double[] sv = new double[k];
        int kk = Math.min(k, l);
        if (n <= d) {
            // orthonormalise on the (smaller) document side: Q = orth((X X^T)^q X Omega), then B = Q^T X
            // one orthonormalisation per power iteration (Cholesky QR of a well-conditioned block is accurate to
            // rounding; an ill-conditioned one falls back to the eigendecomposition)
            double[] y = x.multiply(new DenseMatrix(d, l, omega)).data();
            if (powerIterations == 0) {
                y = BlockOps.orthonormalize(y, n, l, tol);
            }
            for (int it = 0; it < powerIterations; it++) {
                DenseMatrix zt = xt.multiply(new DenseMatrix(n, l, y));
                y = BlockOps.orthonormalize(x.multiply(zt).data(), n, l, tol);
            }
            double[] bt = xt.multiply(new DenseMatrix(n, l, y)).data(); // X^T Q, d x l
            SymmetricEigen e = SymmetricEigen.of(BlockOps.gram(bt, d, l), l); // B B^T = U S^2 U^T
            ritz(e, l, k, kk, sv, w, true);
            v = BlockOps.multiply(bt, d, l, w, k); // V = B^T U S^-1
        } else {
            // orthonormalise on the (smaller) term side: Z = orth((X^T X)^q Omega), Rayleigh-Ritz on X Z
            double[] z = omega;
            for (int it = 0; it < powerIterations; it++) {
                DenseMatrix y = x.multiply(new DenseMatrix(d, l, z));
                z = BlockOps.orthonormalize(xt.multiply(y).data(), d, l, tol);
            }
            z = BlockOps.orthonormalize(z, d, l, tol);
            DenseMatrix y = x.multiply(new DenseMatrix(d, l, z));
            SymmetricEigen e = SymmetricEigen.of(BlockOps.gram(y.data(), n, l), l);
            ritz(e, l, k, kk, sv, w, false);
            v = BlockOps.multiply(z, d, l, w, k); // V = Z W
        }
        // zero columns whose vector is not unit (a direction the orthonormalisation dropped)
        for (int j = 0; j < k; j++) {
            double sq = 0;
            int arg = 0;
            double best = -1;
            for (int i = 0; i < d; i++) {
                double val = v[i * k + j];
                sq += val * val;
                if (Math.abs(val) > best) {
                    best = Math.abs(val);
                    arg = i;
                }
            }
            if (sv[j] == 0 || sq < 0.5) {
                sv[j] = 0;
                for (int i = 0; i < d; i++) {
                    v[i * k + j] = 0;
                }
            } else if (v[arg * k + j] < 0) {
                for (int i = 0; i < d; i++) {
                    v[i * k + j] = -v[i * k + j];
                }
            }
        }
        return new Result(new DenseMatrix(d, k, v), sv);
    }

    /** Rows of the Gaussian test matrix per generator: block b draws from the b-th split of the seed's generator. */
    private static final int OMEGA_BLOCK = 4096;

    /**
     * The {@code rows x cols} Gaussian test matrix: fixed blocks of rows, each from its own generator split off a
     * {@code SplittableRandom(seed)} in block order, filled in parallel (the same numbers for any thread count).
     */
    static double[] gaussian(int rows, int cols, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        int nb = Parallel.blocks(rows, OMEGA_BLOCK);
        SplittableRandom[] gens = new SplittableRandom[nb];
        for (int b = 0; b < nb; b++) {
            gens[b] = root.split();
        }
        double[] out = new double[Math.multiplyExact(rows, cols)];
        Parallel.forBlocks(rows, OMEGA_BLOCK, (b, from, to) -> {
            SplittableRandom g = gens[b];
            for (int i = from * cols; i < to * cols; i++) {
                out[i] = g.nextGaussian();
            }
        });
        return out;
    }

    /**
     * From the eigenpairs of an {@code l x l} Gram matrix: singular values {@code sv[j] = sqrt(lambda_j)} and the
     * rotation {@code w} ({@code l x k}, column j = eigenvector j, divided by {@code sv[j]} when {@code divide}).
     * Eigenvalues at rounding level stay zero: a direction the data does not have.
     */
    private static void ritz(SymmetricEigen e, int l, int k, int kk, double[] sv, double[] w, boolean divide) {
        double top = Math.max(e.values[0], 0);
        for (int j = 0; j < kk; j++) {
            double lam = e.values[j];
            if (lam <= 0 || lam <= 1e-24 * top) {
                continue;
            }
            sv[j] = Math.sqrt(lam);
            double scale = divide ? 1 / sv[j] : 1;
            for (int i = 0; i < l; i++) {
                w[i * k + j] = e.vectors[i * l + j] * scale;
            }
        }
    }
}
