package org.cbtm.lm.ngram;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cbtm.base.AtomicFiles;

/**
 * The binary file of a {@link KneserNeyLM}, written atomically. Layout (big-endian): magic "CBKN", format version,
 * training record (order, vocabulary, budget, tokens used, token SHA-256, library version), the discounts of every order,
 * the unigram probabilities and back-off weights, then per order >= 2 and per partition: capacity, size, a bitmap of
 * the occupied slots and the (key, value) pairs of those slots in slot order, and a closing magic. Slots are kept
 * where they were, because keys refer to the slots of the order below, so a loaded model scores bit for bit like the
 * saved one.
 */
final class ModelFile {

    private static final int MAGIC = 0x43424B4E; // "CBKN"
    private static final int END = 0x454E4421;   // "END!"

    private ModelFile() {
    }

    static Path write(Path file, KneserNeyLM model) {
        return AtomicFiles.write(file, raw -> {
            Out out = new Out(raw);
            KneserNeyLM.TrainingRecord p = model.training();
            out.data.writeInt(MAGIC);
            out.data.writeInt(KneserNeyLM.FORMAT_VERSION);
            out.data.writeInt(p.config().order());
            out.data.writeInt(p.vocabSize());
            out.data.writeLong(p.tokenBudget());
            out.data.writeLong(p.tokensUsed());
            out.data.writeUTF(p.tokensSha256());
            out.data.writeInt(p.formatVersion());
            out.data.writeUTF(p.libraryVersion());
            Discounts[] disc = model.discountsArray();
            for (int k = 1; k <= p.config().order(); k++) {
                out.data.writeDouble(disc[k].d1());
                out.data.writeDouble(disc[k].d2());
                out.data.writeDouble(disc[k].d3());
                out.data.writeBoolean(disc[k].estimated());
            }
            for (double v : model.unigram()) {
                out.putLong(Double.doubleToRawLongBits(v));
            }
            for (float g : model.unigramGamma()) {
                out.putLong(Float.floatToRawIntBits(g));
            }
            GramTable[] tables = model.tables();
            for (int k = 2; k <= p.config().order(); k++) {
                for (int part = 0; part < GramTable.PARTITIONS; part++) {
                    long[] t = tables[k].slots[part];
                    int cap = t.length >>> 1;
                    out.putLong(cap);
                    out.putLong(tables[k].sizes[part]);
                    long word = 0;
                    for (int i = 0; i < cap; i++) {
                        if (t[i << 1] != GramTable.EMPTY) {
                            word |= 1L << (i & 63);
                        }
                        if ((i & 63) == 63 || i == cap - 1) {
                            out.putLong(word);
                            word = 0;
                        }
                    }
                    for (int i = 0; i < t.length; i += 2) {
                        if (t[i] != GramTable.EMPTY) {
                            out.putLong(t[i]);
                            out.putLong(t[i + 1]);
                        }
                    }
                }
            }
            out.putLong(END);
            out.flush();
        });
    }

