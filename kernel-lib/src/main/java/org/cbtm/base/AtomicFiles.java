package org.cbtm.base;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader never sees a half-written one: the content goes to a temporary file in the
 * same folder, is forced to disk, and is then renamed over the target in one step.
 */
public final class AtomicFiles {

    /** Something that writes a file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code target} atomically with what {@code writer} produces; creates parent folders. */
    public static Path write(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE);
                 OutputStream raw = java.nio.channels.Channels.newOutputStream(channel);
                 OutputStream buffered = new java.io.BufferedOutputStream(raw, 1 << 16)) {
                // writers such as Jackson close the stream they are given: keep the channel open until it is forced
                writer.write(new java.io.FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                buffered.flush();
                channel.force(true);
            }
            makeReadable(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("No space left") || msg.contains("Disk quota exceeded")) {
                throw new UncheckedIOException("Could not write " + target + ": the disk is full (" + msg + "); nothing "
                        + "was written under that name and the previous file, if any, is intact. Free space on "
                        + dir + " or write elsewhere, then run again.", e);
            }
            throw new UncheckedIOException("Could not write " + target + ": " + msg, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is hidden and named .partial: a leftover is harmless
                }
            }
        }
    }

    /** Temporary files are created private (0600); the artifact itself is an ordinary file (0644). */
    public static void makeReadable(Path p) throws IOException {
        if (Files.getFileStore(p).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Writes a UTF-8 string atomically. */
    public static Path writeString(Path target, String content) {
        return write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }
}
