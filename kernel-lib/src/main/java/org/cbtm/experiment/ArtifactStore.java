package org.cbtm.experiment;

import org.cbtm.base.AtomicFiles;
import org.cbtm.base.ProjectPaths;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.cbtm.base.CanonicalJson;
import org.cbtm.base.Provenance;

/**
 * A cache of computed artifacts (fitted clusterings, trained experts, evaluation results), so that re-running a
 * notebook reuses what exists for the same config and data, and a run that crashed resumes where it stopped.
 *
 * <p>An artifact is a folder {@code root/<kind>/<key>/} holding whatever files the computation wrote plus
 * {@code artifact.json} (the sidecar: config, inputs, library version, creation time, compute time, metrics, file
 * list). The key is the SHA-256 of the canonical JSON (Jackson, keys sorted) of the kind, the config record and the
 * named input fingerprints: any change of config or data gives a new key. The library version is recorded, not
 * keyed.
 *
 * <p>Atomic: the computation writes into a hidden staging folder of this process; its files are forced to disk,
 * the sidecar is written last, and the folder is renamed into place in one step. A crash at any point leaves only a
 * staging folder, which lookups ignore and {@link #cleanStaging()} removes once its process is gone. Two processes
 * computing the same key both compute; the first rename wins and the other's result is dropped.
 *
 * <pre>{@code
 * ArtifactStore store = ArtifactStore.standard();
 * Artifact a = store.getOrCompute("kn-expert", config, Map.of("shard", ArtifactStore.fingerprint(shardFile)),
 *         dir -> { model.save(dir.resolve("model.bin")); return Map.of("tokens", n); });
 * Path model = a.file("model.bin");
 * }</pre>
 */
