package org.cbtm.base;

import java.util.Locale;

/**
 * One name per device in every table: "cpu (2 cores)" for this machine's CPU, "gpu:0" for a GPU. DJL writes
 * "cpu()" or "gpu(0)" into checkpoints; {@link #of} turns any of those spellings into the table name.
 */
public final class DeviceNames {
    private DeviceNames() {
    }

    /** This machine's CPU: "cpu (2 cores)". */
    public static String localCpu() {
        return String.format(Locale.ROOT, "cpu (%d cores)", Runtime.getRuntime().availableProcessors());
    }

    /** The table name of a device as DJL or an older table spelled it ("cpu()", "gpu(0)", "cpu (Java, 2 threads)"). */
    public static String of(String device) {
        if (device == null || device.isBlank()) {
            return "";
        }
        String d = device.trim().toLowerCase(Locale.ROOT);
        if (d.startsWith("cpu")) {
            return localCpu();
        }
        if (d.startsWith("gpu(") && d.endsWith(")")) {
            return "gpu:" + d.substring(4, d.length() - 1);
        }
        return device.trim();
    }
}
