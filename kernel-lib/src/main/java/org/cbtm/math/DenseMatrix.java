package org.cbtm.math;

import java.util.Arrays;

/**
 * A dense row-major matrix of doubles in one contiguous array: row {@code i} is
 * {@code data[i * cols, (i + 1) * cols)}. Used for embeddings (one row per document) and centres.
 */
public final class DenseMatrix {
    private final int rows;
    private final int cols;
    private final double[] data;

    public DenseMatrix(int rows, int cols) {
        this(rows, cols, new double[Math.multiplyExact(rows, cols)]);
    }

    /** Wraps {@code data} (not copied). */
    public DenseMatrix(int rows, int cols, double[] data) {
        if (rows < 0 || cols < 0 || data.length != (long) rows * cols) {
            throw new IllegalArgumentException("data has " + data.length + " values, not " + rows + " x " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** A matrix from rows of equal length (copied). */
    public static DenseMatrix ofRows(double[][] rows) {
        int c = rows.length == 0 ? 0 : rows[0].length;
        DenseMatrix m = new DenseMatrix(rows.length, c);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != c) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, not " + c);
            }
            System.arraycopy(rows[i], 0, m.data, i * c, c);
        }
        return m;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The backing array (row-major, not a copy). */
    public double[] data() {
        return data;
    }

    public double get(int i, int j) {
        return data[i * cols + j];
    }

    public void set(int i, int j, double v) {
        data[i * cols + j] = v;
    }

    /** A copy of row {@code i}. */
    public double[] row(int i) {
        return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
    }

    /** A copy as an array of rows. */
    public double[][] toArray() {
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = row(i);
        }
        return out;
    }

    /** The rows {@code [from, to)} as a new matrix (copied). */
    public DenseMatrix rowRange(int from, int to) {
        return new DenseMatrix(to - from, cols, Arrays.copyOfRange(data, from * cols, to * cols));
    }

    /** The rows at {@code index}, in that order (copied). */
    public DenseMatrix selectRows(int[] index) {
        DenseMatrix m = new DenseMatrix(index.length, cols);
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(data, index[i] * cols, m.data, i * cols, cols);
        }
        return m;
    }

    public DenseMatrix copy() {
        return new DenseMatrix(rows, cols, data.clone());
    }

    /** The transpose (a new matrix). */
    public DenseMatrix transpose() {
        DenseMatrix t = new DenseMatrix(cols, rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t.data[j * rows + i] = data[i * cols + j];
            }
        }
        return t;
    }

    /** Squared L2 norm of every row. */
    public double[] rowSquaredNorms() {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = Vectors.dot(data, i * cols, data, i * cols, cols);
        }
        return out;
    }

    @Override
    public String toString() {
        return "DenseMatrix[" + rows + " x " + cols + "]";
    }
}
