package org.cbtm.corpus;

import java.nio.file.Path;

/** Bad input in a corpus file: names the file and the 1-based line, and says what is wrong. */
public class CorpusFormatException extends RuntimeException {
    private final Path file;
    private final long line;

    public CorpusFormatException(Path file, long line, String problem, Throwable cause) {
        super(file + ":" + line + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    public long line() {
        return line;
    }
}
