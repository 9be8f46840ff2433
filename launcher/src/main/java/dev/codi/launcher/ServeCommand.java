package dev.codi.launcher;

import dev.codi.gateway.auth.ApiKeys;
import dev.codi.gateway.webhooks.SsrfGuard;
import dev.codi.protocol.tracing.Tracing;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code codi serve}: the broker, the object store and every stage in this JVM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start Kafka (KRaft), an S3-compatible store and every stage in one JVM, gateway on localhost.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "gateway port (default ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(names = "--model", description = "model bundle directory (default: models/codi-tiny, else a random bundle)")
    Path model;

    @Option(names = "--diffusion-instances", defaultValue = "1", description = "diffusion-service instances (default ${DEFAULT-VALUE})")
    int diffusionInstances;

    @Option(names = "--containers", description = "use Testcontainers Kafka and MinIO when a Docker engine exists")
    boolean containers;

    @Option(names = "--no-loopback-webhooks", description = "refuse webhook URLs on loopback addresses (allowed by default in a local run)")
    boolean noLoopbackWebhooks;

    @Override
    public Integer call() throws InterruptedException {
        long started = System.nanoTime();
        Path bundle = model != null ? model : ModelBundles.defaultBundle();
        String keysVariable = System.getenv(ApiKeys.KEYS_VARIABLE);
        List<String> keys = keysVariable == null ? List.of()
                : Arrays.stream(keysVariable.split(",")).map(String::strip).filter(key -> !key.isEmpty()).toList();
        EmbeddedPipeline pipeline = EmbeddedPipeline.start(new EmbeddedPipeline.Options(port, bundle, diffusionInstances,
                containers, 8, keys, new JsonObject().put(SsrfGuard.ALLOW_LOOPBACK_VARIABLE, !noLoopbackWebhooks)
                        .mergeIn(Tracing.variablesFrom(System.getenv()))));
        long readyMillis = (System.nanoTime() - started) / 1_000_000;
        Runtime runtime = Runtime.getRuntime();
        long heapUsedMiB = (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
        System.out.printf("""
                codi is ready in %.1f s (heap in use %d MiB)
                  gateway       %s   (try: curl -H 'Authorization: Bearer <key>' %s/v1/models)
                  kafka         %s   (%s)
                  object store  %s   bucket codi, access key %s
                  model bundle  %s
                  API key       %s
                  webhooks      loopback targets %s
                Ctrl-C stops everything.
                """, readyMillis / 1000.0, heapUsedMiB, pipeline.gatewayUrl(), pipeline.gatewayUrl(),
                pipeline.infrastructure().kafkaBootstrapServers(), pipeline.infrastructure().kind(),
                pipeline.infrastructure().s3Endpoint(), pipeline.infrastructure().s3AccessKey(), bundle,
                pipeline.apiKeyCreated()
                        ? pipeline.apiKey() + "   (created for this run; set " + ApiKeys.KEYS_VARIABLE + " to choose your own)"
                        : keys.size() + " from " + ApiKeys.KEYS_VARIABLE,
                pipeline.loopbackWebhooksAllowed() ? "allowed (--no-loopback-webhooks refuses them)" : "refused");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.close();
            stopped.countDown();
        }, "codi-shutdown"));
        stopped.await();
        return 0;
    }
}
