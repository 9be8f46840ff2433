package dev.codi.protocol.stage;

import io.vertx.kafka.client.consumer.OffsetAndMetadata;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts how often the record at a partition's committed offset was taken on without the stage
 * returning from it, so that a record whose processing kills the JVM (a poison record) is
 * dead-lettered after a bounded number of deliveries instead of blocking its partition forever.
 *
 * <p>The count lives in Kafka itself, in the metadata of the group's committed offset: before a
 * batch is processed, the stage commits the batch's first offset (which does not move the group
 * forward) with {@code codi-attempts=N@offset}. A stage that returns from the batch, in any way,
 * commits again without the marker; only a stage that died leaves it behind, and the next
 * consumer of the partition finds it.
 */
public final class DeliveryAttempts {
    private static final Pattern MARKER = Pattern.compile("codi-attempts=(\\d+)@(\\d+)");

    private DeliveryAttempts() {
    }

    /** The marker that says {@code attempts} deliveries of the record at {@code offset} began. */
    public static OffsetAndMetadata marker(long offset, int attempts) {
        return new OffsetAndMetadata(offset, "codi-attempts=" + attempts + "@" + offset);
    }

    /** How many deliveries of the record at {@code offset} began and never returned, per the committed metadata. */
    public static int unfinished(OffsetAndMetadata committed, long offset) {
        return parse(committed).filter(marker -> marker.offset() == offset).map(Marker::attempts).orElse(0);
    }

    private record Marker(int attempts, long offset) {
    }

    private static Optional<Marker> parse(OffsetAndMetadata committed) {
        if (committed == null || committed.getMetadata() == null) {
            return Optional.empty();
        }
        Matcher matcher = MARKER.matcher(committed.getMetadata());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Marker(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2))));
    }
}
