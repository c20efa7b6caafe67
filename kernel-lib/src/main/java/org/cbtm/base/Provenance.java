package org.cbtm.base;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Where a fitted artifact came from: what it is, its seed, a SHA-256 over its input texts (each text's UTF-8
 * bytes preceded by its length), how many inputs, the library version and when it was made.
 */
public record Provenance(String kind, long seed, String inputSha256, int inputDocuments, String libraryVersion,
                         String created) {

    /** Provenance of an artifact fitted now on {@code texts}. */
    public static Provenance of(String kind, long seed, List<String> texts) {
        return new Provenance(kind, seed, hash(texts), texts.size(), currentLibraryVersion(), Instant.now().toString());
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
