package dev.codi.launcher;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.Stage;
import dev.codi.protocol.events.EventTypes;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Scaling a stage, restarting the gateway, and a stage dying mid-job, on the real broker. */
class ScalingAndRecoveryTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(180);

    @Test
    void twoDiffusionInstancesShareThePartitionsAndEveryJobOfABurstCompletesOnce() throws Exception {
        // Given a second diffusion-service instance in the same consumer group
        EmbeddedPipeline pipeline = SharedPipeline.get();
        String second = pipeline.deployDiffusionInstance().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        try {
            awaitGroupMembers(Stage.DIFFUSION.consumerGroup(), 2);

            // When a burst of 24 jobs arrives
            CodiClient client = SharedPipeline.client();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                ids.add(client.submit(SharedPipeline.textJob("a green triangle moving right", List.of("image"), 4, 1000 + i))
                        .getString("id"));
            }

            // Then every job succeeds, and each has exactly one completion event
            for (String id : ids) {
                assertThat(client.awaitFinished(id, JOB_TIMEOUT, s -> { }).getString("status")).isEqualTo("succeeded");
            }
            Map<String, Long> completions = SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                    .filter(event -> event.type().equals(EventTypes.JOB_SUCCEEDED) && ids.contains(event.jobId()))
                    .collect(Collectors.groupingBy(CloudEvent::jobId, Collectors.counting()));
            assertThat(completions).hasSize(ids.size()).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        } finally {
            pipeline.undeploy(second);
        }
    }

    @Test
    void aRestartedGatewayRebuildsTheJobViewFromKafka() throws Exception {
        // Given a finished job
        CodiClient client = SharedPipeline.client();
        String id = client.submit(SharedPipeline.textJob("a purple cross moving down", List.of("image", "text"), 4, 5))
                .getString("id");
        JsonObject before = client.awaitFinished(id, JOB_TIMEOUT, s -> { });

        // When the gateway restarts (a fresh verticle: an empty view)
        EmbeddedPipeline pipeline = SharedPipeline.get();
        pipeline.stopGateway();
        pipeline.startGateway();

        // Then it knows the job as before
        JsonObject after = SharedPipeline.client().job(id);
        assertThat(after.getString("status")).isEqualTo("succeeded");
        assertThat(after.getJsonObject("timings")).isEqualTo(before.getJsonObject("timings"));
        assertThat(after.getString("text")).isEqualTo(before.getString("text"));
        assertThat(after.getJsonArray("artifacts").stream().map(a -> ((JsonObject) a).getString("sha256")).toList())
                .isEqualTo(before.getJsonArray("artifacts").stream().map(a -> ((JsonObject) a).getString("sha256")).toList());
    }

    @Test
    void aDiffusionInstanceClosedMidJobLeavesTheJobToAnotherWhichCompletesItOnce() throws Exception {
        // Given the only diffusion instance working on a long job
        EmbeddedPipeline pipeline = SharedPipeline.get();
        String doomed = pipeline.deployDiffusionInstance().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        String original = pipeline.diffusionDeployments().get(0);
        pipeline.undeploy(original);
        CodiClient client = SharedPipeline.client();
        String id = client.submit(SharedPipeline.textJob("a yellow circle moving up", List.of("image", "audio"), 200, 9))
                .getString("id");
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (client.job(id).getJsonObject("progress") == null) {
            assertThat(System.nanoTime()).as("the job never started sampling").isLessThan(deadline);
            Thread.sleep(20);
        }

        // When that instance is closed mid-job, without committing, and another one starts
        pipeline.undeploy(doomed);
        assertThat(client.job(id).getString("status")).isEqualTo("running");
        pipeline.deployDiffusionInstance().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

        // Then the job completes, once
        JsonObject finished = client.awaitFinished(id, JOB_TIMEOUT, s -> { });
        assertThat(finished.getString("status")).isEqualTo("succeeded");
        List<CloudEvent> completions = SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                .filter(event -> event.jobId().equals(id) && event.type().equals(EventTypes.JOB_SUCCEEDED)).toList();
        assertThat(completions).hasSize(1);
        List<CloudEvent> sampled = SharedPipeline.readAll(SharedPipeline.topics().latents()).stream()
                .filter(event -> event.jobId().equals(id)).toList();
        assertThat(sampled).as("the closed instance published nothing").hasSize(1);
    }

    /** Waits until {@code members} members of the stage's group (a share group or a consumer group) have work assigned. */
    private static void awaitGroupMembers(String group, int members) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedPipeline.get().infrastructure().kafkaBootstrapServers()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (assignedMembers(admin, group) != members) {
                assertThat(System.nanoTime()).as("group " + group + " never had " + members + " members with partitions")
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static long assignedMembers(Admin admin, String group) throws Exception {
        GroupType type = admin.listGroups().all().get().stream().filter(listing -> listing.groupId().equals(group))
                .findFirst().flatMap(GroupListing::type).orElse(GroupType.UNKNOWN);
        if (type == GroupType.SHARE) {
            return admin.describeShareGroups(List.of(group)).all().get().get(group).members().stream()
                    .filter(member -> !member.assignment().topicPartitions().isEmpty()).count();
        }
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        return description.members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty()).count();
    }
}
