package org.cbtm.text.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.GptBytePairEncodingParams;
import com.knuddels.jtokkit.api.IntArrayList;
import org.cbtm.base.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The project's LM tokenizer: GPT-2 byte-level BPE (JTokkit {@code r50k_base}, the OPT tokenizer family) with the
 * vocabulary compacted to the GPT-2 tokens the training split uses, plus byte fallback.
 *
 * <p>Ids: {@code 0} is the end-of-document token {@code <|endoftext|>} (never produced by {@link #encode}; the LM
 * code puts it between documents), {@code 1..256} are the raw bytes {@code 0x00..0xFF}, and {@code 257..} are the
 * kept GPT-2 tokens, most frequent first. A GPT-2 token that is not kept is written as its UTF-8 bytes.
 *
 * <p><b>Lossless:</b> for every string without unpaired surrogates, {@code decode(encode(x)).equals(x)}. An
 * unpaired (lone) surrogate is not Unicode text and has no UTF-8 form: it is encoded as U+FFFD (the replacement
 * character), so {@code decode(encode(x)).equals(Tokenizer.sanitize(x))} for every Java string. Decoding an
 * arbitrary id sequence that does not form valid UTF-8 (e.g. a model sample that stops inside a character)
 * yields U+FFFD for the broken bytes.
 *
 * <p><b>Small vocabularies.</b> {@link #truncated(int)} (and {@link TokenizerConfig#baseRanks()}) keeps only the
 * first R ranks of {@code r50k_base}: the 256 byte tokens and the first R - 256 merges, which is again a valid BPE
 * (every kept token is a merge of two tokens of lower rank), so text is cut into the longest pieces those merges
 * make instead of falling back to bytes wherever a frequent token is missing. With R of 4k-8k the output layer of a
 * small model shrinks by 6-12x against the corpus tokenizer's 47,815 ids.
 *
 * <p>Deterministic and offline (the GPT-2 ranks ship inside the JTokkit jar). Thread-safe. Saved as JSON with a
 * sha256 of its content ({@link #sha256()}), which experiments record to show that compared models share it.
 */
public final class Tokenizer {

    public static final String FORMAT = "cbtm-tokenizer-v1";
    public static final String BASE = "r50k_base";
    public static final String EOD_STRING = "<|endoftext|>";
    /** The end-of-document id. */
    public static final int EOD = 0;
    /** The id of byte 0x00; byte b has id {@code BYTE_OFFSET + b}. */
    public static final int BYTE_OFFSET = 1;
    public static final int FIRST_BASE_ID = BYTE_OFFSET + 256;

    /** The ordinary tokens of {@code r50k_base} (id 50256 is its special {@code <|endoftext|>}). */
    public static final int R50K_RANKS = 50256;
    /** GPT-2's pre-tokenisation regex, as JTokkit compiles it for {@code r50k_base}. */
    private static final Pattern R50K_PATTERN = Pattern.compile(
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile byte[][] r50kBytes;
    private static final Map<Integer, Base> BASES = new ConcurrentHashMap<>();

    private final int baseRanks;     // r50k ranks the BPE may use (R50K_RANKS: all)
    private final Base base;
    private final int[] baseIds;     // compact id - FIRST_BASE_ID -> r50k id
    private final int[] toCompact;   // r50k id -> compact id, or -1
    private final byte[][] idBytes;  // compact id -> bytes (null for EOD)
    private final String sha256;

    /** The shared GPT-2 encoding and the bytes of each of its tokens. */
    private record Base(Encoding encoding, byte[][] bytes) {
    }

    private Tokenizer(int[] baseIds) {
        this(baseIds, R50K_RANKS);
    }

    private Tokenizer(int[] baseIds, int baseRanks) {
        Base b = base(baseRanks);
        this.baseRanks = baseRanks;
        this.base = b;
        this.baseIds = baseIds.clone();
        this.toCompact = new int[b.bytes().length];
        Arrays.fill(toCompact, -1);
        this.idBytes = new byte[FIRST_BASE_ID + baseIds.length][];
        for (int i = 0; i < 256; i++) {
            idBytes[BYTE_OFFSET + i] = new byte[]{(byte) i};
        }
        for (int i = 0; i < baseIds.length; i++) {
            int r = baseIds[i];
            if (r < 0 || r >= baseRanks || toCompact[r] != -1) {
                throw new IllegalArgumentException("Invalid or repeated GPT-2 token id " + r + " in the vocabulary"
                        + (baseRanks < R50K_RANKS ? " (this BPE keeps ranks below " + baseRanks + ")" : ""));
            }
            toCompact[r] = FIRST_BASE_ID + i;
            idBytes[FIRST_BASE_ID + i] = b.bytes()[r];
        }
        this.sha256 = digest(baseIds, baseRanks);
    }

    /** A tokenizer that keeps the given GPT-2 token ids, in this order. */
    public static Tokenizer ofBaseIds(int[] r50kIds) {
        return new Tokenizer(r50kIds);
    }

    /** The full GPT-2 vocabulary in id order (no compaction), still with byte fallback and the EOD id 0. */
    public static Tokenizer fullGpt2() {
        return truncated(R50K_RANKS);
    }

    /**
     * The BPE of {@code r50k_base}'s first {@code ranks} ranks (256 bytes and {@code ranks - 256} merges), every one
     * of them kept, in rank order: {@code ranks + 1} ids with the end-of-document id (the single-byte ranks are the
     * byte ids). {@code truncated(R50K_RANKS)} is {@link #fullGpt2()}, which keeps the single-byte ranks as ids of
     * their own as it always did.
     */
    public static Tokenizer truncated(int ranks) {
        checkRanks(ranks);
        if (ranks == R50K_RANKS) {
            int[] ids = new int[ranks];
            for (int i = 0; i < ranks; i++) {
                ids[i] = i;
            }
            return new Tokenizer(ids);
        }
        byte[][] bytes = r50kBytes();
        return new Tokenizer(java.util.stream.IntStream.range(0, ranks).filter(r -> bytes[r].length > 1).toArray(), ranks);
    }

    private static void checkRanks(int ranks) {
        if (ranks < 256 || ranks > R50K_RANKS) {
            throw new IllegalArgumentException("baseRanks must be in [256, " + R50K_RANKS + "] (256 keeps bytes only, "
                    + R50K_RANKS + " is all of r50k_base), got " + ranks);
        }
    }

    /** Fits the vocabulary to {@code texts} (the training split). */
    public static Tokenizer train(Iterable<String> texts, TokenizerConfig config) {
        int ranks = config.baseRanks() == 0 ? R50K_RANKS : config.baseRanks();
        Encoding enc = base(ranks).encoding();
        long[] counts = new long[ranks];
        for (String t : texts) {
            IntArrayList ids = enc.encodeOrdinary(sanitize(t));
            for (int i = 0, n = ids.size(); i < n; i++) {
                counts[ids.get(i)]++;
            }
        }
        Integer[] order = new Integer[counts.length];
        int kept = 0;
        byte[][] bytes = r50kBytes();
        for (int i = 0; i < counts.length; i++) {
            // a small vocabulary spends no ids on single bytes twice (the byte ids spell them); the full corpus
            // tokenizer keeps them, as its recorded sha256 says
            if (counts[i] >= config.minCount() && (ranks == R50K_RANKS || bytes[i].length > 1)) {
                order[kept++] = i;
            }
        }
        Integer[] used = Arrays.copyOf(order, kept);
        Arrays.sort(used, (a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : Integer.compare(a, b));
        int cap = config.maxVocab() == 0 ? used.length : Math.min(used.length, config.maxVocab() - FIRST_BASE_ID);
        int[] ids = new int[cap];
        for (int i = 0; i < cap; i++) {
            ids[i] = used[i];
        }
        return new Tokenizer(ids, ranks);
    }

    /** The token ids of {@code text} (no EOD added). */
    public int[] encode(String text) {
        IntArrayList r = base.encoding().encodeOrdinary(sanitize(text));
        int n = r.size();
        int[] out = new int[n + 8];
        int k = 0;
        for (int i = 0; i < n; i++) {
            int rid = r.get(i);
            int c = toCompact[rid];
            if (c >= 0) {
                if (k == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                out[k++] = c;
            } else {
                byte[] bs = base.bytes()[rid];
                if (k + bs.length > out.length) {
                    out = Arrays.copyOf(out, Math.max(out.length * 2, k + bs.length));
                }
                for (byte x : bs) {
                    out[k++] = BYTE_OFFSET + (x & 0xff);
                }
            }
        }
        return k == out.length ? out : Arrays.copyOf(out, k);
    }

    /** How many ids {@link #encode} returns for {@code text}. */
    public int count(String text) {
        IntArrayList r = base.encoding().encodeOrdinary(sanitize(text));
        int k = 0;
        for (int i = 0, n = r.size(); i < n; i++) {
            int rid = r.get(i);
            k += toCompact[rid] >= 0 ? 1 : base.bytes()[rid].length;
        }
        return k;
    }

    /** The text of these ids; the EOD id decodes to nothing. */
    public String decode(int[] ids) {
        int len = 0;
        for (int id : ids) {
            len += bytesOf(id).length;
        }
        byte[] buf = new byte[len];
        int k = 0;
        for (int id : ids) {
            byte[] bs = bytesOf(id);
            System.arraycopy(bs, 0, buf, k, bs.length);
            k += bs.length;
        }
        return new String(buf, StandardCharsets.UTF_8);
    }

    /** A readable form of one token: {@code <|endoftext|>}, {@code <0xE2>} for a byte token, else its text. */
    public String tokenString(int id) {
        if (id == EOD) {
            return EOD_STRING;
        }
        if (id < FIRST_BASE_ID) {
            checkId(id);
            return String.format("<0x%02X>", id - BYTE_OFFSET);
        }
        return new String(bytesOf(id), StandardCharsets.UTF_8);
    }

    /**
     * The UTF-8 bytes token {@code id} stands for (a copy; empty for EOD). A byte-fallback or GPT-2 token can hold
     * part of a character: concatenating the bytes of a sequence and decoding them gives {@link #decode(int[])}.
     */
    public byte[] tokenBytes(int id) {
        return bytesOf(id).clone();
    }

    private byte[] bytesOf(int id) {
        checkId(id);
        return id == EOD ? new byte[0] : idBytes[id];
    }

    private void checkId(int id) {
        if (id < 0 || id >= idBytes.length) {
            throw new IllegalArgumentException("Token id " + id + " is outside this tokenizer's vocabulary [0, "
                    + idBytes.length + ")");
        }
    }

    public int vocabSize() {
        return idBytes.length;
    }

    public int eod() {
        return EOD;
    }

    /** The GPT-2 ids this tokenizer keeps, in compact order. */
    public int[] baseIds() {
        return baseIds.clone();
    }

    /** How many r50k_base ranks the BPE uses: {@link #R50K_RANKS} (all) unless the tokenizer is a truncated one. */
    public int baseRanks() {
        return baseRanks;
    }

    /** The sha256 of the vocabulary (format, base encoding and kept ids): two tokenizers agree iff it matches. */
    public String sha256() {
        return sha256;
    }

    /** Replaces every unpaired surrogate by U+FFFD; returns {@code s} itself when it has none. */
    public static String sanitize(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i += 2;
                    continue;
                }
                break;
            }
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder b = new StringBuilder(n).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(i + 1));
                i += 2;
            } else {
                b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
                i++;
            }
        }
        return b.toString();
    }

    /** Saves as JSON, atomically. */
    public Path save(Path file) {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("base", BASE);
        o.put("eod", EOD_STRING);
        o.put("eod_id", EOD);
        o.put("byte_offset", BYTE_OFFSET);
        o.put("vocab_size", vocabSize());
        if (baseRanks < R50K_RANKS) {
            o.put("base_ranks", baseRanks);
        }
        o.put("sha256", sha256);
        ArrayNode a = o.putArray("base_ids");
        for (int id : baseIds) {
            a.add(id);
        }
        return AtomicFiles.write(file, out -> out.write(JSON.writeValueAsBytes(o)));
    }

    /** Loads a saved tokenizer and checks its sha256. */
    public static Tokenizer load(Path file) {
        JsonNode o;
        try {
            o = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read tokenizer " + file + ": " + e.getMessage(), e);
        }
        if (o == null || !FORMAT.equals(o.path("format").asText()) || !BASE.equals(o.path("base").asText())) {
            throw new IllegalArgumentException(file + " is not a " + FORMAT + " tokenizer file on " + BASE);
        }
        JsonNode a = o.path("base_ids");
        int[] ids = new int[a.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = a.get(i).asInt();
        }
        int ranks = o.path("base_ranks").asInt(R50K_RANKS);
        checkRanks(ranks);
        Tokenizer t = new Tokenizer(ids, ranks);
        if (!t.sha256.equals(o.path("sha256").asText())) {
            throw new IllegalArgumentException("Tokenizer " + file + " is corrupt: its content does not match the "
                    + "sha256 it records. Rebuild it (datasets/build) or restore the experiment's copy.");
        }
        return t;
    }

    private static String digest(int[] ids, int baseRanks) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            // the full BPE hashes as before truncation existed, so corpus manifests keep their sha256
            String head = FORMAT + "\n" + BASE + (baseRanks < R50K_RANKS ? "@" + baseRanks : "") + "\n";
            md.update(head.getBytes(StandardCharsets.UTF_8));
            byte[] b = new byte[4];
            for (int id : ids) {
                b[0] = (byte) (id >>> 24);
                b[1] = (byte) (id >>> 16);
                b[2] = (byte) (id >>> 8);
                b[3] = (byte) id;
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The BPE over the first {@code ranks} ranks of r50k_base, and the bytes of every r50k token. */
    private static Base base(int ranks) {
        return BASES.computeIfAbsent(ranks, r -> {
            byte[][] bytes = r50kBytes();
            if (r == R50K_RANKS) {
                return new Base(Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE), bytes);
            }
            Map<byte[], Integer> ranksOf = new HashMap<>();
            for (int i = 0; i < r; i++) {
                ranksOf.put(bytes[i], i);
            }
            GptBytePairEncodingParams params = new GptBytePairEncodingParams(BASE + "@" + r, R50K_PATTERN, ranksOf,
                    Map.of(EOD_STRING, R50K_RANKS));
            Encoding enc = Encodings.newLazyEncodingRegistry().registerGptBytePairEncoding(params)
                    .getEncoding(BASE + "@" + r).orElseThrow();
            return new Base(enc, bytes);
        });
    }

    private static byte[][] r50kBytes() {
        byte[][] b = r50kBytes;
        if (b == null) {
            synchronized (Tokenizer.class) {
                b = r50kBytes;
                if (b == null) {
                    Encoding enc = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
                    b = new byte[R50K_RANKS][];
                    IntArrayList one = new IntArrayList(1);
                    for (int i = 0; i < R50K_RANKS; i++) {
                        one.clear();
                        one.add(i);
                        b[i] = enc.decodeBytes(one);
                    }
                    r50kBytes = b;
                }
            }
        }
        return b;
    }
}
