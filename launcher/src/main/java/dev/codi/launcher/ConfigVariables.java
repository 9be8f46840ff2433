package dev.codi.launcher;

import dev.codi.gateway.GatewayConfig;
import dev.codi.gateway.admission.AdmissionConfig;
import dev.codi.gateway.auth.ApiKeys;
import dev.codi.gateway.idempotency.IdempotencyKeys;
import dev.codi.gateway.jobs.StallWatch;
import dev.codi.gateway.uploads.Uploads;
import dev.codi.gateway.webhooks.RetrySchedule;
import dev.codi.gateway.webhooks.SsrfGuard;
import dev.codi.gateway.webhooks.WebhookDelivery;
import dev.codi.gateway.webhooks.WebhookSecrets;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.Stage;
import dev.codi.protocol.kafka.HangingTransactions;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.logging.LogConfigurator;
import dev.codi.protocol.stage.AdminServer;
import dev.codi.protocol.stage.DecoderLiveness;
import dev.codi.protocol.stage.StageSettings;
import dev.codi.protocol.tracing.Tracing;
import dev.codi.service.ServiceSettings;
import dev.codi.storage.ObjectStoreConfig;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which environment variables each service reads, assembled from the constants the services read
 * them by: what deployment manifests may set (checked by the manifest test). A variable missing
 * here is one a service ignores.
 */
public final class ConfigVariables {
    /** Read by every service: Kafka, topics, batching, the object store, logging, tracing. */
    private static final List<String> EVERY_SERVICE = List.of(
            PipelineConfig.KAFKA_BOOTSTRAP, PipelineConfig.TOPIC_PREFIX, PipelineConfig.MAX_BATCH, PipelineConfig.MAX_WAIT_MS,
            TopicSettings.PARTITIONS, TopicSettings.REPLICATION_FACTOR, TopicSettings.MIN_INSYNC_REPLICAS, TopicSettings.CREATE,
            ObjectStoreConfig.ENDPOINT_VARIABLE, ObjectStoreConfig.PUBLIC_ENDPOINT_VARIABLE, ObjectStoreConfig.CREDENTIALS_VARIABLE,
            ObjectStoreConfig.CREATE_BUCKET_VARIABLE, ObjectStoreConfig.ACCESS_KEY_VARIABLE, ObjectStoreConfig.SECRET_KEY_VARIABLE,
            ObjectStoreConfig.BUCKET_VARIABLE, ObjectStoreConfig.REGION_VARIABLE, ObjectStoreConfig.CONNECT_TIMEOUT_VARIABLE,
            ObjectStoreConfig.IO_TIMEOUT_VARIABLE,
            LogConfigurator.FORMAT_VARIABLE, LogConfigurator.LEVEL_VARIABLE, Tracing.ENDPOINT, Tracing.TRACES_ENDPOINT,
            DecoderLiveness.MAX_ABANDONED_VARIABLE);
    /** Read by the model stages (encoder, diffusion, decoder). */
    private static final List<String> MODEL_STAGES = List.of(
            ServiceSettings.MODEL_DIR, ServiceSettings.MODEL_PREFIX, ServiceSettings.NETWORKS_AT_ONCE,
            StageSettings.MAX_DELIVERY_ATTEMPTS, StageSettings.RETRY_BACKOFF_MAX_MS, StageSettings.POLL_KEEPALIVE_MS,
            StageSettings.CATCH_UP_TIMEOUT_SECONDS, StageSettings.WORK_DELIVERY,
            AdminServer.PORT_VARIABLE, AdminServer.HOST_VARIABLE);
    /** Read by the gateway. */
    private static final List<String> GATEWAY = List.of(
            GatewayConfig.HOST, GatewayConfig.PORT, GatewayConfig.BODY_LIMIT, GatewayConfig.ARTIFACT_URL_TTL, GatewayConfig.MODEL_DIR,
            ApiKeys.KEYS_VARIABLE, ApiKeys.KEY_HASHES_VARIABLE,
            WebhookSecrets.SIGNING_KEY_VARIABLE, WebhookSecrets.GRACE_VARIABLE,
            RetrySchedule.SCHEDULE_VARIABLE, RetrySchedule.JITTER_VARIABLE, WebhookDelivery.TIMEOUT_VARIABLE,
            SsrfGuard.ALLOW_LOOPBACK_VARIABLE, SsrfGuard.ALLOW_PRIVATE_VARIABLE,
            Uploads.LIMIT_VARIABLE, IdempotencyKeys.TTL_VARIABLE, StallWatch.TIMEOUT_VARIABLE, HangingTransactions.AFTER_VARIABLE,
            AdmissionConfig.DECODE_THREADS, AdmissionConfig.DECODE_QUEUE, AdmissionConfig.RETRY_AFTER, AdmissionConfig.RATE,
            AdmissionConfig.BURST, AdmissionConfig.ACTIVE_JOBS, AdmissionConfig.EVENT_STREAMS, AdmissionConfig.UPLOAD_BYTES,
            AdmissionConfig.CONNECTIONS, AdmissionConfig.IDLE_TIMEOUT, AdmissionConfig.REQUEST_TIMEOUT, AdmissionConfig.PIPELINE_BACKLOG);
    /**
     * Read by the JVM and DJL rather than by codi's code: JVM flags, and DJL kept offline with its
     * natives in a directory of the deployment's choosing (docs/operations.md).
     */
    public static final Set<String> PLATFORM = Set.of("JAVA_TOOL_OPTIONS", "OPT_OUT_TRACKING", "DJL_CACHE_DIR");

    private ConfigVariables() {
    }

    /** The variables {@code service} reads (its {@code CODI_KAFKA_CLIENT_*} family aside: see {@link #isReadBy}). */
    public static Set<String> readBy(Stage service) {
        Set<String> names = new TreeSet<>(EVERY_SERVICE);
        names.addAll(service == Stage.GATEWAY ? GATEWAY : MODEL_STAGES);
        return names;
    }

    /**
     * True when {@code service} reads {@code variable}: one of {@link #readBy}, a Kafka client
     * property, one of OpenTelemetry's standard {@code OTEL_*} variables (handed to its
     * autoconfiguration), or a platform variable.
     */
    public static boolean isReadBy(Stage service, String variable) {
        return readBy(service).contains(variable) || PLATFORM.contains(variable)
                || variable.startsWith(Tracing.VARIABLE_PREFIX) && variable.length() > Tracing.VARIABLE_PREFIX.length()
                || variable.startsWith(KafkaSettings.CLIENT_PROPERTY_PREFIX) && variable.length() > KafkaSettings.CLIENT_PROPERTY_PREFIX.length();
    }

    /** Every variable any service reads. */
    public static Set<String> all() {
        Set<String> names = new TreeSet<>();
        for (Stage service : EnumSet.allOf(Stage.class)) {
            names.addAll(readBy(service));
        }
        return names;
    }
}
