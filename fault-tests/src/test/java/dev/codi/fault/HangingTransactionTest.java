package dev.codi.fault;

import dev.codi.infra.ForgottenTransaction;
import dev.codi.protocol.kafka.HangingTransactions;
import io.vertx.core.json.JsonArray;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction left hanging on the partitions the gateway submits to: records with no markers,
 * of a transaction its coordinator does not know, which is what a broker that lost a commit's
 * markers leaves behind. Every committed reader of those partitions stops at them: the stages
 * would never see a job submitted after, nor the gateway the job's events. The gateway finds the
 * transaction and ends it ({@link HangingTransactions}): the jobs behind it run, and its records
 * come through again (records no stage can read here, which end on the dead-letter topic).
 */
class HangingTransactionTest {
    private static final int JOBS = 6;
    private static final int STEPS = 4;
    private static final Duration BOUND = Duration.ofMinutes(4);
    private static final List<String> SUBMISSION_TOPICS = List.of("codi.jobs", "codi.job-events");
    private static final int PARTITIONS = 2;

    @Test
    void aTransactionLeftHangingOnEverySubmissionPartitionHoldsNoJobBack() throws Exception {
        // Given a gateway that ends transactions its coordinator does not know once they are open 5 s
        try (FaultCluster cluster = new FaultCluster(
                Map.of("CODI_TOPIC_PARTITIONS", Integer.toString(PARTITIONS), "CODI_MAX_WAIT_MS", "100"),
                Map.of("gateway", Map.of(HangingTransactions.AFTER_VARIABLE, "5")),
                Map.of("encoder-service", 1, "diffusion-service", 1, "decoder-service", 1), Map.of())) {
            cluster.start();
            FaultClient client = new FaultClient(cluster.gatewayUrl());

            // And such a transaction open on every partition of the jobs and job-events topics
            List<String> forgottenKeys = new ArrayList<>();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
                long producerId = 900_000;
                for (String topic : SUBMISSION_TOPICS) {
                    for (int partition = 0; partition < PARTITIONS; partition++) {
                        String key = "forgotten-" + topic + "-" + partition;
                        ForgottenTransaction.write(admin, cluster.bootstrap(), new TopicPartition(topic, partition), producerId++,
                                Map.of(key, "not an event"));
                        forgottenKeys.add(key);
                    }
                }
            }

            // When jobs are submitted behind it
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                ids.add(client.submit(FaultClient.textJob("a blue square moving up", new JsonArray().add("image"), STEPS, 500 + i, null)));
            }

            // Then every job succeeds
            for (String id : ids) {
                assertThat(client.awaitTerminal(id, BOUND).getString("status")).as("job " + id).isEqualTo("succeeded");
            }
            // And the gateway ended the four transactions, and the records of those on the jobs topic
            // came through again, to the encoder, which dead-lettered them
            int hanging = SUBMISSION_TOPICS.size() * PARTITIONS;
            FaultCluster.await("the gateway ending all " + hanging + " hanging transactions", BOUND,
                    () -> endedTransactions(cluster) == hanging, () -> "it ended " + endedTransactions(cluster));
            FaultCluster.await("the hanging transactions' job records on the dead-letter topic", BOUND, () -> {
                Set<String> deadLettered = cluster.readTopic("codi.dead-letter").stream().map(record -> record.key())
                        .collect(Collectors.toSet());
                return forgottenKeys.stream().filter(key -> key.contains("codi.jobs-")).allMatch(deadLettered::contains);
            });
            System.out.printf("hanging transactions: %d ended by the gateway on %s; all %d jobs submitted behind them succeeded%n",
                    endedTransactions(cluster), SUBMISSION_TOPICS, JOBS);
        }
    }

    private static long endedTransactions(FaultCluster cluster) {
        try (var lines = Files.lines(cluster.gateway().log())) {
            return lines.filter(line -> line.contains("ended a hanging transaction")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
