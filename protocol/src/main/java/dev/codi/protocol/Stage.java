package dev.codi.protocol;

/**
 * The stages of the pipeline. Each stage is one Kafka consumer group named after the stage
 * (docs/design.md §2): scaling a stage means starting more instances with the same group.
 */
public enum Stage {
    GATEWAY("gateway"),
    ENCODER("encoder-service"),
    DIFFUSION("diffusion-service"),
    DECODER("decoder-service");

    private final String serviceName;

    Stage(String serviceName) {
        this.serviceName = serviceName;
    }

    public String serviceName() {
        return serviceName;
    }

    public String consumerGroup() {
        return serviceName;
    }

    /** CloudEvents {@code source} of the events this stage emits. */
    public String eventSource() {
        return "/codi/" + serviceName;
    }

    public static Stage fromServiceName(String name) {
        for (Stage stage : values()) {
            if (stage.serviceName.equals(name)) {
                return stage;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + name + "'");
    }
}
