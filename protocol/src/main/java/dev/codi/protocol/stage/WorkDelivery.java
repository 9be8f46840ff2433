package dev.codi.protocol.stage;

import java.util.Locale;

/**
 * How a model stage takes its jobs off its work topic ({@value StageSettings#WORK_DELIVERY}):
 * <ul>
 *   <li>{@link #GROUP}: a consumer group (the new consumer protocol). Each partition belongs to one
 *       instance, so a stage runs at most as many busy instances as its topic has partitions; an
 *       offset commits a batch.</li>
 *   <li>{@link #SHARE}: a share group (Kafka's queues, KIP-932). Instances acquire records one by
 *       one under a time-limited lock, however many partitions there are, and acknowledge each job
 *       on its own (docs/design.md, "Work queues").</li>
 * </ul>
 */
public enum WorkDelivery {
    GROUP, SHARE;

    static WorkDelivery parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "group" -> GROUP;
            case "share" -> SHARE;
            default -> throw new IllegalArgumentException(StageSettings.WORK_DELIVERY + " must be 'share' or 'group', got '" + value + "'");
        };
    }
}
