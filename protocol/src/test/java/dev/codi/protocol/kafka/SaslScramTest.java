package dev.codi.protocol.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.codi.infra.EmbeddedKafka;
import dev.codi.infra.SelfSignedTls;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.Topics;
import dev.codi.protocol.Stage;
import dev.codi.protocol.stage.Outbound;
import dev.codi.protocol.stage.StageVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordImpl;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * codi's Kafka clients against a broker whose only client listener speaks SASL_SSL with
 * SCRAM-SHA-512, configured only through the environment block docs/operations.md gives an
 * operator ("TLS and SASL/SCRAM"), its placeholders filled in: topics created, a job submitted in a
 * transaction and carried through a stage ({@link StageVerticle}'s own consumer, producer and admin
 * client), and a wrong password refused.
 */
class SaslScramTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** A refused login is answered at once; anything near the deadline would be a retry loop. */
    private static final Duration REFUSAL_DEADLINE = Duration.ofSeconds(15);
    private static final String USER = "codi-service";
    private static final String PASSWORD = "scram-secret-1";
    private static final Pattern PLACEHOLDER = Pattern.compile("<[^<>]+>");

    @TempDir
    static Path certificates;

    private static EmbeddedKafka broker;
    private static SelfSignedTls tls;
    private static Vertx vertx;

    @BeforeAll
    static void startBroker() {
        tls = SelfSignedTls.generate(certificates);
        broker = EmbeddedKafka.startSaslSsl(new EmbeddedKafka.SaslSsl(tls, USER, PASSWORD));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopBroker() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theDocumentedVariablesCarryAJobThroughAStage() throws Exception {
        // Given the services' settings, from nothing but the documented variables
        JsonObject deploymentConfig = PipelineConfig.configFromEnvironment(documentedEnvironment(PASSWORD));
        PipelineConfig config = PipelineConfig.from(deploymentConfig);
        KafkaSettings kafka = config.kafka();
        Topics topics = config.topics();
        assertThat(kafka.admin()).containsEntry("security.protocol", "SASL_SSL");

        // When a service creates its topics with its admin client
        TopicSetup.ensureTopics(kafka, topics, TopicSettings.singleBroker(1));
        // Then they exist
        try (Admin admin = Admin.create(kafka.admin())) {
            assertThat(admin.listTopics().names().get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).containsAll(topics.all());
        }

        // When a job is submitted the gateway's way, in one transaction, and a stage runs
        CloudEvent submitted = new CloudEvent("event-1", "/codi/gateway", ForwardingStage.INPUT_TYPE, "job-1",
                Instant.parse("2026-01-01T00:00:00Z"), new JsonObject().put("prompt", "a red square"));
        KafkaProducer<String, Buffer> producer = KafkaProducer.create(vertx,
                kafka.transactionalProducer("sasl-test", "sasl-test-" + System.nanoTime()));
        try {
            await(producer.initTransactions()
                    .compose(ready -> producer.beginTransaction())
                    .compose(begun -> producer.send(CloudEventRecords.toRecord(topics.jobs(), submitted)))
                    .compose(sent -> producer.commitTransaction()));
        } finally {
            await(producer.close());
        }
        ForwardingStage stage = new ForwardingStage();
        String deployment = await(vertx.deployVerticle(stage, new DeploymentOptions().setConfig(deploymentConfig)));

        // Then the stage's read_committed consumer got the CloudEvent as it was sent, and its output is on the next topic
        try (KafkaConsumer<String, Buffer> reader = new KafkaConsumer<>(new LinkedHashMap<String, Object>(kafka.reader("sasl-test-reader")))) {
            TopicPartition output = new TopicPartition(topics.conditioning(), 0);
            reader.assign(List.of(output));
            reader.seekToBeginning(List.of(output));
            List<CloudEvent> forwarded = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (forwarded.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Buffer> record : reader.poll(Duration.ofMillis(200))) {
                    forwarded.add(CloudEventRecords.fromRecord(new KafkaConsumerRecordImpl<>(record)));
                }
            }
            assertThat(stage.received).containsExactly(submitted);
            assertThat(forwarded).singleElement().satisfies(event -> {
                assertThat(event.subject()).isEqualTo(submitted.subject());
                assertThat(event.data()).isEqualTo(submitted.data());
            });
        } finally {
            await(vertx.undeploy(deployment));
        }
    }

    /** The smallest stage: forwards each job from the jobs topic to the conditioning topic. */
    private static final class ForwardingStage extends StageVerticle {
        static final String INPUT_TYPE = "dev.codi.test.forward";
        final List<CloudEvent> received = new CopyOnWriteArrayList<>();

        @Override
        protected Stage stage() {
            return Stage.ENCODER;
        }

        @Override
        protected String inputTopic() {
            return topics.jobs();
        }

        @Override
        protected String inputType() {
            return INPUT_TYPE;
        }

        @Override
        protected void prepare() {
        }

        @Override
        protected List<Outbound> process(List<CloudEvent> batch) {
            received.addAll(batch);
            return batch.stream().map(event -> new Outbound(topics.conditioning(), new CloudEvent(event.id() + "-forwarded",
                    "/codi/test", "dev.codi.test.forwarded", event.subject(), event.time(), event.data()))).toList();
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aWrongPasswordIsRefusedWithAnAuthenticationErrorNotAHang() throws Exception {
        // Given the documented variables with a password the broker does not know
        KafkaSettings kafka = PipelineConfig.from(PipelineConfig.configFromEnvironment(documentedEnvironment("not-" + PASSWORD))).kafka();
        long startedAt = System.nanoTime();
        // When an admin client asks for anything
        try (Admin admin = Admin.create(kafka.admin())) {
            // Then it fails with Kafka's authentication error, long before its own 60 s API timeout
            assertThatThrownBy(() -> admin.listTopics().names().get(REFUSAL_DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("Authentication failed");
        }
        // And so does a stage's consumer
        try (KafkaConsumer<String, Buffer> consumer = new KafkaConsumer<>(new LinkedHashMap<String, Object>(
                kafka.consumer("sasl-refused", "sasl-refused", 8)))) {
            consumer.subscribe(List.of(Topics.defaults().jobs()));
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + REFUSAL_DEADLINE.toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(SaslAuthenticationException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(REFUSAL_DEADLINE.multipliedBy(2));
    }

    @Test
    void theDocumentedBlockSetsOnlyClientPropertiesCodiPassesThrough() throws Exception {
        Map<String, String> environment = documentedEnvironment(PASSWORD);
        Map<String, String> properties = KafkaSettings.clientProperties(environment);

        assertThat(properties.keySet()).containsExactlyInAnyOrder("security.protocol", "sasl.mechanism", "sasl.jaas.config",
                "ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.password");
        assertThat(environment).containsEntry(PipelineConfig.KAFKA_BOOTSTRAP, broker.bootstrapServers());
        assertThat(properties).containsEntry("sasl.mechanism", EmbeddedKafka.SCRAM_MECHANISM)
                .containsEntry("ssl.truststore.type", SelfSignedTls.STORE_TYPE);
    }

    /**
     * The {@code sh} block under docs/operations.md's "TLS and SASL/SCRAM", each {@code <placeholder>}
     * replaced by this test's broker, user and trust store: what an operator sets is what runs here.
     */
    private static Map<String, String> documentedEnvironment(String password) throws Exception {
        Map<String, String> values = Map.of(
                "<broker-1:9093,broker-2:9093>", broker.bootstrapServers(),
                "<user>", USER,
                "<password>", password,
                "</path/to/truststore.p12>", tls.trustStore().toString(),
                "<truststore password>", tls.password());
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : documentedBlock()) {
            int equals = line.indexOf('=');
            Matcher placeholders = PLACEHOLDER.matcher(line.substring(equals + 1));
            StringBuilder value = new StringBuilder();
            while (placeholders.find()) {
                String filled = values.get(placeholders.group());
                assertThat(filled).as("a value for the documented placeholder " + placeholders.group()).isNotNull();
                placeholders.appendReplacement(value, Matcher.quoteReplacement(filled));
            }
            placeholders.appendTail(value);
            environment.put(line.substring(0, equals), value.toString());
        }
        return environment;
    }

    private static List<String> documentedBlock() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "operations.md"));
        int heading = lines.indexOf("### TLS and SASL/SCRAM");
        assertThat(heading).as("docs/operations.md has a \"### TLS and SASL/SCRAM\" section").isNotNegative();
        int open = lines.subList(heading, lines.size()).indexOf("```sh") + heading;
        int close = lines.subList(open + 1, lines.size()).indexOf("```") + open + 1;
        List<String> block = lines.subList(open + 1, close);
        assertThat(block).isNotEmpty().allSatisfy(line -> assertThat(line).matches("CODI_[A-Z_]+=.+"));
        return block;
    }
}
