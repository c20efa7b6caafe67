package org.cbtm.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.cbtm.lm.gpt.Devices;
import org.junit.jupiter.api.Test;

class DeviceInfoTest {

    @Test
    void namesTheDeviceTrainingUses() {
        Map<String, String> facts = DeviceInfo.describe();
        assertEquals(Devices.best().toString(), facts.get("Training device"));
        if (!Devices.best().isGpu()) {
            assertFalse(facts.keySet().stream().anyMatch(k -> k.startsWith("GPU ")), facts.toString());
        }
    }
}
