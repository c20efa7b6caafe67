package org.cbtm.base;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Where a trained or computed thing came from (Tribuo's habit): what it is, the config that made it (canonical
 * JSON), fingerprints of its inputs (name to SHA-256 or count), its seed, the library version and when it was made.
 * One type for every fitted clustering, trained expert, ensemble and result row; {@link #table()} shows it in a cell.
 *
 * @param kind           what the artifact is, e.g. "c-btm k-means", "kn4 expert", "grid result"
 * @param config         the canonical JSON of the config that made it ({@link CanonicalJson}), "{}" when none
 * @param inputs         input name to fingerprint (sorted by name), e.g. "train texts" to a SHA-256
 * @param seed           the seed of the computation (0 when it has none)
 * @param libraryVersion the kernel-lib version that made it
 * @param created        when it was made (ISO-8601 instant)
 */
public record Provenance(String kind, String config, Map<String, String> inputs, long seed, String libraryVersion,
                         String created) {

    /** The input name under which {@link #ofTexts} records the SHA-256 of the texts. */
    public static final String TEXTS = "texts sha256";
    /** The input name under which {@link #ofTexts} records the number of texts. */
    public static final String TEXT_COUNT = "texts";

    public Provenance {
        Objects.requireNonNull(kind, "kind");
        config = config == null || config.isBlank() ? "{}" : config;
        inputs = java.util.Collections.unmodifiableMap(new TreeMap<>(inputs == null ? Map.of() : inputs));
        libraryVersion = libraryVersion == null ? currentLibraryVersion() : libraryVersion;
        created = created == null ? Instant.now().toString() : created;
    }

    /** Provenance of something made now from {@code config} (any record; null for none) and named inputs. */
    public static Provenance of(String kind, Object config, Map<String, String> inputs, long seed) {
        return new Provenance(kind, config == null ? "{}" : CanonicalJson.of(config), inputs, seed,
                currentLibraryVersion(), Instant.now().toString());
    }

    /** Provenance of something fitted now on {@code texts}: their SHA-256 and count are its inputs. */
    public static Provenance ofTexts(String kind, Object config, long seed, List<String> texts) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put(TEXTS, hash(texts));
        in.put(TEXT_COUNT, Integer.toString(texts.size()));
        return of(kind, config, in, seed);
    }

    /** A copy with one more input fingerprint. */
    public Provenance withInput(String name, String fingerprint) {
        Map<String, String> in = new TreeMap<>(inputs);
        in.put(name, fingerprint);
        return new Provenance(kind, config, in, seed, libraryVersion, created);
    }

    /** The fingerprint of input {@code name}, or null. */
    public String input(String name) {
        return inputs.get(name);
    }

    /**
     * SHA-256 (hex) of this provenance's canonical JSON: a name for the one thing it describes, e.g. an ensemble
     * records its experts' fingerprints as its inputs.
     */
    public String fingerprint() {
        return Checksums.sha256(CanonicalJson.of(this));
    }

    /** Whether this was fitted on exactly {@code texts} (same count and SHA-256, see {@link #ofTexts}). */
    public boolean fittedOn(List<String> texts) {
        return Integer.toString(texts.size()).equals(inputs.get(TEXT_COUNT)) && hash(texts).equals(inputs.get(TEXTS));
    }

    /** Two columns, field and value, one row per field and per input: what {@code provenance(x)} shows in a cell. */
    public Table table() {
        StringColumn field = StringColumn.create("field");
        StringColumn value = StringColumn.create("value");
        field.append("kind");
        value.append(kind);
        field.append("config");
        value.append(config);
        inputs.forEach((k, v) -> {
            field.append("input: " + k);
            value.append(v);
        });
        field.append("seed");
        value.append(Long.toString(seed));
        field.append("library version");
        value.append(libraryVersion);
        field.append("created");
        value.append(created);
        return Table.create("provenance: " + kind, field, value);
    }

    /** SHA-256 over the texts (length-prefixed UTF-8), hex. */
    public static String hash(List<String> texts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] len = new byte[4];
            for (String t : texts) {
                byte[] b = t.getBytes(StandardCharsets.UTF_8);
                len[0] = (byte) (b.length >>> 24);
                len[1] = (byte) (b.length >>> 16);
                len[2] = (byte) (b.length >>> 8);
                len[3] = (byte) b.length;
                md.update(len);
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kernel-lib version from the jar's Maven metadata, or "dev" when run from classes. */
    public static String currentLibraryVersion() {
        try (var in = Provenance.class.getResourceAsStream("/META-INF/maven/org.cbtm/kernel-lib/pom.properties")) {
            if (in != null) {
                var p = new java.util.Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (java.io.IOException ignored) {
            // fall through
        }
        return "dev";
    }
}
