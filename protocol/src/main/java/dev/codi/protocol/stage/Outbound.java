package dev.codi.protocol.stage;

import dev.codi.protocol.CloudEvent;

/** An event a stage publishes, and the topic it goes to. */
public record Outbound(String topic, CloudEvent event) {
}
