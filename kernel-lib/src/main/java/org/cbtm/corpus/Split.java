package org.cbtm.corpus;

import java.util.Locale;

/** The three data splits. */
public enum Split {
    TRAIN, VALID, TEST;

    /** The lower-case name used in files: {@code train}, {@code valid}, {@code test}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Split parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "train" -> TRAIN;
            case "valid", "validation", "dev" -> VALID;
            case "test" -> TEST;
            default -> throw new IllegalArgumentException("Unknown split '" + s + "': use train, valid or test.");
        };
    }
}
