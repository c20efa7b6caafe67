package org.cbtm.text.tfidf;

import org.cbtm.math.DenseKernels;
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
     * {@code this * b} for a dense {@code b} ({@code cols x m}, row-major), multithreaded over row blocks: each output
     * row is the non-zeros' values times contiguous rows of {@code b} ({@link DenseKernels#sparseRow}).
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
                DenseKernels.sparseRow(vals, colIdx, rowPtr[i], rowPtr[i + 1], bd, m, od, i * m);
            }
        });
        return out;
    }
}
