package dev.codi.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Kafka cluster of three brokers, each a KRaft broker and controller in a process of its own (as
 * {@code deploy/local/up.sh --brokers 3} runs them), codi's topics with 3 copies of which 2 must
 * hold a record before it is acknowledged (CODI_TOPIC_REPLICATION_FACTOR, CODI_TOPIC_MIN_INSYNC_REPLICAS),
 * and every client given the three addresses. Under a burst of jobs, the broker leading the
 * diffusion stage's input partition is SIGKILLed and stays down: the other two elect new leaders
 * from the in-sync copies, and every job, those in flight and those submitted after the kill,
 * succeeds with exactly one completion event; no stage is left with lag, and no process dies.
 */
class BrokerFailoverTest {
    private static final int BROKERS = 3;
    private static final int JOBS = 12;
    private static final int STEPS = 4;
    private static final Duration BOUND = Duration.ofMinutes(4);
    private static final String WORK_TOPIC = "codi.conditioning";
    private static final Map<String, String> STAGE_INPUTS = Map.of("encoder-service", "codi.jobs",
            "diffusion-service", WORK_TOPIC, "decoder-service", "codi.latents");

    @Test
    void aBrokerKilledUnderLoadLosesNoJob() throws Exception {
        // Given three brokers, topics of 2 partitions with 3 copies and min.insync.replicas 2, one instance per stage
        try (FaultCluster cluster = new FaultCluster(BROKERS,
                Map.of("CODI_TOPIC_REPLICATION_FACTOR", "3", "CODI_TOPIC_MIN_INSYNC_REPLICAS", "2",
                        "CODI_TOPIC_PARTITIONS", "2", "CODI_MAX_WAIT_MS", "100"),
                Map.of(), Map.of("encoder-service", 1, "diffusion-service", 1, "decoder-service", 1), Map.of())) {
            cluster.start();
            FaultClient client = new FaultClient(cluster.gatewayUrl());
            TopicPartitionInfo before;
            List<String> alsoKilled = new ArrayList<>();
            try (Admin admin = admin(cluster)) {
                before = partition(admin, WORK_TOPIC, 0);
                assertThat(before.replicas()).as("copies of %s-0", WORK_TOPIC).hasSize(3);
                assertThat(before.isr()).as("in-sync copies of %s-0", WORK_TOPIC).hasSize(3);
                Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, WORK_TOPIC)))
                        .all().get(30, TimeUnit.SECONDS).values().iterator().next();
                assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
                // What else the doomed broker is, for the record
                int leader = before.leader().id();
                if (admin.describeMetadataQuorum().quorumInfo().get(15, TimeUnit.SECONDS).leaderId() == leader) {
                    alsoKilled.add("the active controller");
                }
                if (admin.describeConsumerGroups(List.of("diffusion-service")).all().get(15, TimeUnit.SECONDS)
                        .get("diffusion-service").coordinator().id() == leader) {
                    alsoKilled.add("the stages' group coordinator");
                }
            }
            int killed = before.leader().id();
            int restartsBefore = cluster.restarts();

            // When half the burst is submitted, and the diffusion stage samples one of its jobs
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < JOBS / 2; i++) {
                ids.add(client.submit(FaultClient.textJob("a red circle moving left", new JsonArray().add("image"), STEPS, 300 + i, null)));
            }
            FaultCluster.await("a job sampled by the diffusion stage", BOUND, () -> ids.stream().anyMatch(id -> sampling(client, id)));
            int unfinishedAtKill = (int) ids.stream().filter(id -> !terminal(client, id)).count();
            assertThat(unfinishedAtKill).as("jobs in flight when the broker is killed").isPositive();

            // ... the broker leading the diffusion stage's input partition is SIGKILLed, for good
            long killedAt = System.nanoTime();
            cluster.brokers.get(killed - 1).killAndKeepDown();
            CompletableFuture<Long> leaderMoved = CompletableFuture.supplyAsync(() -> {
                FaultCluster.await("a new leader of " + WORK_TOPIC + "-0", BOUND, () -> {
                    try (Admin admin = admin(cluster)) {
                        Node leader = partition(admin, WORK_TOPIC, 0).leader();
                        return leader != null && leader.id() != killed;
                    } catch (Exception e) {
                        return false;
                    }
                });
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            });
            // ... and the other half is submitted while it is gone
            for (int i = JOBS / 2; i < JOBS; i++) {
                ids.add(client.submit(FaultClient.textJob("a blue square moving up", new JsonArray().add("image"), STEPS, 300 + i, null)));
            }

            // Then every job succeeds
            for (String id : ids) {
                JsonObject job = client.awaitTerminal(id, BOUND);
                assertThat(job.getString("status")).as("job %s: %s", id, job.getString("error")).isEqualTo("succeeded");
            }
            long allDoneMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            // ... with exactly one completion event each, read from the two brokers left
            Map<String, Set<String>> completions = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : cluster.readTopic("codi.job-events")) {
                String type = FaultCluster.header(record, "ce_type");
                if (ids.contains(record.key()) && type != null && type.matches(".*job\\.(succeeded|failed|canceled)")) {
                    completions.computeIfAbsent(record.key(), key -> new HashSet<>()).add(FaultCluster.header(record, "ce_id"));
                }
            }
            assertThat(completions).as("completion events per job").hasSize(JOBS)
                    .allSatisfy((id, completionIds) -> assertThat(completionIds).as("completions of " + id).hasSize(1));
            // ... every stage's group has its member and nothing left to read, on the new leaders
            FaultCluster.await("every stage group with members and zero lag", Duration.ofMinutes(2), () -> {
                try {
                    return cluster.groupLagAndMembers(STAGE_INPUTS).values().stream().allMatch(lm -> lm[0] == 0 && lm[1] >= 1);
                } catch (Exception e) {
                    return false;
                }
            });
            long leaderMillis = leaderMoved.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            try (Admin admin = admin(cluster)) {
                TopicPartitionInfo after = partition(admin, WORK_TOPIC, 0);
                assertThat(after.isr().stream().map(Node::id)).as("in-sync copies of %s-0 after the kill", WORK_TOPIC)
                        .doesNotContain(killed).hasSize(2);
            }
            // ... no process died of it, and the client saw no 5xx but 503 with Retry-After
            assertThat(cluster.restarts() - restartsBefore).as("services restarted").isZero();
            assertThat(client.serverErrorsWithoutRetryAfter.get()).as("5xx answers other than 503 + Retry-After").isZero();
            System.out.printf("broker failover: killed broker %d (leader of %s-0%s) with %d of %d submitted jobs in flight, %d more "
                            + "submitted after; new leader in %d ms; all %d jobs succeeded once, %d ms after the kill; "
                            + "client statuses %s%n", killed, WORK_TOPIC, alsoKilled.isEmpty() ? "" : ", " + String.join(", ", alsoKilled),
                    unfinishedAtKill, JOBS / 2, JOBS - JOBS / 2, leaderMillis, JOBS, allDoneMillis, client.statuses);
        }
    }

    private static Admin admin(FaultCluster cluster) {
        return Admin.create(Map.of("bootstrap.servers", cluster.bootstrap(), "request.timeout.ms", "5000",
                "default.api.timeout.ms", "10000"));
    }

    private static TopicPartitionInfo partition(Admin admin, String topic, int partition) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
        return description.partitions().get(partition);
    }

    /** Whether the job is being sampled or past it. */
    private static boolean sampling(FaultClient client, String id) {
        JsonObject job = job(client, id);
        if (job == null) {
            return false;
        }
        JsonObject progress = job.getJsonObject("progress");
        return "succeeded".equals(job.getString("status"))
                || progress != null && "diffusion-service".equals(progress.getString("stage")) && progress.getInteger("step", 0) > 0;
    }

    private static boolean terminal(FaultClient client, String id) {
        JsonObject job = job(client, id);
        return job != null && Set.of("succeeded", "failed", "canceled").contains(job.getString("status"));
    }

    private static JsonObject job(FaultClient client, String id) {
        try {
            return client.job(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // The three helpers below are ShareGroupWorkQueueTest's, copied.
}
