package org.cbtm.lm.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TorchRuntimeEnvironmentTest {

    @Test
    void childEnvironmentAddsPassiveWaitingAndHugePagesUnlessChosen() {
        Map<String, String> empty = new HashMap<>();
        TorchRuntime.childEnvironment(empty);
        assertEquals("PASSIVE", empty.get("OMP_WAIT_POLICY"));
        assertEquals("glibc.malloc.hugetlb=1", empty.get("GLIBC_TUNABLES"));

        Map<String, String> other = new HashMap<>(Map.of("OMP_WAIT_POLICY", "ACTIVE",
                "GLIBC_TUNABLES", "glibc.malloc.arena_max=2"));
        TorchRuntime.childEnvironment(other);
        assertEquals("ACTIVE", other.get("OMP_WAIT_POLICY"), "the user's choice stays");
        assertEquals("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", other.get("GLIBC_TUNABLES"));

        Map<String, String> off = new HashMap<>(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0"));
        TorchRuntime.childEnvironment(off);
        assertEquals("glibc.malloc.hugetlb=0", off.get("GLIBC_TUNABLES"), "an explicit hugetlb setting stays");
    }
}
