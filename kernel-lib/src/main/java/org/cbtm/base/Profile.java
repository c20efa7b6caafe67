package org.cbtm.base;

import java.util.Locale;

/**
 * The run profile: {@code QUICK} budgets finish in minutes on 2 cores (CI runs every notebook this way);
 * {@code STANDARD} reproduces the C-BTM comparisons (notebooks 04 to 09) with small transformer experts in about an
 * hour and a half on 2 cores; {@code FULL} budgets are the GPU-sized ones. Read from {@code $CBTM_PROFILE} (set by
 * {@code environment/reproduce --profile}); a live notebook without it runs {@code QUICK} so that nothing starts an
 * hours-long run by surprise.
 *
 * <p>{@link #pick(Object, Object)} names a quick and a full value; {@code STANDARD} takes the quick one there, because
 * only the C-BTM settings ({@code Presets}) differ in the standard profile and they use the three-value
 * {@link #pick(Object, Object, Object)}.
 */
public enum Profile {
    QUICK, STANDARD, FULL;

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
            case "standard" -> STANDARD;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException(
                    "Unknown profile '" + name + "' (from CBTM_PROFILE): use 'quick', 'standard' or 'full'.");
        };
    }

    /** Picks the value for this profile: {@code Profile.current().pick(2_000, 2_000_000)} (STANDARD: the quick one). */
    public <T> T pick(T quick, T full) {
        return this == FULL ? full : quick;
    }

    public int pick(int quick, int full) {
        return this == FULL ? full : quick;
    }

    public long pick(long quick, long full) {
        return this == FULL ? full : quick;
    }

    public double pick(double quick, double full) {
        return this == FULL ? full : quick;
    }

    /** Picks the value for this profile, one per profile. */
    public <T> T pick(T quick, T standard, T full) {
        return switch (this) {
            case QUICK -> quick;
            case STANDARD -> standard;
            case FULL -> full;
        };
    }

    public int pick(int quick, int standard, int full) {
        return this == QUICK ? quick : this == STANDARD ? standard : full;
    }

    public long pick(long quick, long standard, long full) {
        return this == QUICK ? quick : this == STANDARD ? standard : full;
    }
}
