package dev.codi.gateway.webhooks;

import dev.codi.gateway.jobs.JobRepresentation;
import dev.codi.protocol.kafka.TopicFollower;
import dev.codi.gateway.view.JobView;
import dev.codi.protocol.Topics;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * The gateway's webhooks (Standard Webhooks v1), wired: state rebuilt from Kafka, a trigger on
 * the job view, a worker on the delivery topics. Start order: {@link #startBeforeView()} (state
 * caught up, retry tiers exist), attach to the view, rebuild the view, then {@link #startAfterView()}.
 */
public final class Webhooks {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

    private final Vertx vertx;
    private final KafkaSettings kafka;
    private final Topics topics;
    private final WebhookConfig config;
    private final WebhookState state = new WebhookState();
    private final WebhookSecrets secrets;
    private final SsrfGuard guard;
    private final WebhookDelivery delivery;
    private final WebhookTrigger trigger;
    private final WebhookWorker worker;
    private final List<TopicFollower> followers;

    public Webhooks(Vertx vertx, KafkaSettings kafka, Topics topics, WebhookConfig config, JobRepresentation representation,
                    KafkaProducer<String, Buffer> producer, Clock clock) {
        this.vertx = vertx;
        this.kafka = kafka;
        this.topics = topics;
        this.config = config;
        this.secrets = new WebhookSecrets(config.signingKey(), config.secretGrace(), state);
        this.guard = new SsrfGuard(config.allowLoopback(), config.allowPrivate());
        this.delivery = new WebhookDelivery(vertx, guard, config.timeout());
        SecureRandom random = new SecureRandom();
        this.trigger = new WebhookTrigger(vertx, state, representation, producer, topics, config.schedule(), clock, random);
        this.worker = new WebhookWorker(vertx, kafka, topics, config.schedule(), state, secrets, delivery, producer, clock, random);
        this.followers = List.of(
                new TopicFollower(vertx, kafka, topics.webhookSettings(), "gateway-webhooks", state::applySetting),
                new TopicFollower(vertx, kafka, topics.webhookDeadLetter(), "gateway-webhooks", state::applyDeadLetter),
                new TopicFollower(vertx, kafka, topics.webhookDeliveries(), "gateway-webhooks", state::applyDelivery));
    }

    public SsrfGuard guard() {
        return guard;
    }

    public WebhookState state() {
        return state;
    }

    public WebhookSecrets secrets() {
        return secrets;
    }

    public Future<Void> startBeforeView() {
        return vertx.executeBlocking(() -> {
            TopicSetup.ensureTopics(kafka, worker.inputTopics(), List.of(), config.topics());
            return null;
        }, false).compose(created -> Future.all(followers.stream().map(TopicFollower::start).toList()).mapEmpty());
    }

    public void attach(JobView view) {
        view.onChangeEvent(trigger::onChange);
    }

    public Future<Void> startAfterView() {
        trigger.goLive();
        LOG.info("webhooks: {} attempts ({}), loopback targets {}, private targets {}", config.schedule().attempts(),
                config.schedule().delays(), config.allowLoopback() ? "allowed" : "refused",
                config.allowPrivate() ? "allowed" : "refused");
        return worker.start();
    }

    public Future<Void> stop() {
        Future<Void> stopped = worker.stop(config.timeout());
        for (TopicFollower follower : followers) {
            stopped = stopped.eventually(follower::stop);
        }
        return stopped.eventually(() -> {
            delivery.close();
            return Future.succeededFuture();
        });
    }

    /** The job resource's {@code webhook} member: where it goes and the deliveries that failed for good; or null. */
    public JsonObject describe(String jobId) {
        WebhookState.Subscriber subscriber = state.subscriber(jobId);
        if (subscriber == null) {
            return null;
        }
        JsonArray dead = new JsonArray();
        state.deadDeliveries(jobId).forEach(entry -> dead.add(entry.toJson()));
        return subscriber.subscription().toJson().put("disabled", state.isDisabled(subscriber.owner(), subscriber.subscription().url()))
                .put("failed_deliveries", dead);
    }
}
