package org.cbtm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class TrainMetricsTestSupport {

    private TrainMetricsTestSupport() {
    }

    /** The step column of a metrics CSV. */
    static long[] steps(Path csv) {
        try {
            return Files.readAllLines(csv).stream().skip(1).mapToLong(l -> TrainMetrics.parse(l).step()).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
