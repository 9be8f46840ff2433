package dev.codi.infra;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka plus an S3-compatible store for integration tests and the all-in-one launcher: containers
 * (Testcontainers Kafka and MinIO) where a Docker engine exists, the in-process servers
 * ({@link EmbeddedKafka}, {@link EmbeddedS3}) where it does not. Callers see the same four
 * coordinates either way.
 */
public final class Infrastructure implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Infrastructure.class);

    /** Same Kafka release as the in-process broker (kafka.version in the root pom). */
    static final String KAFKA_IMAGE = "apache/kafka:4.4.0";
    /** A MinIO server release known to work with Testcontainers' MinIOContainer. */
    static final String MINIO_IMAGE = "minio/minio:RELEASE.2023-09-04T19-57-37Z";

    /** Where the services run. */
    public enum Kind { CONTAINERS, IN_PROCESS }

    private final Kind kind;
    private final String kafkaBootstrapServers;
    private final URI s3Endpoint;
    private final String s3AccessKey;
    private final String s3SecretKey;
    /** Closed in reverse order of start. */
    private final List<AutoCloseable> resources;

    private Infrastructure(Kind kind, String kafkaBootstrapServers, URI s3Endpoint, String s3AccessKey,
                           String s3SecretKey, List<AutoCloseable> resources) {
        this.kind = kind;
        this.kafkaBootstrapServers = kafkaBootstrapServers;
        this.s3Endpoint = s3Endpoint;
        this.s3AccessKey = s3AccessKey;
        this.s3SecretKey = s3SecretKey;
        this.resources = List.copyOf(resources);
    }

    /** Containers if a Docker engine answers, in-process servers otherwise. */
    public static Infrastructure start() {
        // Without Docker this returns false after ~1.6 s, logging one ERROR and throwing nothing.
        if (DockerClientFactory.instance().isDockerAvailable()) {
            LOG.info("Docker engine available: starting Kafka and MinIO containers");
            return startContainers();
        }
        LOG.info("No Docker engine: starting in-process Kafka (KRaft) and S3 (S3Proxy) servers");
        return startInProcess();
    }

    /** Real Kafka and S3Proxy servers in this JVM on loopback ports, data in temporary directories. */
    public static Infrastructure startInProcess() {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            EmbeddedKafka kafka = track(started, EmbeddedKafka.start());
            EmbeddedS3 s3 = track(started, EmbeddedS3.start());
            return new Infrastructure(Kind.IN_PROCESS, kafka.bootstrapServers(), s3.endpoint(),
                    s3.accessKey(), s3.secretKey(), started);
        } catch (RuntimeException e) {
            closeAll(started, e);
            throw e;
        }
    }

    /** Kafka and MinIO containers; needs a Docker engine. */
    public static Infrastructure startContainers() {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Map<String, String> tuning = BrokerTuning.singleNodeEnvironment();
            KafkaContainer kafka = track(started, new KafkaContainer(KAFKA_IMAGE).withEnv(tuning));
            kafka.start();
            MinIOContainer minio = track(started, new MinIOContainer(MINIO_IMAGE));
            minio.start();
            return new Infrastructure(Kind.CONTAINERS, kafka.getBootstrapServers(), URI.create(minio.getS3URL()),
                    minio.getUserName(), minio.getPassword(), started);
        } catch (RuntimeException e) {
            closeAll(started, e);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> started, T resource) {
        started.add(resource);
        return resource;
    }

    public Kind kind() {
        return kind;
    }

    /** {@code host:port} for Kafka clients' {@code bootstrap.servers}. */
    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    public URI s3Endpoint() {
        return s3Endpoint;
    }

    public String s3AccessKey() {
        return s3AccessKey;
    }

    public String s3SecretKey() {
        return s3SecretKey;
    }

    /** Creates topics (replication factor 1); existing ones are left alone. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        KafkaTopics.createTopics(kafkaBootstrapServers, partitionsByTopic);
    }

    @Override
    public void close() {
        RuntimeException failure = new IllegalStateException("could not stop all of the " + kind + " infrastructure");
        closeAll(resources, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /** Closes in reverse start order, recording failures on {@code failure} so none hides another. */
    private static void closeAll(List<AutoCloseable> resources, Throwable failure) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
