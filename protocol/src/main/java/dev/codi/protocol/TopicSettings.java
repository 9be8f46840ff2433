package dev.codi.protocol;

import io.vertx.core.json.JsonObject;

/**
 * How the pipeline's topics are laid out on the cluster, read from the same config as
 * {@link PipelineConfig}. The defaults (replication factor 1, {@code min.insync.replicas} 1) suit the
 * embedded broker and a single-broker cluster; a cluster of three or more brokers should use 3 and 2,
 * so that one broker may fail without losing an acknowledged record or refusing writes.
 *
 * @param partitions        partitions of each topic: bounds how many instances of a stage share its work
 * @param replicationFactor copies of each partition; at most the number of brokers
 * @param minInsyncReplicas copies that must have a record before a producer's {@code acks=all} write succeeds
 * @param create            create missing topics at start; when false, a service only checks they exist
 *                          (for clusters where services lack the CreateTopics right)
 */
public record TopicSettings(int partitions, short replicationFactor, int minInsyncReplicas, boolean create) {
    public static final String PARTITIONS = "CODI_TOPIC_PARTITIONS";
    public static final String REPLICATION_FACTOR = "CODI_TOPIC_REPLICATION_FACTOR";
    public static final String MIN_INSYNC_REPLICAS = "CODI_TOPIC_MIN_INSYNC_REPLICAS";
    public static final String CREATE = "CODI_CREATE_TOPICS";
    public static final int DEFAULT_PARTITIONS = 8;

    public TopicSettings {
        if (partitions < 1 || partitions > 1024) {
            throw new IllegalArgumentException(PARTITIONS + " must be within [1, 1024], got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException(REPLICATION_FACTOR + " must be at least 1, got " + replicationFactor);
        }
        if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException(MIN_INSYNC_REPLICAS + " must be within [1, " + REPLICATION_FACTOR
                    + " = " + replicationFactor + "], got " + minInsyncReplicas);
        }
    }

    /** One broker, topics created at start: the embedded broker and a local run. */
    public static TopicSettings singleBroker(int partitions) {
        return new TopicSettings(partitions, (short) 1, 1, true);
    }

    /** Reads the variables named by the constants of this class; the JSON keys are the same names. */
    public static TopicSettings from(JsonObject config) {
        return new TopicSettings(
                Integer.parseInt(config.getValue(PARTITIONS, DEFAULT_PARTITIONS).toString().trim()),
                Short.parseShort(config.getValue(REPLICATION_FACTOR, 1).toString().trim()),
                Integer.parseInt(config.getValue(MIN_INSYNC_REPLICAS, 1).toString().trim()),
                parseBoolean(config.getValue(CREATE, true).toString().trim()));
    }

    public TopicSettings withPartitions(int partitions) {
        return new TopicSettings(partitions, replicationFactor, minInsyncReplicas, create);
    }

    private static boolean parseBoolean(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(CREATE + " must be true or false, got '" + value + "'");
        };
    }
}
