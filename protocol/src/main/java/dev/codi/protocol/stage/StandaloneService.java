package dev.codi.protocol.stage;

import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.kafka.TopicSetup;
import dev.codi.protocol.metrics.ProcessMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one service as its own process against the Kafka and object storage named by CODI_*
 * environment variables: start more processes to scale a stage (they share its consumer
 * group). Creates the topics if they are missing, or only checks they exist ({@link TopicSettings}).
 * Stops cleanly on SIGTERM: a stage closes without committing unfinished work. With
 * {@value AdminServer#PORT_VARIABLE} set, a stage also answers liveness and readiness probes there.
 */
public final class StandaloneService {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneService.class);

    private StandaloneService() {
    }

    public static void run(String name, Supplier<VerticleBase> verticle) {
        JsonObject config = PipelineConfig.configFromEnvironment(System.getenv());
        PipelineConfig pipeline = PipelineConfig.from(config);
        TopicSetup.ensureTopics(pipeline.kafka(), pipeline.topics(), TopicSettings.from(config));
        // Run with -XX:+ExitOnOutOfMemoryError (deploy/local does): a JVM that ran out of memory
        // may have lost a Kafka client's thread and can no longer be trusted; its supervisor restarts it.
        Vertx vertx = ProcessMetrics.vertx();
        VerticleBase instance = verticle.get();
        String adminPort = config.getString(AdminServer.PORT_VARIABLE);
        if (adminPort != null && !adminPort.isBlank() && instance instanceof StageVerticle stage) {
            AdminServer.start(vertx, config.getString(AdminServer.HOST_VARIABLE, "127.0.0.1"), Integer.parseInt(adminPort),
                            stage.health())
                    .onSuccess(server -> LOG.info("{} probes on http://{}:{}/health/ready", name,
                            config.getString(AdminServer.HOST_VARIABLE, "127.0.0.1"), server.actualPort()))
                    .onFailure(error -> {
                        LOG.error("{} could not open its admin port {}: {}", name, adminPort, error.toString());
                        System.exit(1);
                    });
        }
        vertx.deployVerticle(instance, new DeploymentOptions().setConfig(config))
                .onSuccess(id -> LOG.info("{} started", name))
                .onFailure(error -> {
                    LOG.error("{} could not start: {}", name, error.getMessage(), error);
                    vertx.close();
                    System.exit(1);
                });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("{} did not stop within 30 s: {}", name, e.toString());
            }
        }, name + "-shutdown"));
    }
}
