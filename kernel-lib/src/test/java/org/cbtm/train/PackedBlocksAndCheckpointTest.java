package org.cbtm.train;

import org.cbtm.corpus.TokenShard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cbtm.lm.gpt.Gpt;
import org.cbtm.lm.gpt.GptConfig;
import org.cbtm.lm.gpt.TinyGpt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackedBlocksAndCheckpointTest {

    @Test
    void blocksAreShiftedWindowsOfTheShuffledStreamAndEpochsCoverEveryBlock() {
        // every token id occurs once (besides EOD), so blocks at different positions differ
        List<int[]> docs = new java.util.ArrayList<>();
        for (int d = 0; d < 30; d++) {
            int[] doc = new int[3 + d % 5];
            for (int i = 0; i < doc.length; i++) {
                doc[i] = 1 + 10 * d + i;
            }
            docs.add(doc);
        }
        TokenShard shard = TokenShard.ofDocuments(docs, 400);
        int len = 8;
        PackedBlocks blocks = PackedBlocks.shuffled(shard, len, 42);
        assertEquals((shard.numTokens() - 1) / len, blocks.blocksPerEpoch());
        long[] in = new long[len];
        long[] out = new long[len];
        Set<String> epoch0 = new HashSet<>();
        Set<String> epoch1 = new HashSet<>();
        long eods = 0;
        for (int n = 0; n < 2 * blocks.blocksPerEpoch(); n++) {
            blocks.block(n, in, out, 0);
            for (int i = 0; i + 1 < len; i++) {
                assertEquals(in[i + 1], out[i], "targets are the inputs shifted by one");
            }
            for (long t : in) {
                eods += t == 0 ? 1 : 0;
            }
            (n < blocks.blocksPerEpoch() ? epoch0 : epoch1).add(Arrays.toString(in));
        }
        assertTrue(eods > 0, "documents are separated by EOD");
        assertEquals(blocks.blocksPerEpoch(), epoch0.size(), "an epoch visits distinct blocks");
        assertFalse(epoch0.equals(epoch1), "documents are reshuffled each epoch");
        // deterministic for a seed, random access equals sequential access
        PackedBlocks again = PackedBlocks.shuffled(shard, len, 42);
        long[] a = new long[len];
        long[] b = new long[len];
        again.block(blocks.blocksPerEpoch() + 3, a, b, 0);
        blocks.block(blocks.blocksPerEpoch() + 3, in, out, 0);
        assertArrayEquals(in, a);
        PackedBlocks other = PackedBlocks.shuffled(shard, len, 43);
        other.block(0, a, b, 0);
        blocks.block(0, in, out, 0);
        assertFalse(Arrays.equals(in, a));
        // in order: the shard's own stream
        PackedBlocks ordered = PackedBlocks.inOrder(shard, len);
        ordered.block(1, a, b, 0);
        for (int i = 0; i < len; i++) {
            assertEquals(shard.tokens()[len + i], a[i]);
        }
    }

    @Test
    void shardsShorterThanOneBlockFailClearly() {
        TokenShard small = TokenShard.ofDocuments(List.of(new int[] {1, 2, 3}), 10);
        var e = assertThrows(IllegalArgumentException.class, () -> PackedBlocks.shuffled(small, 4, 0));
        assertTrue(e.getMessage().contains("fewer than one block"), e.getMessage());
    }

    @Test
    void checkpointsRoundTripAndTruncatedFilesAreRejected(@TempDir Path dir) throws Exception {
        GptConfig mc = TinyGpt.config(30);
        try (Gpt gpt = Gpt.create(mc, Device.cpu(), 3)) {
            CheckpointInfo info = new CheckpointInfo(Checkpoint.FORMAT, mc, TrainerTest.config(4), 2, false, 16, 0, 256,
                    256, "abc", null, Double.NaN, 1.5, "cpu()", null, null, "2026-01-02T03:04:05Z", "1.0-test");
            Checkpoint c = new Checkpoint(info, gpt.weights(), null);
            Path file = c.write(dir.resolve("a.ckpt"));
            Checkpoint back = Checkpoint.read(file);
            assertEquals(info, back.info());
            assertTrue(Double.isNaN(back.info().validLoss()));
            assertTrue(back.weights().sameValues(c.weights()));
            assertNull(back.optimizer());
            assertEquals(info, Checkpoint.readInfo(file));
            byte[] bytes = Files.readAllBytes(file);
            Path cut = dir.resolve("cut.ckpt");
            Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
            var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(cut));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            Files.writeString(dir.resolve("junk.ckpt"), "hello, not a checkpoint");
            e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(dir.resolve("junk.ckpt")));
            assertTrue(e.getMessage().contains("not a GPT checkpoint"), e.getMessage());
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".partial")));
            }
        }
    }

    @Test
    void checkpointsWrittenBeforeCreationTimesWereRecordedStillLoad(@TempDir Path dir) throws Exception {
        GptConfig mc = TinyGpt.config(30);
        try (Gpt gpt = Gpt.create(mc, Device.cpu(), 3)) {
            CheckpointInfo info = new CheckpointInfo(Checkpoint.FORMAT, mc, TrainerTest.config(4), 2, false, 16, 0, 256,
                    256, "abc", null, Double.NaN, 1.5, "cpu()", null, null, "2026-01-02T03:04:05Z", "1.0-test");
            byte[] bytes = Files.readAllBytes(new Checkpoint(info, gpt.weights(), null).write(dir.resolve("new.ckpt")));
            // the header of an older checkpoint: the same JSON without "created" and "libraryVersion"
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long magic = b.getLong();
            int version = b.getInt();
            byte[] header = new byte[b.getInt()];
            b.get(header);
            ObjectNode json = (ObjectNode) Checkpoint.JSON.readTree(header);
            assertTrue(json.has("created") && json.has("libraryVersion"));
            json.remove(List.of("created", "libraryVersion"));
            byte[] oldHeader = Checkpoint.JSON.writeValueAsBytes(json);
            ByteBuffer old = ByteBuffer.allocate(bytes.length - header.length + oldHeader.length);
            old.putLong(magic).putInt(version).putInt(oldHeader.length).put(oldHeader).put(bytes, b.position(),
                    bytes.length - b.position());
            Path file = Files.write(dir.resolve("old.ckpt"), old.array());
            CheckpointInfo back = Checkpoint.readInfo(file);
            assertNull(back.created());
            assertNull(back.libraryVersion());
            assertEquals(info.tokensSeen(), back.tokensSeen());
            assertEquals(CheckpointInfo.UNKNOWN, back.provenance().created());
            assertEquals(CheckpointInfo.UNKNOWN, back.provenance().libraryVersion());
            assertTrue(Checkpoint.read(file).weights().sameValues(gpt.weights()));
        }
    }
}
