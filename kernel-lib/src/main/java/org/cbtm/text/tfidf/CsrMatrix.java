package org.cbtm.text.tfidf;

import org.cbtm.math.DenseMatrix;
import org.cbtm.math.Parallel;

/**
 * A sparse matrix in compressed sparse row form with primitive arrays: the non-zeros of row {@code i} are
 * {@code cols[rowPtr[i] .. rowPtr[i+1])} with values {@code vals[...]}.
 */
public final class CsrMatrix {
    private final int rows;
    private final int cols;
    private final int[] rowPtr;
    private final int[] colIdx;
    private final double[] vals;

    public CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, double[] vals) {
        if (rowPtr.length != rows + 1 || colIdx.length < rowPtr[rows] || vals.length < rowPtr[rows]) {
            throw new IllegalArgumentException("inconsistent CSR arrays");
        }
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.vals = vals;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int nnz() {
        return rowPtr[rows];
    }

    public int[] rowPtr() {
        return rowPtr;
    }

    public int[] colIdx() {
        return colIdx;
    }

    public double[] vals() {
        return vals;
    }

    public double get(int i, int j) {
        for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
            if (colIdx[p] == j) {
                return vals[p];
            }
        }
        return 0;
    }

    /** The transpose, also in CSR form (columns of this become rows; entries keep their row order). */
    public CsrMatrix transpose() {
        int nnz = nnz();
        int[] ptr = new int[cols + 1];
        for (int p = 0; p < nnz; p++) {
            ptr[colIdx[p] + 1]++;
        }
        for (int j = 0; j < cols; j++) {
            ptr[j + 1] += ptr[j];
        }
        int[] next = java.util.Arrays.copyOf(ptr, cols);
        int[] ci = new int[nnz];
        double[] v = new double[nnz];
        for (int i = 0; i < rows; i++) {
            for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
                int q = next[colIdx[p]]++;
                ci[q] = i;
                v[q] = vals[p];
            }
        }
        return new CsrMatrix(cols, rows, ptr, ci, v);
    }

    /**
     * {@code this * b} for a dense {@code b} ({@code cols x m}, row-major), multithreaded over row blocks: for every
     * non-zero, a contiguous row of {@code b} scaled by the value is added to the output row.
     */
    public DenseMatrix multiply(DenseMatrix b) {
        if (b.rows() != cols) {
            throw new IllegalArgumentException("shapes " + rows + "x" + cols + " and " + b.rows() + "x" + b.cols());
        }
        int m = b.cols();
        double[] bd = b.data();
        DenseMatrix out = new DenseMatrix(rows, m);
        double[] od = out.data();
        Parallel.forRows(rows, 256, (blk, from, to) -> {
            for (int i = from; i < to; i++) {
                int o = i * m;
                int p = rowPtr[i];
                int end = rowPtr[i + 1];
                for (; p + 3 < end; p += 4) {
                    double a0 = vals[p];
                    double a1 = vals[p + 1];
                    double a2 = vals[p + 2];
                    double a3 = vals[p + 3];
                    int b0 = colIdx[p] * m;
                    int b1 = colIdx[p + 1] * m;
                    int b2 = colIdx[p + 2] * m;
                    int b3 = colIdx[p + 3] * m;
                    for (int k = 0; k < m; k++) {
                        od[o + k] += a0 * bd[b0 + k] + a1 * bd[b1 + k] + a2 * bd[b2 + k] + a3 * bd[b3 + k];
                    }
                }
                for (; p < end; p++) {
                    double a = vals[p];
                    int bo = colIdx[p] * m;
                    for (int k = 0; k < m; k++) {
                        od[o + k] += a * bd[bo + k];
                    }
                }
            }
        });
        return out;
    }
}
