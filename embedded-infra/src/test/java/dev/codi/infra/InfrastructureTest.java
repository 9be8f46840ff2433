package dev.codi.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

class InfrastructureTest {

    @Test
    void theChosenInfrastructureMatchesDockerAvailabilityAndItsCoordinatesWork() throws Exception {
        try (Infrastructure infrastructure = Infrastructure.start()) {
            Infrastructure.Kind expected = DockerClientFactory.instance().isDockerAvailable()
                    ? Infrastructure.Kind.CONTAINERS : Infrastructure.Kind.IN_PROCESS;
            assertThat(infrastructure.kind()).isEqualTo(expected);

            infrastructure.createTopics(Map.of("coordinates", 2));
            try (KafkaProducer<String, String> producer = EmbeddedKafkaTest.producer(infrastructure.kafkaBootstrapServers())) {
                assertThat(producer.send(new ProducerRecord<>("coordinates", "k", "v")).get().topic()).isEqualTo("coordinates");
            }
            try (MinioClient client = MinioClient.builder().endpoint(infrastructure.s3Endpoint().toString())
                    .credentials(infrastructure.s3AccessKey(), infrastructure.s3SecretKey()).build()) {
                client.makeBucket(MakeBucketArgs.builder().bucket("coordinates").build());
                assertThat(client.bucketExists(BucketExistsArgs.builder().bucket("coordinates").build())).isTrue();
            }
        }
    }

    @Test
    void containerEnvironmentCarriesTheSameBrokerTuning() {
        assertThat(BrokerTuning.singleNodeEnvironment())
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS", "500")
                .containsEntry("KAFKA_MESSAGE_MAX_BYTES", Integer.toString(BrokerTuning.MAX_MESSAGE_BYTES))
                .hasSameSizeAs(BrokerTuning.singleNodeProperties());
    }
}
