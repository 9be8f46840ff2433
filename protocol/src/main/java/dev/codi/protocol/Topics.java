package dev.codi.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The one registry of Kafka topics (DESIGN §3). Names are a configurable prefix plus a fixed
 * suffix, so several deployments can share a cluster; nothing else in the code spells a topic.
 *
 * @param jobs         jobs accepted by the gateway → encoder-service
 * @param conditioning shared-space conditioning vectors → diffusion-service
 * @param latents      sampled latents (by reference to object storage) → decoder-service
 * @param jobEvents    every state change of every job → gateway (the job view is a fold of it)
 * @param deadLetter   records a stage could not read, with the reason in their headers
 */
public record Topics(String jobs, String conditioning, String latents, String jobEvents, String deadLetter) {
    public static final String DEFAULT_PREFIX = "codi.";

    public Topics {
        Objects.requireNonNull(jobs);
        Objects.requireNonNull(conditioning);
        Objects.requireNonNull(latents);
        Objects.requireNonNull(jobEvents);
        Objects.requireNonNull(deadLetter);
    }

    public static Topics withPrefix(String prefix) {
        if (!prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix may only contain letters, digits, '.', '_' and '-', got '" + prefix + "'");
        }
        return new Topics(prefix + "jobs", prefix + "conditioning", prefix + "latents", prefix + "job-events",
                prefix + "dead-letter");
    }

    public static Topics defaults() {
        return withPrefix(DEFAULT_PREFIX);
    }

    public List<String> all() {
        return List.of(jobs, conditioning, latents, jobEvents, deadLetter);
    }
}
