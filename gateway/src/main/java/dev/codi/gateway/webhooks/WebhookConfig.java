package dev.codi.gateway.webhooks;

import dev.codi.protocol.TopicSettings;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * The operator's webhook settings, from CODI_* configuration.
 *
 * @param schedule      CODI_WEBHOOK_RETRY_SCHEDULE (default {@value RetrySchedule#DEFAULT_SCHEDULE}) and
 *                      CODI_WEBHOOK_RETRY_JITTER (default 0.2)
 * @param timeout       one attempt's limit, connect to answer (CODI_WEBHOOK_TIMEOUT_MS, default 15000)
 * @param allowLoopback webhooks to loopback addresses (CODI_WEBHOOK_ALLOW_LOOPBACK, default false)
 * @param allowPrivate  webhooks to private addresses (CODI_WEBHOOK_ALLOW_PRIVATE, default false)
 * @param signingKey    the operator secret every key's whsec_ secret derives from (CODI_WEBHOOK_SIGNING_KEY, required)
 * @param secretGrace   how long a rotated-out secret still signs (CODI_WEBHOOK_SECRET_GRACE_SECONDS, default 86400)
 * @param topics        how the gateway lays out the retry-tier topics it creates (see {@link TopicSettings})
 */
public record WebhookConfig(RetrySchedule schedule, Duration timeout, boolean allowLoopback, boolean allowPrivate,
                            String signingKey, Duration secretGrace, TopicSettings topics) {
    public static WebhookConfig from(JsonObject config) {
        return new WebhookConfig(
                RetrySchedule.parse(config.getString(RetrySchedule.SCHEDULE_VARIABLE, RetrySchedule.DEFAULT_SCHEDULE),
                        Double.parseDouble(config.getValue(RetrySchedule.JITTER_VARIABLE, RetrySchedule.DEFAULT_JITTER).toString())),
                Duration.ofMillis(Long.parseLong(config.getValue(WebhookDelivery.TIMEOUT_VARIABLE,
                        WebhookDelivery.DEFAULT_TIMEOUT.toMillis()).toString())),
                Boolean.parseBoolean(config.getValue(SsrfGuard.ALLOW_LOOPBACK_VARIABLE, "false").toString()),
                Boolean.parseBoolean(config.getValue(SsrfGuard.ALLOW_PRIVATE_VARIABLE, "false").toString()),
                config.getString(WebhookSecrets.SIGNING_KEY_VARIABLE),
                Duration.ofSeconds(Long.parseLong(config.getValue(WebhookSecrets.GRACE_VARIABLE,
                        WebhookSecrets.DEFAULT_GRACE.toSeconds()).toString())),
                TopicSettings.from(config));
    }
}