    static KneserNeyLM read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            In in = new In(raw);
            if (in.data.readInt() != MAGIC) {
                throw new IllegalArgumentException(file + " is not a Kneser-Ney model file (bad magic)");
            }
            int version = in.data.readInt();
            if (version != KneserNeyLM.FORMAT_VERSION) {
                throw new IllegalArgumentException(file + " has model format version " + version + "; this library reads version "
                        + KneserNeyLM.FORMAT_VERSION + ": retrain the model");
            }
            int order = in.data.readInt();
            int vocab = in.data.readInt();
            long budget = in.data.readLong();
            long used = in.data.readLong();
            String sha = in.data.readUTF();
            int trainedFormat = in.data.readInt();
            String library = in.data.readUTF();
            NgramConfig config = new NgramConfig(order);
            if (vocab < 1 || vocab > 1 << 16) {
                throw new IllegalArgumentException(file + ": corrupt vocabulary size " + vocab);
            }
            Discounts[] disc = new Discounts[order + 1];
            for (int k = 1; k <= order; k++) {
                disc[k] = new Discounts(in.data.readDouble(), in.data.readDouble(), in.data.readDouble(), in.data.readBoolean());
            }
            double[] unigram = new double[vocab];
            for (int w = 0; w < vocab; w++) {
                unigram[w] = Double.longBitsToDouble(in.getLong());
            }
            float[] unigramGamma = new float[vocab];
            for (int w = 0; w < vocab; w++) {
                unigramGamma[w] = Float.intBitsToFloat((int) in.getLong());
            }
            GramTable[] tables = new GramTable[order + 1];
            for (int k = 2; k <= order; k++) {
                long[][] slots = new long[GramTable.PARTITIONS][];
                int[] sizes = new int[GramTable.PARTITIONS];
                for (int part = 0; part < GramTable.PARTITIONS; part++) {
                    long cap = in.getLong();
                    long size = in.getLong();
                    if (cap < 1 || cap > GramTable.MAX_CAPACITY || Long.bitCount(cap) != 1 || size < 0 || size >= cap) {
                        throw new IllegalArgumentException(file + ": corrupt table of order " + k + " (capacity " + cap
                                + ", size " + size + ")");
                    }
                    long[] bitmap = new long[(int) ((cap + 63) / 64)];
                    long occupied = 0;
                    for (int i = 0; i < bitmap.length; i++) {
                        bitmap[i] = in.getLong();
                        occupied += Long.bitCount(bitmap[i]);
                    }
                    if (occupied != size) {
                        throw new IllegalArgumentException(file + ": corrupt table of order " + k + " (" + occupied
                                + " occupied slots, size " + size + ")");
                    }
                    long[] t = GramTable.emptySlots((int) cap);
                    for (int i = 0; i < cap; i++) {
                        if ((bitmap[i >>> 6] & (1L << (i & 63))) != 0) {
                            t[i << 1] = in.getLong();
                            t[(i << 1) + 1] = in.getLong();
                        }
                    }
                    slots[part] = t;
                    sizes[part] = (int) size;
                }
                tables[k] = new GramTable(slots, sizes);
            }
            if (in.getLong() != END) {
                throw new IllegalArgumentException(file + ": corrupt model file (no end marker)");
            }
            KneserNeyLM.TrainingRecord prov = new KneserNeyLM.TrainingRecord(config, vocab, budget, used, sha, trainedFormat,
                    library);
            String created = Files.getLastModifiedTime(file).toInstant().toString();
            return new KneserNeyLM(prov, created, disc, unigram, unigramGamma, tables);
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " is truncated: not a complete Kneser-Ney model file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Kneser-Ney model " + file + ": " + e.getMessage(), e);
        }
    }

    /** Longs through a 64 KiB buffer (a DataOutputStream call per long is several times slower). */
    private static final class Out {
        final DataOutputStream data;
        final ByteBuffer buf = ByteBuffer.allocate(1 << 16);

        Out(OutputStream raw) {
            this.data = new DataOutputStream(raw);
        }

        void putLong(long v) throws IOException {
            if (buf.remaining() < Long.BYTES) {
                drain();
            }
            buf.putLong(v);
        }

        void drain() throws IOException {
            data.write(buf.array(), 0, buf.position());
            buf.clear();
        }

        void flush() throws IOException {
            drain();
            data.flush();
        }
    }

    private static final class In {
        final DataInputStream data;
        final ByteBuffer buf = ByteBuffer.allocate(1 << 16).limit(0);

        In(InputStream raw) {
            this.data = new DataInputStream(raw);
        }

        long getLong() throws IOException {
            if (buf.remaining() < Long.BYTES) {
                buf.compact();
                int n = data.read(buf.array(), buf.position(), buf.remaining());
                if (n < 0) {
                    throw new EOFException();
                }
                buf.position(buf.position() + n);
                buf.flip();
                if (buf.remaining() < Long.BYTES) {
                    return getLong();
                }
            }
            return buf.getLong();
        }
    }
}
