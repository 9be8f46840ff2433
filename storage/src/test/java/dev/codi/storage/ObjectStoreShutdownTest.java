package dev.codi.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codi.infra.EmbeddedS3;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The notes measured that an unclosed MinIO client keeps its JVM alive ~60 s via OkHttp's dispatcher. */
class ObjectStoreShutdownTest {

    private static final Duration GRACE = Duration.ofSeconds(5);

    @Test
    void closingTheStoreStopsItsHttpDispatcherThreads() throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.start()) {
            ObjectStore store = new ObjectStore(new ObjectStoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(),
                    "shutdown", "us-east-1"));
            store.ensureBucket();
            store.put("k", new byte[] {1}, "application/octet-stream");
            assertThat(dispatcherThreadsAlive()).isPositive();

            store.close();

            long deadline = System.nanoTime() + GRACE.toNanos();
            while (dispatcherThreadsAlive() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(dispatcherThreadsAlive()).isZero();
        }
    }

    private static long dispatcherThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && t.getName().startsWith("OkHttp"))
                .count();
    }
}