public final class ArtifactStore {
    public static final String FORMAT = "cbtm-artifact/1";
    public static final String SIDECAR = "artifact.json";
    private static final String STAGING_PREFIX = ".staging-";
    private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, true);

    /** Writes an artifact's files into {@code dir} (empty, private to this call); returns metrics for the sidecar. */
    @FunctionalInterface
    public interface Computation {
        Map<String, ?> compute(Path dir) throws Exception;
    }

    /**
     * A stored artifact: its folder and sidecar. {@code reused} tells whether this call found it (true) or
     * computed it (false).
     */
    public record Artifact(String kind, String key, Path dir, JsonNode sidecar, boolean reused) {
        /** A file of the artifact. */
        public Path file(String name) {
            return dir.resolve(name);
        }

        /** The metrics the computation returned. */
        public JsonNode metrics() {
            return sidecar.path("metrics");
        }

        public String created() {
            return sidecar.path("created").asText();
        }

        public double computeSeconds() {
            return sidecar.path("computeSeconds").asDouble(Double.NaN);
        }
    }

    private final Path root;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public ArtifactStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The project's store, {@code build/artifacts} (git-ignored), or {@code $CBTM_ARTIFACTS} when set. */
    public static ArtifactStore standard() {
        String dir = System.getenv("CBTM_ARTIFACTS");   // another store, e.g. a scratch one for a test run
        return new ArtifactStore(dir != null && !dir.isBlank() ? Path.of(dir)
                : ProjectPaths.build().resolve("artifacts"));
    }

    public Path root() {
        return root;
    }

    // ------------------------------------------------------------------ keys

    /** The config as canonical JSON: Jackson's view of the record (or map, list, ...), object keys sorted, compact. */
    public static String canonicalJson(Object config) {
        return canonicalTree(config).toString();
    }

    private static JsonNode canonicalTree(Object config) {
        return CanonicalJson.tree(config);
    }

    /** The key of an artifact: SHA-256 (hex) of the canonical JSON of kind, config and inputs. */
    public static String key(String kind, Object config, Map<String, String> inputs) {
        checkKind(kind);
        ObjectNode k = JsonNodeFactory.instance.objectNode();
        k.put("format", FORMAT);
        k.put("kind", kind);
        k.set("config", canonicalTree(config));
        ObjectNode in = k.putObject("inputs");
        new TreeMap<>(inputs).forEach(in::put);
        return sha256(k.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void checkKind(String kind) {
        if (kind == null || !KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("artifact kind '" + kind + "' must be lowercase letters, digits, "
                    + "'.', '_' or '-' (it names a folder)");
        }
    }

    // ------------------------------------------------------------------ fingerprints of inputs

    /** SHA-256 of a file's bytes, or of a folder's files (relative paths and contents, in path order). */
    public static String fingerprint(Path fileOrFolder) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (Files.isDirectory(fileOrFolder)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(fileOrFolder)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : files) {
                    md.update(fileOrFolder.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                    digestFile(md, f);
                }
            } else {
                digestFile(md, fileOrFolder);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fingerprint " + fileOrFolder + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void digestFile(MessageDigest md, Path f) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        md.update((byte) 0);
    }

    /** SHA-256 of texts (length-prefixed UTF-8), the same as {@link Provenance#hash}. */
    public static String fingerprintTexts(List<String> texts) {
        return Provenance.hash(texts);
    }

    /** SHA-256 of int arrays (token ids, assignments), each length-prefixed. */
    public static String fingerprintInts(int[]... arrays) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 14);
            for (int[] a : arrays) {
                b.putInt(a.length);
                for (int x : a) {
                    if (b.remaining() < 4) {
                        md.update(b.array(), 0, b.position());
                        b.clear();
                    }
                    b.putInt(x);
                }
                if (b.remaining() < 4) {
                    md.update(b.array(), 0, b.position());
                    b.clear();
                }
            }
            md.update(b.array(), 0, b.position());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ lookup and compute

    /** The folder an artifact has (or would have). */
    public Path folder(String kind, String key) {
        checkKind(kind);
        return root.resolve(kind).resolve(key);
    }

    /** The stored artifact for this config and inputs, if complete. */
    public Optional<Artifact> find(String kind, Object config, Map<String, String> inputs) {
        String key = key(kind, config, inputs);
        return read(kind, key, true);
    }

    private Optional<Artifact> read(String kind, String key, boolean reused) {
        Path dir = folder(kind, key);
        Path side = dir.resolve(SIDECAR);
        if (!Files.isRegularFile(side)) {
            return Optional.empty();
        }
        try {
            JsonNode s = JSON.readTree(side.toFile());
            if (!FORMAT.equals(s.path("format").asText()) || !key.equals(s.path("key").asText())) {
                return Optional.empty();
            }
            return Optional.of(new Artifact(kind, key, dir, s, reused));
        } catch (IOException e) {
            return Optional.empty(); // unreadable sidecar: treated as absent and recomputed
        }
    }

    /**
     * The artifact for {@code kind}, {@code config} and {@code inputs} (name to fingerprint): the stored one when it
     * exists, else the result of {@code computation}, stored atomically. A computation that throws leaves nothing
     * (the exception is rethrown, unchecked ones as they are).
     */
    public Artifact getOrCompute(String kind, Object config, Map<String, String> inputs, Computation computation) {
        Objects.requireNonNull(computation, "computation");
        String key = key(kind, config, inputs);
        synchronized (locks.computeIfAbsent(kind + "/" + key, x -> new Object())) {
            Optional<Artifact> existing = read(kind, key, true);
            if (existing.isPresent()) {
                return existing.get();
            }
            Path dir = folder(kind, key);
            cleanStaging(dir.getParent());
            try {
                if (Files.exists(dir)) {
                    staleNotice(dir).ifPresent(System.err::println);
                    deleteTree(dir); // a folder without a valid sidecar is not an artifact (edited by hand)
                }
                Files.createDirectories(dir.getParent());
                Path staging = Files.createTempDirectory(dir.getParent(),
                        STAGING_PREFIX + ProcessHandle.current().pid() + "-" + key.substring(0, 12) + "-");
                try {
                    long start = System.nanoTime();
                    Map<String, ?> metrics = computation.compute(staging);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    ObjectNode side = sidecar(kind, key, config, inputs, metrics, seconds, staging);
                    forceFiles(staging);
                    AtomicFiles.write(staging.resolve(SIDECAR), out -> JSON.writerWithDefaultPrettyPrinter()
                            .writeValue(out, side));
                    try {
                        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        throw new IOException("the artifact store at " + root + " needs a file system with atomic "
                                + "renames", e);
                    } catch (FileSystemException raced) {
                        // another process stored the same artifact first: keep theirs. rename(2) onto a non-empty
                        // folder fails with ENOTEMPTY, which the JDK reports as a plain FileSystemException
                        Optional<Artifact> theirs = read(kind, key, true);
                        if (theirs.isPresent()) {
                            return theirs.get();
                        }
                        throw raced;
                    }
                    return read(kind, key, false).orElseThrow(() ->
                            new IOException("artifact " + dir + " was stored but cannot be read back"));
                } finally {
                    if (Files.exists(staging)) {
                        deleteTree(staging);
                    }
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException("artifact " + kind + "/" + key + ": " + e.getMessage(), e);
            } catch (Exception e) {
                throw new IllegalStateException("computing artifact " + kind + "/" + key + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * What to tell the user when an artifact folder is there but cannot be reused: written in another format (by an
     * older library version) or with an unreadable sidecar. Empty for a folder without any sidecar.
     */
    static Optional<String> staleNotice(Path dir) {
        Path side = dir.resolve(SIDECAR);
        if (!Files.isRegularFile(side)) {
            return Optional.empty();
        }
        try {
            JsonNode s = JSON.readTree(side.toFile());
            String format = s.path("format").asText("?");
            if (FORMAT.equals(format)) {
                return Optional.empty();
            }
            return Optional.of("Artifact cache: " + dir + " was written in format " + format + " by library version "
                    + s.path("libraryVersion").asText("unknown") + "; this library (" + Provenance.currentLibraryVersion()
                    + ") reads " + FORMAT + ", so it is recomputed and replaced. Nothing to do, unless you want to "
                    + "keep the old result: then copy the folder away first or use the old library version.");
        } catch (IOException e) {
            return Optional.of("Artifact cache: " + side + " is unreadable (" + e.getMessage() + "), so " + dir
                    + " is recomputed and replaced.");
        }
    }

    private static ObjectNode sidecar(String kind, String key, Object config, Map<String, String> inputs,
                                      Map<String, ?> metrics, double seconds, Path staging) throws IOException {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("format", FORMAT);
        s.put("kind", kind);
        s.put("key", key);
        s.put("configClass", config == null ? "null" : config.getClass().getName());
        s.set("config", canonicalTree(config));
        ObjectNode in = s.putObject("inputs");
        new TreeMap<>(inputs).forEach(in::put);
        s.put("libraryVersion", Provenance.currentLibraryVersion());
        s.put("created", Instant.now().toString());
        s.put("computeSeconds", seconds);
        s.set("metrics", metrics == null ? JsonNodeFactory.instance.objectNode() : CanonicalJson.tree(metrics));
        ArrayNode files = s.putArray("files");
        try (Stream<Path> walk = Files.walk(staging)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                ObjectNode o = files.addObject();
                o.put("path", staging.relativize(f).toString().replace('\\', '/'));
                o.put("bytes", Files.size(f));
            }
        }
        return s;
    }

    /** Forces every file of the staging folder to disk before the rename makes the artifact visible. */
    private static void forceFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
            }
        }
    }

    /** Every stored artifact of {@code kind}, oldest first. */
    public List<Artifact> list(String kind) {
        checkKind(kind);
        Path dir = root.resolve(kind);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Artifact> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".")) {
                    read(kind, name, true).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparing(Artifact::created));
        return out;
    }

    /** Deletes one stored artifact; returns whether it existed. */
    public boolean delete(String kind, String key) {
        Path dir = folder(kind, key);
        if (!Files.exists(dir)) {
            return false;
        }
        try {
            deleteTree(dir);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the staging folders left by processes that are no longer running (crashed computations). */
    public int cleanStaging() {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int n = 0;
        try (Stream<Path> kinds = Files.list(root)) {
            for (Path k : kinds.filter(Files::isDirectory).toList()) {
                n += cleanStaging(k);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    private static int cleanStaging(Path kindDir) {
        if (!Files.isDirectory(kindDir)) {
            return 0;
        }
        int n = 0;
        try (Stream<Path> s = Files.list(kindDir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(STAGING_PREFIX)) {
                    continue;
                }
                long pid = parsePid(name.substring(STAGING_PREFIX.length()));
                boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    deleteTree(p);
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    private static long parsePid(String rest) {
        int dash = rest.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
