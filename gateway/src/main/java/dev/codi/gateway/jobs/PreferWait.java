package dev.codi.gateway.jobs;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code Prefer: wait=N} (RFC 7240 §4.3): the client would rather wait up to N seconds for the
 * finished job than poll. Longer waits than {@link #MAX_SECONDS} are shortened to it, and the
 * answer says what was applied in {@code Preference-Applied} (§3). Other preferences are ignored,
 * as §2 allows; a malformed wait value is ignored too.
 */
public final class PreferWait {
    /** The longest synchronous wait the gateway grants (docs/design.md §4: N ≤ 60). */
    public static final int MAX_SECONDS = 60;

    private PreferWait() {
    }

    /** The wait to apply, from every Prefer header of the request. */
    public static Optional<Duration> parse(java.util.List<String> preferHeaders) {
        for (String header : preferHeaders) {
            for (String preference : header.split(",")) {
                String token = preference.split(";", 2)[0].strip().toLowerCase(Locale.ROOT); // ";;;" splits to nothing without a limit
                if (token.startsWith("wait=")) {
                    String value = token.substring("wait=".length()).replace("\"", "").strip();
                    try {
                        long seconds = Long.parseLong(value);
                        if (seconds >= 0) {
                            return Optional.of(Duration.ofSeconds(Math.min(seconds, MAX_SECONDS)));
                        }
                    } catch (NumberFormatException ignored) {
                        // RFC 7240 §2: a preference the server does not understand is ignored
                    }
                }
            }
        }
        return Optional.empty();
    }
}
