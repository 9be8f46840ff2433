package dev.codi.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
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

    @Override
    public Integer call() throws InterruptedException {
        long started = System.nanoTime();
        Path bundle = model != null ? model : ModelBundles.defaultBundle();
        EmbeddedPipeline pipeline = EmbeddedPipeline.start(new EmbeddedPipeline.Options(port, bundle, diffusionInstances,
                containers, 8));
        long readyMillis = (System.nanoTime() - started) / 1_000_000;
        Runtime runtime = Runtime.getRuntime();
        long heapUsedMiB = (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024);
        System.out.printf("""
                codi is ready in %.1f s (heap in use %d MiB)
                  gateway       %s   (try: curl %s/v1/models)
                  kafka         %s   (%s)
                  object store  %s   bucket codi, access key %s
                  model bundle  %s
                Ctrl-C stops everything.
                """, readyMillis / 1000.0, heapUsedMiB, pipeline.gatewayUrl(), pipeline.gatewayUrl(),
                pipeline.infrastructure().kafkaBootstrapServers(), pipeline.infrastructure().kind(),
                pipeline.infrastructure().s3Endpoint(), pipeline.infrastructure().s3AccessKey(), bundle);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.close();
            stopped.countDown();
        }, "codi-shutdown"));
        stopped.await();
        return 0;
    }
}
