package org.cbtm.train;

/**
 * One row of a run's metrics log.
 *
 * @param step            optimiser steps taken
 * @param tokens          training tokens seen by this run
 * @param trainLoss       mean training loss (nats per token) over the steps since the previous row
 * @param validLoss       held-out loss at this step, NaN when not evaluated here
 * @param learningRate    learning rate of the last step
 * @param tokensPerSecond training throughput since the previous row (evaluation and checkpoints excluded)
 * @param elapsedSeconds  wall time of the run so far (all sessions)
 */
public record TrainMetrics(long step, long tokens, double trainLoss, double validLoss, double learningRate,
                           double tokensPerSecond, double elapsedSeconds) {

    static final String CSV_HEADER = "step,tokens,train_loss,valid_loss,lr,tokens_per_s,elapsed_s";

    String csv() {
        return step + "," + tokens + "," + fmt(trainLoss) + "," + fmt(validLoss) + "," + fmt(learningRate) + ","
                + fmt(tokensPerSecond) + "," + fmt(elapsedSeconds);
    }

    static TrainMetrics parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 7) {
            throw new IllegalArgumentException("not a metrics row: " + line);
        }
        return new TrainMetrics(Long.parseLong(f[0]), Long.parseLong(f[1]), num(f[2]), num(f[3]), num(f[4]),
                num(f[5]), num(f[6]));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static double num(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
