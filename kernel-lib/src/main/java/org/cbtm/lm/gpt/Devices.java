package org.cbtm.lm.gpt;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Where models run: the first GPU when DJL sees one (CUDA natives and a driver present), else the CPU. */
public final class Devices {

    private Devices() {
    }

    /** GPU 0 when the engine reports a GPU, otherwise the CPU. */
    public static Device best() {
        return TorchRuntime.engine().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** A line saying which device is used and why, for logs and progress labels. */
    public static String describe(Device device) {
        if (device.isGpu()) {
            return device + " (" + Engine.getInstance().getGpuCount() + " GPU(s) visible)";
        }
        return device + (Engine.getInstance().getGpuCount() == 0
                ? " (no GPU visible: CUDA natives or driver absent)" : "");
    }
}
