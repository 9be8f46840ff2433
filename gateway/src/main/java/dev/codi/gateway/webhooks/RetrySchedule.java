package dev.codi.gateway.webhooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * When webhook attempts are made: attempt 1 after {@code delays[0]} (0: at once), attempt k+1
 * {@code delays[k]} after attempt k failed, each delay spread by ± {@code jitter} so that
 * receivers coming back up are not hit by every retry at once. The default is the schedule
 * Standard Webhooks recommends: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
 */
public record RetrySchedule(List<Duration> delays, double jitter) {
    public static final String SCHEDULE_VARIABLE = "CODI_WEBHOOK_RETRY_SCHEDULE";
    public static final String JITTER_VARIABLE = "CODI_WEBHOOK_RETRY_JITTER";
    public static final String DEFAULT_SCHEDULE = "0s,5s,5m,30m,2h,5h,10h,10h";
    public static final double DEFAULT_JITTER = 0.2;

    public RetrySchedule {
        delays = List.copyOf(delays);
        if (delays.isEmpty()) {
            throw new IllegalArgumentException(SCHEDULE_VARIABLE + " needs at least one attempt");
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException(JITTER_VARIABLE + " must be within [0, 1), got " + jitter);
        }
    }

    /** Parses {@code "0s,5s,5m,30m,2h"}: numbers with a unit of ms, s, m or h. */
    public static RetrySchedule parse(String schedule, double jitter) {
        List<Duration> delays = new ArrayList<>();
        for (String item : schedule.split(",")) {
            String delay = item.strip().toLowerCase(Locale.ROOT);
            try {
                if (delay.endsWith("ms")) {
                    delays.add(Duration.ofMillis(Long.parseLong(delay.substring(0, delay.length() - 2))));
                } else if (delay.endsWith("s")) {
                    delays.add(Duration.ofSeconds(Long.parseLong(delay.substring(0, delay.length() - 1))));
                } else if (delay.endsWith("m")) {
                    delays.add(Duration.ofMinutes(Long.parseLong(delay.substring(0, delay.length() - 1))));
                } else if (delay.endsWith("h")) {
                    delays.add(Duration.ofHours(Long.parseLong(delay.substring(0, delay.length() - 1))));
                } else {
                    throw new NumberFormatException("no unit");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(SCHEDULE_VARIABLE + ": '" + item + "' is not a delay like 0s, 500ms, 5m or 2h");
            }
        }
        return new RetrySchedule(delays, jitter);
    }

    public int attempts() {
        return delays.size();
    }

    /** The delay before attempt {@code attempt} (0-based), jittered. */
    public Duration delayBefore(int attempt, RandomGenerator random) {
        long millis = delays.get(attempt).toMillis();
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.round(millis * factor));
    }
}
