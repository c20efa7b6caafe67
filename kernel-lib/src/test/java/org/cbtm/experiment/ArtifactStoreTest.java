package org.cbtm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {

    enum Kind { BALANCED, RANDOM }

    record Inner(double temperature, List<Integer> ks) {
    }

    record Config(int k, long tokens, Kind clustering, Inner routing) {
    }

    private static final Config BASE = new Config(4, 1_000_000, Kind.BALANCED, new Inner(0.1, List.of(1, 2, 4)));
    private static final Map<String, String> DATA = Map.of("corpus", "abc123", "tokenizer", "def456");

    private static ArtifactStore.Computation writing(AtomicInteger calls, String content) {
        return dir -> {
            calls.incrementAndGet();
            Files.writeString(dir.resolve("model.txt"), content);
            Files.createDirectories(dir.resolve("sub"));
            Files.writeString(dir.resolve("sub/part.txt"), "part");
            return Map.of("perplexity", 12.5, "tokens", 42);
        };
    }

    /**
     * Two processes computing the same artifact at once (notebooks 05 and 06 on one store): the one that finishes
     * second finds the folder taken (rename onto a non-empty folder: ENOTEMPTY) and must keep the first one's copy,
     * not fail. The other process is played by a second store on the same folder, storing inside the computation.
     */
    @Test
    void theSecondOfTwoConcurrentWritersKeepsTheFirstOnesCopy(@TempDir Path root) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        ArtifactStore ours = new ArtifactStore(root);
        ArtifactStore.Artifact a = ours.getOrCompute("evaluation", BASE, DATA, dir -> {
            new ArtifactStore(root).getOrCompute("evaluation", BASE, DATA, writing(calls, "first"));
            return writing(calls, "second").compute(dir);
        });
        assertEquals(2, calls.get());
        assertEquals("first", Files.readString(a.file("model.txt")), "the copy stored first is kept");
        assertTrue(a.reused());
        try (var staging = Files.list(root.resolve("evaluation"))) {
            assertEquals(1, staging.count(), "the loser's staging folder is removed");
        }
    }

    @Test
    void reusesWhatExists(@TempDir Path root) throws IOException {
        ArtifactStore store = new ArtifactStore(root);
        AtomicInteger calls = new AtomicInteger();
        ArtifactStore.Artifact a = store.getOrCompute("expert", BASE, DATA, writing(calls, "weights"));
        assertFalse(a.reused());
        assertEquals("weights", Files.readString(a.file("model.txt")));
        // a new store on the same folder (a re-run notebook) finds it without computing
        ArtifactStore.Artifact b = new ArtifactStore(root).getOrCompute("expert",
                new Config(4, 1_000_000, Kind.BALANCED, new Inner(0.1, List.of(1, 2, 4))), Map.of("tokenizer", "def456",
                        "corpus", "abc123"), writing(calls, "other"));
        assertTrue(b.reused());
        assertEquals(1, calls.get());
        assertEquals(a.dir(), b.dir());
        assertEquals("weights", Files.readString(b.file("model.txt")));
        assertEquals(12.5, b.metrics().path("perplexity").asDouble());
        assertEquals(42, b.metrics().path("tokens").asInt());
        assertEquals("BALANCED", b.sidecar().path("config").path("clustering").asText());
        assertEquals(0.1, b.sidecar().path("config").path("routing").path("temperature").asDouble());
        assertEquals("abc123", b.sidecar().path("inputs").path("corpus").asText());
        assertFalse(b.sidecar().path("libraryVersion").asText().isEmpty());
        assertFalse(b.created().isEmpty());
        assertEquals(2, b.sidecar().path("files").size());
        assertTrue(store.find("expert", BASE, DATA).isPresent());
        assertEquals(1, store.list("expert").size());
    }

    @Test
    void changedConfigOrDataGivesANewKey(@TempDir Path root) {
        ArtifactStore store = new ArtifactStore(root);
        AtomicInteger calls = new AtomicInteger();
        store.getOrCompute("expert", BASE, DATA, writing(calls, "a"));
        ArtifactStore.Artifact t = store.getOrCompute("expert", new Config(4, 1_000_000, Kind.BALANCED,
                new Inner(0.2, List.of(1, 2, 4))), DATA, writing(calls, "b"));
        assertFalse(t.reused(), "a nested config field changed");
        ArtifactStore.Artifact r = store.getOrCompute("expert", new Config(4, 1_000_000, Kind.RANDOM,
                BASE.routing()), DATA, writing(calls, "c"));
        assertFalse(r.reused());
        ArtifactStore.Artifact d = store.getOrCompute("expert", BASE, Map.of("corpus", "abc124", "tokenizer", "def456"),
                writing(calls, "d"));
        assertFalse(d.reused(), "the data changed");
        ArtifactStore.Artifact extra = store.getOrCompute("expert", BASE, Map.of("corpus", "abc123"), writing(calls, "e"));
        assertFalse(extra.reused(), "an input dropped");
        ArtifactStore.Artifact kind = store.getOrCompute("other-kind", BASE, DATA, writing(calls, "f"));
        assertFalse(kind.reused());
        assertEquals(6, calls.get());
        assertEquals(5, store.list("expert").size());
        // and each is reused afterwards
        assertTrue(store.getOrCompute("expert", new Config(4, 1_000_000, Kind.RANDOM, BASE.routing()), DATA,
                writing(calls, "x")).reused());
        assertEquals(6, calls.get());
    }

    @Test
    void keysAreStableAndCanonical() {
        String k = ArtifactStore.key("expert", BASE, DATA);
        // a fixed value: the key must not change between runs, JVMs or library versions
        // the SHA-256 of {"format":"cbtm-artifact/1","kind":"expert","config":{canonical JSON below},"inputs":{sorted}}
        assertEquals("bbc63a541f0e8345ef217635b4e4c5f0cdc04a512482a2d6e9eedfd7519838ed", k);
        assertEquals(ArtifactStore.key("expert", BASE, DATA), k);
        assertEquals("{\"clustering\":\"BALANCED\",\"k\":4,\"routing\":{\"ks\":[1,2,4],\"temperature\":0.1},"
                + "\"tokens\":1000000}", ArtifactStore.canonicalJson(BASE));
        Map<String, Object> m1 = new LinkedHashMap<>();
        m1.put("b", 1);
        m1.put("a", Map.of("y", 2, "x", 3));
        Map<String, Object> m2 = new LinkedHashMap<>();
        m2.put("a", Map.of("x", 3, "y", 2));
        m2.put("b", 1);
        assertEquals(ArtifactStore.canonicalJson(m1), ArtifactStore.canonicalJson(m2));
        assertEquals(ArtifactStore.key("expert", m1, DATA), ArtifactStore.key("expert", m2, DATA));
        assertNotEquals(ArtifactStore.key("expert", m1, DATA), ArtifactStore.key("expert", Map.of("b", 2), DATA));
        assertThrows(IllegalArgumentException.class, () -> ArtifactStore.key("Bad Kind", BASE, DATA));
        assertThrows(IllegalArgumentException.class, () -> ArtifactStore.key("../up", BASE, DATA));
    }

    @Test
    void aFailedComputationLeavesNothing(@TempDir Path root) throws IOException {
        ArtifactStore store = new ArtifactStore(root);
        RuntimeException boom = new IllegalStateException("crash in the middle");
        RuntimeException thrown = assertThrows(IllegalStateException.class, () -> store.getOrCompute("expert", BASE,
                DATA, dir -> {
                    Files.writeString(dir.resolve("model.txt"), "half");
                    throw boom;
                }));
        assertEquals(boom, thrown);
        assertTrue(store.find("expert", BASE, DATA).isEmpty());
        try (Stream<Path> s = Files.list(root.resolve("expert"))) {
            assertEquals(0, s.count(), "no artifact and no staging folder is left");
        }
        AtomicInteger calls = new AtomicInteger();
        ArtifactStore.Artifact a = store.getOrCompute("expert", BASE, DATA, writing(calls, "whole"));
        assertFalse(a.reused());
        assertEquals("whole", Files.readString(a.file("model.txt")));
    }

    @Test
    void aKilledProcessLeavesOnlyStagingThatIsCleaned(@TempDir Path root) throws IOException {
        ArtifactStore store = new ArtifactStore(root);
        // what a process killed mid-compute leaves: a staging folder named after its pid, with partial files
        long deadPid = findDeadPid();
        Path dead = root.resolve("expert").resolve(".staging-" + deadPid + "-0123456789ab-77");
        Files.createDirectories(dead);
        Files.writeString(dead.resolve("model.txt"), "half");
        Path live = root.resolve("expert").resolve(".staging-" + ProcessHandle.current().pid() + "-0123456789ab-78");
        Files.createDirectories(live);
        assertTrue(store.find("expert", BASE, DATA).isEmpty());
        assertTrue(store.list("expert").isEmpty());
        assertEquals(1, store.cleanStaging());
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(live), "a running process's staging is left alone");
        // a folder without a sidecar (hand-edited, or copied half) is not an artifact: recomputed
        Path folder = store.folder("expert", ArtifactStore.key("expert", BASE, DATA));
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("model.txt"), "stale");
        AtomicInteger calls = new AtomicInteger();
        ArtifactStore.Artifact a = store.getOrCompute("expert", BASE, DATA, writing(calls, "fresh"));
        assertEquals(1, calls.get());
        assertEquals("fresh", Files.readString(a.file("model.txt")));
        assertTrue(store.delete("expert", a.key()));
        assertTrue(store.find("expert", BASE, DATA).isEmpty());
    }

    @Test
    void concurrentCallsComputeOnce(@TempDir Path root) throws Exception {
        ArtifactStore store = new ArtifactStore(root);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[4];
        ArtifactStore.Artifact[] got = new ArtifactStore.Artifact[4];
        for (int i = 0; i < 4; i++) {
            int idx = i;
            threads[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                got[idx] = store.getOrCompute("expert", BASE, DATA, writing(calls, "once"));
            });
            threads[i].start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, calls.get());
        for (ArtifactStore.Artifact a : got) {
            assertEquals(got[0].dir(), a.dir());
        }
    }

    @Test
    void fingerprintsFollowContent(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("data/a.txt");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "hello");
        String file = ArtifactStore.fingerprint(f);
        String folder = ArtifactStore.fingerprint(dir.resolve("data"));
        Files.writeString(f, "hellp");
        assertNotEquals(file, ArtifactStore.fingerprint(f));
        assertNotEquals(folder, ArtifactStore.fingerprint(dir.resolve("data")));
        Files.writeString(f, "hello");
        assertEquals(file, ArtifactStore.fingerprint(f));
        Files.writeString(dir.resolve("data/b.txt"), "");
        assertNotEquals(folder, ArtifactStore.fingerprint(dir.resolve("data")), "a new file changes a folder");
        assertNotEquals(ArtifactStore.fingerprintInts(new int[]{1, 2}, new int[]{3}),
                ArtifactStore.fingerprintInts(new int[]{1}, new int[]{2, 3}));
        assertEquals(ArtifactStore.fingerprintInts(new int[5000]), ArtifactStore.fingerprintInts(new int[5000]));
        assertNotEquals(ArtifactStore.fingerprintTexts(List.of("ab", "c")), ArtifactStore.fingerprintTexts(List.of("a", "bc")));
    }

    private static long findDeadPid() {
        for (long pid = 4_000_000; pid > 1000; pid -= 7919) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
        throw new IllegalStateException("no free pid found");
    }
}
