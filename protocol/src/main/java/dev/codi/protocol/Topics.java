package dev.codi.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The one registry of Kafka topics (docs/design.md §3). Names are a configurable prefix plus a fixed
 * suffix, so several deployments can share a cluster; nothing else in the code spells a topic.
 *
 * @param jobs         jobs accepted by the gateway → encoder-service
 * @param conditioning shared-space conditioning vectors → diffusion-service
 * @param latents      sampled latents (by reference to object storage) → decoder-service
 * @param jobEvents    every state change of every job → gateway (the job view is a fold of it)
 * @param deadLetter   records a stage could not read, with the reason in their headers
 * @param webhookDeliveries first delivery attempts of webhooks (Standard Webhooks), due at once
 * @param webhookDeadLetter webhook deliveries that failed their last attempt; replayable through the API
 * @param webhookSettings   per-API-key webhook state (secret rotations, disabled endpoints); compacted
 * @param jobState     the latest snapshot of each job, keyed by job id; compacted: a gateway starts from
 *                     one record per job instead of every event (docs/design.md, "Bounded job state")
 * @param cancellations one record per canceled job, keyed by job id; compacted: what the stages watch
 */
public record Topics(String jobs, String conditioning, String latents, String jobEvents, String deadLetter,
                     String webhookDeliveries, String webhookDeadLetter, String webhookSettings, String jobState,
                     String cancellations) {
    public static final String DEFAULT_PREFIX = "codi.";

    public Topics {
        Objects.requireNonNull(jobs);
        Objects.requireNonNull(conditioning);
        Objects.requireNonNull(latents);
        Objects.requireNonNull(jobEvents);
        Objects.requireNonNull(deadLetter);
        Objects.requireNonNull(webhookDeliveries);
        Objects.requireNonNull(webhookDeadLetter);
        Objects.requireNonNull(webhookSettings);
        Objects.requireNonNull(jobState);
        Objects.requireNonNull(cancellations);
    }

    public static Topics withPrefix(String prefix) {
        if (!prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix may only contain letters, digits, '.', '_' and '-', got '" + prefix + "'");
        }
        return new Topics(prefix + "jobs", prefix + "conditioning", prefix + "latents", prefix + "job-events",
                prefix + "dead-letter", prefix + "webhook-deliveries", prefix + "webhook-dead-letter",
                prefix + "webhook-settings", prefix + "job-state", prefix + "cancellations");
    }

    public static Topics defaults() {
        return withPrefix(DEFAULT_PREFIX);
    }

    /**
     * The topic of webhook retry tier {@code tier} (1-based: the second attempt is tier 1). Every
     * record of a tier waits the same delay, so a tier topic is in due-time order and its consumer
     * can wait on the head of each partition. The gateway creates the tiers its schedule needs.
     */
    public String webhookRetry(int tier) {
        if (tier < 1) {
            throw new IllegalArgumentException("retry tiers start at 1, got " + tier);
        }
        return webhookDeliveries.replace("webhook-deliveries", "webhook-retry-" + tier);
    }

    public List<String> all() {
        return List.of(jobs, conditioning, latents, jobEvents, deadLetter, webhookDeliveries, webhookDeadLetter, webhookSettings,
                jobState, cancellations);
    }

    /** Topics that keep the latest record per key forever (log compaction) instead of expiring. */
    public List<String> compacted() {
        return List.of(webhookSettings, jobState, cancellations);
    }
}
