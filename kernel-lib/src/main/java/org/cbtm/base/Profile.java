package org.cbtm.base;

import java.util.Locale;

/**
 * The run profile: {@code QUICK} budgets finish in minutes on 2 cores (CI runs every notebook this way),
 * {@code FULL} budgets are the real ones. Read from {@code $CBTM_PROFILE} (set by {@code environment/reproduce
 * --profile}); a live notebook without it runs {@code QUICK} so that nothing starts an hours-long run by surprise.
 */
public enum Profile {
    QUICK, FULL;

    /** The profile of this process. */
    public static Profile current() {
        return parse(System.getenv("CBTM_PROFILE"));
    }

    /** Parses a profile name; null or blank means {@code QUICK}. */
    public static Profile parse(String name) {
        if (name == null || name.isBlank()) {
            return QUICK;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "quick" -> QUICK;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException(
                    "Unknown profile '" + name + "' (from CBTM_PROFILE): use 'quick' or 'full'.");
        };
    }

    /** Picks the value for this profile: {@code Profile.current().pick(2_000, 2_000_000)}. */
    public <T> T pick(T quick, T full) {
        return this == QUICK ? quick : full;
    }

    public int pick(int quick, int full) {
        return this == QUICK ? quick : full;
    }

    public long pick(long quick, long full) {
        return this == QUICK ? quick : full;
    }

    public double pick(double quick, double full) {
        return this == QUICK ? quick : full;
    }
}
