package dev.codi.gateway;

import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.stage.DecoderLiveness;
import dev.codi.storage.ObjectStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's probes. Live: the event loop answers (a wedged loop cannot), and runaway media
 * decoders are within their bound ({@link DecoderLiveness}). Ready: the job view
 * has caught up (the server listens only then), and the last look at Kafka and at the object
 * store, taken every {@value #CHECK_MILLIS} ms off the event loop, found them answering and the
 * bucket there (a look that reads only: the bucket is created once, at start) — a gateway that
 * cannot reach them would only answer 503s, so a load balancer should skip it.
 */
final class GatewayHealth {
    static final long CHECK_MILLIS = 5_000;
    private static final int CHECK_TIMEOUT_MILLIS = 4_000;

    private final Vertx vertx;
    private final Admin admin;
    private final ObjectStore store;
    private final DecoderLiveness decoders;
    private volatile String kafkaProblem = "not checked yet";
    private volatile String storeProblem = "not checked yet";
    private long timer = -1;

    GatewayHealth(Vertx vertx, KafkaSettings kafka, ObjectStore store, DecoderLiveness decoders) {
        this.vertx = vertx;
        this.decoders = decoders;
        Map<String, Object> config = kafka.admin();
        config.putIfAbsent("request.timeout.ms", Integer.toString(CHECK_TIMEOUT_MILLIS));
        // Kafka requires default.api.timeout.ms >= request.timeout.ms (which the operator may have set).
        config.put("default.api.timeout.ms", Long.toString(Math.max(CHECK_TIMEOUT_MILLIS,
                Long.parseLong(config.get("request.timeout.ms").toString()))));
        this.admin = Admin.create(config);
        this.store = store;
    }

    void start() {
        check();
        timer = vertx.setPeriodic(CHECK_MILLIS, tick -> check());
    }

    void stop() {
        vertx.cancelTimer(timer);
        admin.close(java.time.Duration.ofSeconds(5));
    }

    void live(RoutingContext context) {
        JsonObject body = liveness();
        boolean live = body.getString("status").equals("live");
        context.response().setStatusCode(live ? 200 : 503).putHeader("Content-Type", "application/json").end(body.encode());
    }

    /** Live unless runaway media decoders hold more than their bound ({@link DecoderLiveness}). */
    JsonObject liveness() {
        String decoding = decoders.notLive();
        return decoding == null ? new JsonObject().put("status", "live")
                : new JsonObject().put("status", "not live").put("media_decoders", decoding);
    }

    void ready(RoutingContext context) {
        JsonObject body = readiness();
        boolean ready = body.getString("status").equals("ready");
        context.response().setStatusCode(ready ? 200 : 503).putHeader("Content-Type", "application/json").end(body.encode());
    }

    /** What the last checks found: {@code status} ready or not, and what Kafka and the object store said. */
    JsonObject readiness() {
        String kafka = kafkaProblem;
        String objects = storeProblem;
        boolean ready = kafka == null && objects == null;
        return new JsonObject().put("status", ready ? "ready" : "not ready")
                .put("kafka", kafka == null ? "ok" : kafka).put("object_store", objects == null ? "ok" : objects);
    }

    private void check() {
        vertx.executeBlocking(() -> {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(CHECK_TIMEOUT_MILLIS)).clusterId()
                        .get(CHECK_TIMEOUT_MILLIS + 1000L, TimeUnit.MILLISECONDS);
                kafkaProblem = null;
            } catch (Exception e) {
                kafkaProblem = "unreachable: " + e.getClass().getSimpleName();
            }
            try {
                storeProblem = store.bucketReachable() ? null : "bucket " + store.config().bucket() + " does not exist";
            } catch (RuntimeException e) {
                storeProblem = "unreachable: " + e.getClass().getSimpleName();
            }
            return null;
        }, false);
    }
}
