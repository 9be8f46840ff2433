package dev.codi.gateway;

import dev.codi.gateway.auth.BearerAuth;
import dev.codi.gateway.http.Problem;
import dev.codi.gateway.view.JobView;
import dev.codi.gateway.webhooks.WebhookMessage;
import dev.codi.gateway.webhooks.WebhookSecrets;
import dev.codi.gateway.webhooks.WebhookState;
import dev.codi.gateway.webhooks.Webhooks;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.Stage;
import dev.codi.protocol.Topics;
import dev.codi.protocol.kafka.CloudEventRecords;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.kafka.client.producer.KafkaProducer;

import java.time.Clock;
import java.time.Instant;

/**
 * {@code /v1/webhooks/secret} (read, rotate) and the replay of a dead-lettered delivery. A key
 * reads only its own secret; rotating keeps the old one signing for the grace period, so both
 * signatures travel in {@code webhook-signature} meanwhile (Standard Webhooks, secret rotation).
 */
final class WebhooksApi {
    private final Webhooks webhooks;
    private final JobView view;
    private final KafkaProducer<String, Buffer> producer;
    private final Topics topics;
    private final Clock clock;

    WebhooksApi(Webhooks webhooks, JobView view, KafkaProducer<String, Buffer> producer, Topics topics, Clock clock) {
        this.webhooks = webhooks;
        this.view = view;
        this.producer = producer;
        this.topics = topics;
        this.clock = clock;
    }

    void secret(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(describe(owner).encodePrettily());
    }

    void rotate(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        Instant now = clock.instant();
        int generation = webhooks.state().rotation(owner).generation() + 1;
        CloudEvent rotated = new CloudEvent("secret/" + owner + "/" + generation, Stage.GATEWAY.eventSource(),
                WebhookState.TYPE_SECRET_ROTATED, "secret/" + owner, now,
                new JsonObject().put("owner", owner).put("generation", generation).put("rotated_at", now.toString()));
        producer.send(CloudEventRecords.toRecord(topics.webhookSettings(), rotated))
                .onSuccess(ack -> {
                    webhooks.state().applySetting(rotated);
                    context.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                            .end(describe(owner).encodePrettily());
                })
                .onFailure(context::fail);
    }

    /** Sends a dead-lettered delivery again, from the first attempt of the schedule, with the same webhook-id. */
    void replay(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        String jobId = context.pathParam("id");
        String webhookId = context.pathParam("webhookId");
        view.get(jobId).filter(job -> job.spec().owner().equals(owner))
                .orElseThrow(() -> Problem.notFound("no job with id '" + jobId + "'"));
        WebhookState.DeadDelivery dead = webhooks.state().deadDelivery(jobId, webhookId);
        if (dead == null) {
            throw Problem.notFound("job " + jobId + " has no failed webhook delivery '" + webhookId
                    + "'; its failed deliveries are listed in the job's webhook.failed_deliveries");
        }
        Instant now = clock.instant();
        WebhookMessage again = dead.message().replay(now);
        CloudEvent replayed = new CloudEvent(webhookId + "/replayed/" + now.toEpochMilli(), Stage.GATEWAY.eventSource(),
                WebhookState.TYPE_REPLAYED, jobId, now, new JsonObject().put("webhook_id", webhookId));
        producer.send(CloudEventRecords.toRecord(topics.webhookDeliveries(), again.toCloudEvent(WebhookMessage.TYPE_ATTEMPT, now)))
                .compose(sent -> producer.send(CloudEventRecords.toRecord(topics.webhookDeadLetter(), replayed)))
                .onSuccess(ack -> {
                    webhooks.state().applyDeadLetter(replayed);
                    context.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                            .end(webhooks.state().deadDelivery(jobId, webhookId).toJson().encodePrettily());
                })
                .onFailure(context::fail);
    }

    private JsonObject describe(String owner) {
        Instant now = clock.instant();
        JsonObject json = new JsonObject().put("secret", webhooks.secrets().current(owner))
                .put("grace_seconds", webhooks.secrets().grace().toSeconds());
        WebhookSecrets.Previous previous = webhooks.secrets().previous(owner, now);
        if (previous != null) {
            json.put("previous", new JsonObject().put("secret", previous.secret()).put("expires_at", previous.expiresAt().toString()));
        }
        return json;
    }
}
