package org.cbtm.fewshot;

import smile.stat.distribution.TDistribution;

/** The metrics of the few-shot tables: accuracy, macro-F1, expected calibration error, and t intervals over seeds. */
public final class ClassificationMetrics {

    /** The number of equal-width confidence bins of {@link #expectedCalibrationError}. */
    public static final int ECE_BINS = 10;

    private ClassificationMetrics() {
    }

    /** A mean with a confidence interval. */
    public record Interval(double mean, double low, double high, int n) {
    }

    public static double accuracy(int[] gold, int[] predicted) {
        check(gold, predicted);
        int right = 0;
        for (int i = 0; i < gold.length; i++) {
            right += gold[i] == predicted[i] ? 1 : 0;
        }
        return (double) right / gold.length;
    }

    /**
     * The mean over classes of F1 = 2 tp / (2 tp + fp + fn), over the classes that occur among the gold labels or
     * the predictions (scikit-learn's {@code f1_score(average="macro")}); a class predicted but never right counts 0.
     */
    public static double macroF1(int[] gold, int[] predicted, int numLabels) {
        check(gold, predicted);
        long[] tp = new long[numLabels];
        long[] fp = new long[numLabels];
        long[] fn = new long[numLabels];
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] == predicted[i]) {
                tp[gold[i]]++;
            } else {
                fp[predicted[i]]++;
                fn[gold[i]]++;
            }
        }
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < numLabels; c++) {
            long denom = 2 * tp[c] + fp[c] + fn[c];
            if (denom > 0) {
                sum += 2.0 * tp[c] / denom;
                classes++;
            }
        }
        return classes == 0 ? Double.NaN : sum / classes;
    }

    /**
     * Expected calibration error with {@link #ECE_BINS} equal-width bins: {@code sum_b (n_b / n) |acc_b - conf_b|},
     * confidence being the probability the model gave its prediction; a confidence c falls in bin
     * {@code ceil(c * bins) - 1} (bin 0 holds [0, 0.1], bin 1 (0.1, 0.2], ...).
     */
    public static double expectedCalibrationError(int[] gold, int[] predicted, double[] confidence) {
        check(gold, predicted);
        if (confidence.length != gold.length) {
            throw new IllegalArgumentException(confidence.length + " confidences for " + gold.length + " examples");
        }
        int bins = ECE_BINS;
        double[] conf = new double[bins];
        long[] right = new long[bins];
        long[] count = new long[bins];
        for (int i = 0; i < gold.length; i++) {
            double c = confidence[i];
            if (!(c >= 0 && c <= 1)) {
                throw new IllegalArgumentException("confidence " + c + " of example " + i + " is not in [0, 1]");
            }
            int b = Math.max(0, Math.min(bins - 1, (int) Math.ceil(c * bins) - 1));
            conf[b] += c;
            right[b] += gold[i] == predicted[i] ? 1 : 0;
            count[b]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                ece += Math.abs(right[b] - conf[b]) / gold.length;
            }
        }
        return ece;
    }

    /** {@code softmax(scores)}, in double; options with score -infinity get probability 0. */
    public static double[] softmax(double[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        double[] p = new double[scores.length];
        if (max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(p, 1.0 / scores.length); // no option has any probability: no preference
            return p;
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(scores[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * The mean of {@code values} with a two-sided t interval at {@code level} (0.95: {@code mean +- t_{0.975, n-1}
     * s / sqrt(n)}). With one value the interval is the value itself: nothing varied.
     */
    public static Interval tInterval(double[] values, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        }
        int n = values.length;
        if (n == 0) {
            return new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= n;
        if (n == 1) {
            return new Interval(mean, mean, mean, 1);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (n - 1));
        double t = new TDistribution(n - 1).quantile(1 - (1 - level) / 2);
        double half = t * sd / Math.sqrt(n);
        return new Interval(mean, mean - half, mean + half, n);
    }

    private static void check(int[] gold, int[] predicted) {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + gold.length + " examples");
        }
        if (gold.length == 0) {
            throw new IllegalArgumentException("no examples to score");
        }
    }
}
