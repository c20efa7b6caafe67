package org.cbtm.notebook;

import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;

import org.cbtm.lm.gpt.Devices;

/** What DJL sees: engine, version, GPUs and the device training will use ({@link Devices#best()}), with a GPU's name and memory. */
public final class DeviceInfo {

    private static final double GIB = 1024.0 * 1024 * 1024;

    private DeviceInfo() {
    }

    /** The GPU's name from nvidia-smi (DJL does not report it), or "GPU" when nvidia-smi is not there. */
    public static String gpuName(int id) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i",
                    Integer.toString(id)).redirectErrorStream(true).start();
            String name = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !name.isEmpty() ? name : "GPU";
        } catch (IOException e) {
            return "GPU";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "GPU";
        }
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
            Device device = Devices.best(); // what Trainer.start and the notebooks' Devices.best() pick
            m.put("Training device", device.toString());
            if (device.isGpu()) {
                MemoryUsage memory = CudaUtils.getGpuMemory(device);
                m.put("GPU " + device.getDeviceId(), gpuName(device.getDeviceId()) + ", "
                        + String.format(Locale.ROOT, "%.1f GiB (%.1f GiB free), compute capability %s",
                        memory.getMax() / GIB, (memory.getMax() - memory.getUsed()) / GIB,
                        CudaUtils.getComputeCapability(device.getDeviceId())));
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            m.put("DJL engine", "unavailable: " + e.getMessage());
        }
        return m;
    }
}
