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

    /**
     * The table name of a device as DJL or an older table spelled it ("cpu()", "gpu(0)", "cpu (Java, 2 threads)");
     * devices joined with " + " (the account of runs on several devices) are named one by one.
     */
    public static String of(String device) {
        if (device == null || device.isBlank()) {
            return "";
        }
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (String part : device.split(" \\+ ")) {
            names.add(one(part.trim()));
        }
        return String.join(" + ", names);
    }

    private static String one(String device) {
        String d = device.toLowerCase(Locale.ROOT);
        if (d.equals("cpu") || d.equals("cpu()") || d.startsWith("cpu (")) {
            return localCpu();
        }
        if (d.startsWith("gpu(") && d.endsWith(")")) {
            return "gpu:" + d.substring(4, d.length() - 1);
        }
        return device;
    }
}
