package org.cbtm.notebook;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;

/** What DJL sees: engine, version, GPUs and the device training will use. */
public final class DeviceInfo {

    private DeviceInfo() {
    }

    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            Engine engine = Engine.getInstance();
            m.put("DJL engine", engine.getEngineName() + " " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ")");
            int gpus = engine.getGpuCount();
            m.put("GPUs", gpus == 0 ? "none (CUDA natives or driver absent: training runs on CPU)" : Integer.toString(gpus));
            if (gpus > 0 && CudaUtils.hasCuda()) {
                m.put("CUDA", String.valueOf(CudaUtils.getCudaVersionString()));
            }
            Device device = engine.defaultDevice();
            m.put("Training device", device.toString());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            m.put("DJL engine", "unavailable: " + e.getMessage());
        }
        return m;
    }
}
