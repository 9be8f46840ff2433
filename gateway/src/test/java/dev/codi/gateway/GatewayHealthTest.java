package dev.codi.gateway;

import dev.codi.infra.EmbeddedS3;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.stage.DecoderLiveness;
import dev.codi.storage.ObjectStore;
import dev.codi.storage.ObjectStoreConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The readiness check only reads: a bucket missing from the store makes the gateway not ready, and is not created behind the operator's back. */
class GatewayHealthTest {
    @Test
    void runawayMediaDecodersPastTheirBoundMakeTheGatewayNotLive() {
        java.util.concurrent.atomic.AtomicInteger abandoned = new java.util.concurrent.atomic.AtomicInteger();
        Vertx vertx = Vertx.vertx();
        ObjectStoreConfig unused = new ObjectStoreConfig(java.net.URI.create("http://127.0.0.1:1"), "k", "s", "codi",
                ObjectStoreConfig.DEFAULT_REGION);
        try (ObjectStore store = new ObjectStore(unused)) {
            GatewayHealth health = new GatewayHealth(vertx, new KafkaSettings("127.0.0.1:1"), store,
                    new DecoderLiveness(1, abandoned::get));
            assertThat(health.liveness().getString("status")).isEqualTo("live");
            abandoned.set(2);
            assertThat(health.liveness().getString("status")).isEqualTo("not live");
            assertThat(health.liveness().getString("media_decoders")).contains("2 media decoders abandoned");
            health.stop();
        } finally {
            vertx.close();
        }
    }

    @Test
    void aMissingBucketMakesTheGatewayNotReadyAndTheCheckCreatesNothing() throws Exception {
        EmbeddedS3 s3 = EmbeddedS3.start();
        Vertx vertx = Vertx.vertx();
        // Bucket creation is on (the default): only the gateway's start creates the bucket, never its probe.
        ObjectStoreConfig config = new ObjectStoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), "health-probe",
                ObjectStoreConfig.DEFAULT_REGION);
        try (ObjectStore store = new ObjectStore(config)) {
            // Nothing listens on port 1: Kafka's part of the check fails, the store's still runs.
            GatewayHealth health = new GatewayHealth(vertx, new KafkaSettings("127.0.0.1:1"), store, DecoderLiveness.from(Map.of()));
            health.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (health.readiness().getString("object_store").equals("not checked yet") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            health.stop();

            assertThat(health.readiness().getString("status")).isEqualTo("not ready");
            assertThat(health.readiness().getString("object_store")).isEqualTo("bucket health-probe does not exist");
            assertThat(store.bucketReachable()).as("the probe created no bucket").isFalse();
            store.ensureBucket();
            assertThat(store.bucketReachable()).isTrue();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            s3.close();
        }
    }
}
