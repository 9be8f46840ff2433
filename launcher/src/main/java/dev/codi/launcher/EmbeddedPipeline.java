package dev.codi.launcher;

import dev.codi.decoder.DecoderVerticle;
import dev.codi.diffusion.DiffusionVerticle;
import dev.codi.encoder.EncoderVerticle;
import dev.codi.gateway.GatewayConfig;
import dev.codi.gateway.auth.ApiKeys;
import dev.codi.gateway.webhooks.SsrfGuard;
import dev.codi.gateway.webhooks.WebhookSecrets;
import dev.codi.gateway.GatewayVerticle;
import dev.codi.infra.Infrastructure;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.Topics;
import dev.codi.protocol.kafka.TopicSetup;
import dev.codi.protocol.metrics.ProcessMetrics;
import dev.codi.service.ServiceSettings;
import dev.codi.storage.ObjectStoreConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The whole system in one JVM (docs/design.md §2, "one machine, one command"): a real Kafka broker and
 * a real S3-compatible server (in-process, or containers where a Docker engine exists), and
 * every stage deployed as Vert.x verticles configured exactly as separate processes would be.
 */
public final class EmbeddedPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPipeline.class);
    private static final long START_TIMEOUT_SECONDS = 120;

    /**
     * @param httpPort           gateway port; 0 picks a free one
     * @param modelDirectory     the model bundle every stage loads
     * @param diffusionInstances diffusion-service instances (one consumer group)
     * @param allowContainers    use Testcontainers when a Docker engine exists
     * @param apiKeys            the gateway's API keys; empty: one is created ({@link #apiKey()})
     * @param gatewaySettings    further CODI_* settings for the gateway (webhook policy, TTLs)
     */
    public record Options(int httpPort, Path modelDirectory, int diffusionInstances, boolean allowContainers,
                          int topicPartitions, List<String> apiKeys, JsonObject gatewaySettings) {
        public Options(int httpPort, Path modelDirectory, int diffusionInstances, boolean allowContainers, int topicPartitions) {
            this(httpPort, modelDirectory, diffusionInstances, allowContainers, topicPartitions, List.of(), new JsonObject());
        }

        public Options {
            apiKeys = List.copyOf(apiKeys);
            gatewaySettings = gatewaySettings.copy();
            if (diffusionInstances < 0) {
                throw new IllegalArgumentException("diffusion instances must be ≥ 0, got " + diffusionInstances);
            }
            if (topicPartitions < 1) {
                throw new IllegalArgumentException("topic partitions must be ≥ 1, got " + topicPartitions);
            }
        }
    }

    private final Infrastructure infrastructure;
    private final Vertx vertx;
    private final JsonObject config;
    private final List<String> diffusionDeployments = new ArrayList<>();
    private final List<String> apiKeys;
    private final boolean apiKeyCreated;
    private String gatewayDeployment;
    private GatewayVerticle gateway;

    private EmbeddedPipeline(Infrastructure infrastructure, Vertx vertx, JsonObject config, List<String> apiKeys,
                             boolean apiKeyCreated) {
        this.infrastructure = infrastructure;
        this.vertx = vertx;
        this.config = config;
        this.apiKeys = apiKeys;
        this.apiKeyCreated = apiKeyCreated;
    }

    public static EmbeddedPipeline start(Options options) {
        Infrastructure infrastructure = options.allowContainers() ? Infrastructure.start() : Infrastructure.startInProcess();
        Vertx vertx = ProcessMetrics.vertx();
        JsonObject config = new JsonObject()
                .put(PipelineConfig.KAFKA_BOOTSTRAP, infrastructure.kafkaBootstrapServers())
                .put(PipelineConfig.TOPIC_PREFIX, Topics.DEFAULT_PREFIX)
                .put(ObjectStoreConfig.ENDPOINT_VARIABLE, infrastructure.s3Endpoint().toString())
                .put(ObjectStoreConfig.ACCESS_KEY_VARIABLE, infrastructure.s3AccessKey())
                .put(ObjectStoreConfig.SECRET_KEY_VARIABLE, infrastructure.s3SecretKey())
                .put(ServiceSettings.MODEL_DIR, options.modelDirectory().toAbsolutePath().toString())
                .put(GatewayConfig.PORT, options.httpPort())
                // A local run delivers webhooks to local receivers unless told otherwise (--no-loopback-webhooks).
                .put(SsrfGuard.ALLOW_LOOPBACK_VARIABLE, true)
                // Stable for this run, gateway restarts included; separate deployments set their own.
                .put(WebhookSecrets.SIGNING_KEY_VARIABLE, ApiKeys.newKey(new SecureRandom()));
        config.mergeIn(options.gatewaySettings());
        boolean createKey = options.apiKeys().isEmpty();
        List<String> keys = createKey ? List.of(ApiKeys.newKey(new SecureRandom())) : options.apiKeys();
        // The gateway gets only the keys' hashes: the plain keys stay with whoever started us.
        config.put(ApiKeys.KEY_HASHES_VARIABLE, String.join(",", keys.stream().map(ApiKeys::sha256Hex).toList()));
        config.remove(ApiKeys.KEYS_VARIABLE);
        EmbeddedPipeline pipeline = new EmbeddedPipeline(infrastructure, vertx, config, keys, createKey);
        try {
            PipelineConfig pipelineConfig = PipelineConfig.from(config);
            TopicSetup.ensureTopics(pipelineConfig.kafka(), pipelineConfig.topics(),
                    TopicSettings.from(config).withPartitions(options.topicPartitions()));
            pipeline.await(pipeline.deploy(EncoderVerticle::new));
            for (int i = 0; i < options.diffusionInstances(); i++) {
                pipeline.await(pipeline.deployDiffusionInstance());
            }
            pipeline.await(pipeline.deploy(DecoderVerticle::new));
            pipeline.startGateway();
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    /** Deploys one more instance of a stage; returns its deployment id (for {@link #undeploy}). */
    public Future<String> deploy(Supplier<? extends VerticleBase> stage) {
        return vertx.deployVerticle(stage, new DeploymentOptions().setConfig(config.copy()));
    }

    /** Deploys one more diffusion-service instance (same consumer group: they share the partitions). */
    public Future<String> deployDiffusionInstance() {
        return deploy(DiffusionVerticle::new).onSuccess(diffusionDeployments::add);
    }

    /** Deployment ids of the diffusion-service instances running now, oldest first. */
    public List<String> diffusionDeployments() {
        return List.copyOf(diffusionDeployments);
    }

    /** Stops one stage instance the way a crash-free shutdown would: in-flight work is not committed. */
    public void undeploy(String deploymentId) {
        await(vertx.undeploy(deploymentId));
        diffusionDeployments.remove(deploymentId);
    }

    /** Starts the gateway (again, after {@link #stopGateway()}): it rebuilds its job view from Kafka. */
    public void startGateway() {
        GatewayVerticle verticle = new GatewayVerticle();
        gatewayDeployment = await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config.copy())));
        gateway = verticle;
        // Keep the same port on restart so clients need not be told.
        config.put(GatewayConfig.PORT, verticle.actualPort());
    }

    public void stopGateway() {
        await(vertx.undeploy(gatewayDeployment));
        gatewayDeployment = null;
    }

    /** The first API key the gateway accepts (the created one when none was given). */
    public String apiKey() {
        return apiKeys.get(0);
    }

    /** True when no key was given and {@link #apiKey()} was created for this run. */
    public boolean apiKeyCreated() {
        return apiKeyCreated;
    }

    /** The gateway's routes, "METHOD /path" (what the OpenAPI document must describe). */
    public List<String> gatewayRoutes() {
        return gateway.routes();
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + gateway.actualPort();
    }

    /** True when the gateway delivers webhooks to loopback addresses. */
    public boolean loopbackWebhooksAllowed() {
        return Boolean.parseBoolean(config.getValue(SsrfGuard.ALLOW_LOOPBACK_VARIABLE).toString());
    }

    public JsonObject config() {
        return config.copy();
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    public Vertx vertx() {
        return vertx;
    }

    private <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + START_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("services did not stop cleanly: {}", e.toString());
        }
        infrastructure.close();
    }
}
