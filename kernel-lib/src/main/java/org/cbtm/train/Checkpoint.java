package org.cbtm.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.cbtm.base.AtomicFiles;
import org.cbtm.lm.gpt.Devices;
import org.cbtm.lm.gpt.GptLM;
import org.cbtm.lm.gpt.GptWeights;

/**
 * Everything needed to continue, branch or evaluate a run: its {@link CheckpointInfo} (configs, step, data
 * position, RNG seed, provenance), the parameters and the optimiser's moments (null for a checkpoint made by
 * parameter averaging). One file, written atomically: a reader sees the previous file or the complete new one,
 * never half of it.
 *
 * <p>Layout: magic, version, the JSON header, the parameters (name, count, little-endian float32 values, in
 * the model's order), an optimiser flag with its update count and moments, and the magic again (a truncated
 * file fails to load with a clear message instead of yielding zeros).
 */
public record Checkpoint(CheckpointInfo info, GptWeights weights, AdamState optimizer) {

    public static final String FORMAT = "cbtm-gpt-checkpoint-v1";
    private static final long MAGIC = 0x4342544D434B5054L; // "CBTMCKPT"
    private static final int VERSION = 1;
    private static final int CHUNK = 1 << 18;
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public Checkpoint {
        if (info == null || weights == null) {
            throw new IllegalArgumentException("a checkpoint needs its header and weights");
        }
        if (!info.model().equals(weights.config())) {
            throw new IllegalArgumentException("header says " + info.model() + " but the weights are " + weights.config());
        }
    }

    /** Writes the checkpoint atomically to {@code file} (parent folders created). */
    public Path write(Path file) {
        return AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            byte[] header = JSON.writeValueAsBytes(info);
            out.writeInt(header.length);
            out.write(header);
            writeTensors(out, weights.tensors());
            out.writeBoolean(optimizer != null);
            if (optimizer != null) {
                out.writeLong(optimizer.updates());
                writeTensors(out, optimizer.first());
                writeTensors(out, optimizer.second());
            }
            out.writeLong(MAGIC);
            out.flush();
        });
    }

    /** Reads a whole checkpoint. */
    public static Checkpoint read(Path file) {
        try (DataInputStream in = open(file)) {
            CheckpointInfo info = readHeader(in, file);
            GptWeights weights = new GptWeights(info.model(), readTensors(in));
            AdamState optimizer = null;
            if (in.readBoolean()) {
                long updates = in.readLong();
                optimizer = new AdamState(updates, readTensors(in), readTensors(in));
            }
            if (in.readLong() != MAGIC) {
                throw new IllegalArgumentException(file + " is corrupt (bad end marker)");
            }
            return new Checkpoint(info, weights, optimizer);
        } catch (java.io.EOFException e) {
            throw new IllegalArgumentException(file + " is truncated: not a complete checkpoint", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a checkpoint's weights as a language model on the best device (GPU when present), with the
     * checkpoint's {@link CheckpointInfo#provenance() provenance}.
     */
    public static GptLM loadModel(Path file) {
        Checkpoint c = read(file);
        return GptLM.of(c.weights(), Devices.best(), c.info().provenance());
    }

    /** Reads only the JSON header (fast: no tensors). */
    public static CheckpointInfo readInfo(Path file) {
        try (DataInputStream in = open(file)) {
            return readHeader(in, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The parameter average {@code theta = sum_j w_j theta_j} of same-architecture checkpoints (BTM, methods 2),
     * without optimiser state. Its lineage counts the first checkpoint's ancestors once plus every checkpoint's
     * own tokens (the experts of one seed).
     */
    public static Checkpoint average(List<Checkpoint> checkpoints, double[] w, String description) {
        GptWeights avg = GptWeights.average(checkpoints.stream().map(Checkpoint::weights).toList(), w);
        CheckpointInfo first = checkpoints.get(0).info();
        long lineage = first.lineageTokens() - first.tokensSeen();
        for (Checkpoint c : checkpoints) {
            lineage += c.info().tokensSeen();
        }
        return derived(avg, first, lineage, description + " with weights " + Arrays.toString(w));
    }

    /**
     * A model made from trained ones rather than by training (a parameter average, a sparse-upcycled MoE, a
     * Branch-Train-MiX merge), without optimiser state: a run branched from it starts with fresh moments.
     *
     * @param weights        the model
     * @param parent         the header of the main ingredient (its lineage travels along), or null
     * @param lineageTokens  tokens its ingredients were trained on, together
     * @param description    how it was made, recorded where a trained checkpoint records its parent's path
     */
    public static Checkpoint derived(GptWeights weights, CheckpointInfo parent, long lineageTokens, String description) {
        CheckpointInfo info = new CheckpointInfo(FORMAT, weights.config(), null, 0, true, 0, 0, 0, lineageTokens, null,
                null, Double.NaN, 0, null, description, parent, java.time.Instant.now().toString(),
                org.cbtm.base.Provenance.currentLibraryVersion());
        return new Checkpoint(info, weights, null);
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no checkpoint at " + file);
        }
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    private static CheckpointInfo readHeader(DataInputStream in, Path file) throws IOException {
        if (in.readLong() != MAGIC) {
            throw new IllegalArgumentException(file + " is not a GPT checkpoint (bad magic)");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IllegalArgumentException(file + " has checkpoint version " + version + ", this code reads " + VERSION);
        }
        byte[] header = new byte[in.readInt()];
        in.readFully(header);
        try {
            return JSON.readValue(header, CheckpointInfo.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " has an unreadable header: "
                    + new String(header, 0, Math.min(200, header.length), StandardCharsets.UTF_8), e);
        }
    }

    private static void writeTensors(DataOutputStream out, Map<String, float[]> tensors) throws IOException {
        out.writeInt(tensors.size());
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            float[] values = e.getValue();
            out.writeUTF(e.getKey());
            out.writeInt(values.length);
            for (int off = 0; off < values.length; off += CHUNK) {
                int n = Math.min(CHUNK, values.length - off);
                buf.clear();
                buf.asFloatBuffer().put(values, off, n);
                out.write(buf.array(), 0, n * 4);
            }
        }
    }

    private static Map<String, float[]> readTensors(DataInputStream in) throws IOException {
        int count = in.readInt();
        Map<String, float[]> tensors = new LinkedHashMap<>();
        byte[] bytes = new byte[CHUNK * 4];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int t = 0; t < count; t++) {
            String name = in.readUTF();
            float[] values = new float[in.readInt()];
            for (int off = 0; off < values.length; off += CHUNK) {
                int n = Math.min(CHUNK, values.length - off);
                in.readFully(bytes, 0, n * 4);
                buf.clear();
                buf.asFloatBuffer().get(values, off, n);
            }
            tensors.put(name, values);
        }
        return tensors;
    }
}
