package org.cbtm.lm.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void mklDispatchLibraryIsPreloadedOnceAndOnlyWhenItExists(@TempDir Path dir) throws IOException {
        Path lib = Files.writeString(dir.resolve("libcbtm_mkl_dispatch.so"), "stand-in");
        Map<String, String> env = new HashMap<>();
        TorchRuntime.preloadMklDispatch(env, lib.toString());
        assertEquals(lib.toString(), env.get("LD_PRELOAD"));
        assertEquals(lib.toString(), env.get(TorchRuntime.MKL_DISPATCH_VARIABLE), "passed on to grandchildren");
        TorchRuntime.preloadMklDispatch(env, lib.toString());
        assertEquals(lib.toString(), env.get("LD_PRELOAD"), "never twice");

        Map<String, String> user = new HashMap<>(Map.of("LD_PRELOAD", "/opt/libprofiler.so"));
        TorchRuntime.preloadMklDispatch(user, lib.toString());
        assertEquals("/opt/libprofiler.so:" + lib, user.get("LD_PRELOAD"), "the user's preload stays first");

        Map<String, String> missing = new HashMap<>();
        TorchRuntime.preloadMklDispatch(missing, dir.resolve("absent.so").toString());
        TorchRuntime.preloadMklDispatch(missing, null);
        assertEquals(Map.of(), missing, "nothing when the library was not built (not an AMD CPU, or turned off)");
    }
}
