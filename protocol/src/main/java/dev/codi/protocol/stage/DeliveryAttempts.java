package dev.codi.protocol.stage;

import io.vertx.kafka.client.consumer.OffsetAndMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts how often records were taken on without the stage returning, so that a record whose
 * processing kills the JVM (a poison record) is dead-lettered after a bounded number of
 * deliveries instead of blocking its partition forever.
 *
 * <p>The counts live in Kafka itself, in the metadata of the group's committed offset: before a
 * batch is processed, the stage commits the batch's first offset (which does not move the group
 * forward) with {@code codi-attempts=N@first-last}, the range of the partition's records the
 * batch holds. A stage that returns from the batch, in any way, commits again without it; only a
 * stage that died leaves it behind, and the next consumer of the partition finds every record of
 * the batch suspect. It then takes the suspects on one at a time, so that the poison record alone
 * collects the crashes: the marker of such a delivery names the record alone with its count
 * raised, followed by the suspects after it with their counts unchanged
 * ({@code codi-attempts=2@40-40,1@41-47}). Without the range, every record ahead of the poison
 * in its batch would cost one crash more.
 */
public final class DeliveryAttempts {
    private static final String PREFIX = "codi-attempts=";
    private static final Pattern RANGE = Pattern.compile("(\\d+)@(\\d+)(?:-(\\d+))?");

    private DeliveryAttempts() {
    }

    /**
     * Records {@code from} to {@code to} (inclusive) of a partition, taken on {@code attempts}
     * times without the stage returning.
     */
    public record Suspects(int attempts, long from, long to) {
        public Suspects {
            if (attempts < 1 || from < 0 || to < from) {
                throw new IllegalArgumentException("suspects need attempts ≥ 1 and 0 ≤ from ≤ to, got " + attempts + "@" + from + "-" + to);
            }
        }
    }

    /** The marker that says {@code attempts} deliveries of the records {@code first} to {@code last} began. */
    public static OffsetAndMetadata marker(long first, long last, int attempts) {
        return committedAt(first, List.of(new Suspects(attempts, first, last)));
    }

    /**
     * The partition committed at {@code offset}, keeping the suspects of {@code suspects} from
     * {@code offset} on: those wholly before it are gone, one that straddles it is cut to start there.
     */
    public static OffsetAndMetadata committedAt(long offset, List<Suspects> suspects) {
        StringBuilder metadata = new StringBuilder();
        for (Suspects range : suspects) {
            if (range.to() < offset) {
                continue;
            }
            metadata.append(metadata.isEmpty() ? PREFIX : ",").append(range.attempts()).append('@')
                    .append(Math.max(offset, range.from())).append('-').append(range.to());
        }
        return new OffsetAndMetadata(offset, metadata.isEmpty() ? null : metadata.toString());
    }

    /**
     * The suspects recorded with a partition's committed offset, when its first range starts at
     * {@code offset} (the record a delivery now starts at); empty when there are none, or when
     * they describe another position.
     */
    public static List<Suspects> suspectsAt(OffsetAndMetadata committed, long offset) {
        if (committed == null || committed.getMetadata() == null || !committed.getMetadata().startsWith(PREFIX)) {
            return List.of();
        }
        List<Suspects> suspects = new ArrayList<>();
        for (String range : committed.getMetadata().substring(PREFIX.length()).split(",", -1)) {
            Matcher matcher = RANGE.matcher(range);
            if (!matcher.matches()) {
                return List.of();
            }
            long from = Long.parseLong(matcher.group(2));
            long to = matcher.group(3) == null ? from : Long.parseLong(matcher.group(3));
            if (to < from || !suspects.isEmpty() && from <= suspects.get(suspects.size() - 1).to()) {
                return List.of();
            }
            suspects.add(new Suspects(Integer.parseInt(matcher.group(1)), from, to));
        }
        return suspects.isEmpty() || suspects.get(0).from() != offset ? List.of() : List.copyOf(suspects);
    }

    /**
     * The marker of a delivery of the first suspect alone: its count raised by one, the suspects
     * after it unchanged.
     */
    public static OffsetAndMetadata aloneMarker(List<Suspects> suspects) {
        Suspects first = suspects.get(0);
        List<Suspects> marked = new ArrayList<>();
        marked.add(new Suspects(first.attempts() + 1, first.from(), first.from()));
        if (first.to() > first.from()) {
            marked.add(new Suspects(first.attempts(), first.from() + 1, first.to()));
        }
        marked.addAll(suspects.subList(1, suspects.size()));
        return committedAt(first.from(), marked);
    }
}
