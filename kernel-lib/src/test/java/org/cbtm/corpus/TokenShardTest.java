package org.cbtm.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenShardTest {

    @Test
    void documentsEndWithEodAndRoundTrip(@TempDir Path dir) {
        TokenShard shard = TokenShard.ofDocuments(List.of(new int[] {5, 6}, new int[] {7}), 10);
        assertArrayEquals(new int[] {5, 6, 0, 7, 0}, shard.tokens());
        assertArrayEquals(new int[] {7, 0}, shard.document(1));
        assertEquals(shard, TokenShard.load(shard.save(dir.resolve("s.bin"))));
        assertArrayEquals(new int[] {7, 0, 5, 6, 0}, shard.select(new int[] {1, 0}).tokens());
    }

    @Test
    void rejectsBadOffsets() {
        assertThrows(IllegalArgumentException.class, () -> new TokenShard(new int[] {1, 0}, new int[] {0, 1}, 5));
    }
}
