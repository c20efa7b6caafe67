package org.cbtm.base;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.nio.file.Path;

import tech.tablesaw.api.Table;

/** Tablesaw tables as CSV files, written atomically. */
public final class CsvTables {
    private CsvTables() {
    }

    public static Path write(Table table, Path file) {
        StringWriter out = new StringWriter();
        table.write().csv(out);
        return AtomicFiles.writeString(file, out.toString());
    }

    public static Table read(Path file) {
        try {
            return Table.read().csv(file.toFile());
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot read the table " + file + ": " + e.getMessage(), e));
        }
    }
}
