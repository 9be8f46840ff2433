package dev.codi.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work queues on share groups, with real processes ({@link FaultCluster}): the work topics have 2
 * partitions and the diffusion stage runs 6 instances. A consumer group would keep 4 of them idle;
 * a share group hands records out one by one, so all 6 work at once — measured from the progress
 * events each instance publishes (they name the instance). The share group's assignor places its
 * members on partitions by a hash of their ids, often unevenly, so the burst holds, on every
 * partition, at least as many jobs as the members placed on it can take at once: then no member
 * can be left without work by the others taking all of its partition's jobs.
 * Then one instance is SIGKILLed mid-job:
 * the jobs it had acquired come back to the group when their locks run out, and each job of the
 * burst completes exactly once. A job is sampled by one instance only, unless that instance was
 * killed: an instance working longer than its lock renews it, and an instance renews a batch's
 * locks before it starts, so a record whose lock lapsed in its consumer's buffer is not worked.
 */
class ShareGroupWorkQueueTest {
    private static final int DIFFUSION_INSTANCES = 6;
    private static final int JOBS = 14;
    private static final int JOBS_PER_INSTANCE = 2;
    private static final int MOST_JOBS = 48;
    private static final int STEPS = 40;
    private static final Duration BOUND = Duration.ofMinutes(4);
    private static final Pattern CONSUMING = Pattern.compile("diffusion-service (\\w+) consuming .* as share group");

    @Test
    void sixDiffusionInstancesOnTwoPartitionsAllWorkAndAKilledInstancesJobsCompleteOnce() throws Exception {
        // Given 2 partitions per topic, share groups, 6 diffusion instances taking up to 2 jobs each,
        // and acquisition locks of 20 s, renewed every third of that by an instance that works longer
        // (a shorter lock leaves a CPU-starved instance's renewal no slack)
        try (FaultCluster cluster = new FaultCluster(
                Map.of("CODI_WORK_DELIVERY", "share", "CODI_TOPIC_PARTITIONS", "2", "CODI_MAX_WAIT_MS", "100"),
                Map.of("diffusion-service", Map.of("CODI_MAX_BATCH", Integer.toString(JOBS_PER_INSTANCE))),
                Map.of("encoder-service", 1, "diffusion-service", DIFFUSION_INSTANCES, "decoder-service", 1),
                Map.of("group.share.record.lock.duration.ms", "20000", "group.share.min.record.lock.duration.ms", "5000"))) {
            cluster.start();
            FaultClient client = new FaultClient(cluster.gatewayUrl());

            // And every instance a member of the share group, with its partitions assigned
            Map<Integer, Integer> membersPerPartition = new TreeMap<>();
            FaultCluster.await("every diffusion instance assigned partitions of codi.conditioning", BOUND, () -> {
                membersPerPartition.clear();
                membersPerPartition.putAll(cluster.shareGroupMembersPerPartition("diffusion-service", "codi.conditioning",
                        DIFFUSION_INSTANCES));
                return !membersPerPartition.isEmpty();
            });

            // When a burst of jobs arrives, with on each partition at least as many jobs as its members take at once
            List<String> ids = new ArrayList<>();
            int toSubmit = JOBS;
            while (toSubmit > 0) {
                for (int i = 0; i < toSubmit; i++) {
                    ids.add(client.submit(FaultClient.textJob("a red circle moving left", new JsonArray().add("image"), STEPS,
                            100 + ids.size(), null)));
                }
                Map<Integer, Integer> jobsPerPartition = new TreeMap<>();
                FaultCluster.await("the burst's conditioning records", BOUND, () -> {
                    jobsPerPartition.clear();
                    jobsPerPartition.putAll(conditioningPartitions(cluster, ids));
                    return jobsPerPartition.values().stream().mapToInt(Integer::intValue).sum() == ids.size();
                });
                toSubmit = membersPerPartition.entrySet().stream()
                        .mapToInt(entry -> Math.max(0, JOBS_PER_INSTANCE * entry.getValue() - jobsPerPartition.getOrDefault(entry.getKey(), 0)))
                        .sum();
                assertThat(ids.size() + toSubmit).as("jobs to give every member of %s work (jobs per partition %s)",
                        membersPerPartition, jobsPerPartition).isLessThanOrEqualTo(MOST_JOBS);
            }

            // Then every instance works at the same time as all the others. The spans are read while
            // the jobs run, so a span seen now may end at an event published a moment ago: the
            // measure is taken again until it shows all six or the bound runs out.
            FaultCluster.await("every diffusion instance busy at the same time, from their progress events", BOUND,
                    () -> mostInstancesBusyAtOnce(progressByInstance(cluster, ids)) >= DIFFUSION_INSTANCES);
            Map<String, Map<String, Instant[]>> spans = progressByInstance(cluster, ids);

            // When an instance is SIGKILLed while it works on a job
            ManagedProcess doomed = null;
            String doomedId = null;
            for (int index = 0; index < DIFFUSION_INSTANCES && doomed == null; index++) {
                ManagedProcess instance = cluster.instance("diffusion-service", index);
                String id = instanceId(instance);
                if (!unfinished(cluster, ids, id).isEmpty()) {
                    doomed = instance;
                    doomedId = id;
                }
            }
            assertThat(doomed).as("an instance mid-job").isNotNull();
            doomed.kill();
            String killedId = doomedId;
            Set<String> heldByTheKilled = unfinished(cluster, ids, killedId);

            // Then every job completes, exactly once, the killed instance's ones by another instance
            for (String id : ids) {
                assertThat(client.awaitTerminal(id, BOUND).getString("status")).as("job " + id).isEqualTo("succeeded");
            }
            List<ConsumerRecord<String, byte[]>> events = cluster.readTopic("codi.job-events");
            Map<String, Set<String>> completions = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : events) {
                String type = FaultCluster.header(record, "ce_type");
                if (ids.contains(record.key()) && type != null && type.matches(".*job\\.(succeeded|failed|canceled)")) {
                    completions.computeIfAbsent(record.key(), key -> new HashSet<>()).add(FaultCluster.header(record, "ce_id"));
                }
            }
            assertThat(completions).as("completion events per job").hasSize(ids.size())
                    .allSatisfy((id, completionIds) -> assertThat(completionIds).hasSize(1));
            Map<String, Map<String, Instant[]>> after = progressByInstance(cluster, ids);
            for (String job : heldByTheKilled) {
                assertThat(after.entrySet().stream().filter(entry -> !entry.getKey().equals(killedId))
                        .anyMatch(entry -> entry.getValue().containsKey(job)))
                        .as("job %s, acquired by the killed instance, sampled again by another", job).isTrue();
            }
            // And no job is sampled by two live instances: a record whose lock lapsed while it waited
            // in an instance's consumer buffer is renewed before its batch starts, refused, and left
            // to the instance that holds it now
            Set<String> sampledByTheKilled = after.getOrDefault(killedId, Map.of()).keySet();
            List<String> sampledTwice = ids.stream().filter(job -> !heldByTheKilled.contains(job) && !sampledByTheKilled.contains(job))
                    .filter(job -> after.values().stream().filter(jobs -> jobs.containsKey(job)).count() > 1).toList();
            assertThat(sampledTwice).as("jobs sampled by two live instances").isEmpty();
            long longestMillis = after.values().stream().flatMap(jobs -> jobs.values().stream())
                    .mapToLong(span -> Duration.between(span[0], span[1]).toMillis()).max().orElse(0);
            System.out.printf("share groups: %d diffusion instances busy at once on 2 partitions (members per partition %s); "
                    + "killed %s holding %d job(s), all %d jobs completed once, each sampled by one live instance; "
                    + "longest sampling %d ms against a 20 s lock; locks found lapsed before a batch: %d%n",
                    mostInstancesBusyAtOnce(spans), membersPerPartition, killedId, heldByTheKilled.size(), ids.size(), longestMillis,
                    lapsedLocks(cluster));
        }
    }

    /** Per partition of codi.conditioning, how many of the jobs {@code ids} have their conditioning record there. */
    private static Map<Integer, Integer> conditioningPartitions(FaultCluster cluster, List<String> ids) {
        Map<Integer, Integer> perPartition = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : cluster.readTopic("codi.conditioning")) {
            if (ids.contains(record.key()) && seen.add(record.key())) {
                perPartition.merge(record.partition(), 1, Integer::sum);
            }
        }
        return perPartition;
    }

    /** Per diffusion instance, per job it sampled: the times of its first and last progress event. */
    private static Map<String, Map<String, Instant[]>> progressByInstance(FaultCluster cluster, List<String> ids) {
        Map<String, Map<String, Instant[]>> spans = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : cluster.readTopic("codi.job-events")) {
            String instance = FaultCluster.header(record, "codi_instance");
            if (instance == null || !ids.contains(record.key()) || !"dev.codi.job.progress".equals(FaultCluster.header(record, "ce_type"))) {
                continue;
            }
            Instant time = Instant.parse(FaultCluster.header(record, "ce_time"));
            spans.computeIfAbsent(instance, key -> new HashMap<>()).merge(record.key(), new Instant[] {time, time},
                    (a, b) -> new Instant[] {a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
        }
        return spans;
    }

    /** The most instances whose progress spans cover one instant (a sweep over the spans' starts). */
    private static int mostInstancesBusyAtOnce(Map<String, Map<String, Instant[]>> spans) {
        int most = 0;
        for (Map<String, Instant[]> jobs : spans.values()) {
            for (Instant[] span : jobs.values()) {
                Instant at = span[0];
                int busy = (int) spans.values().stream()
                        .filter(other -> other.values().stream().anyMatch(s -> !s[0].isAfter(at) && !s[1].isBefore(at)))
                        .count();
                most = Math.max(most, busy);
            }
        }
        return most;
    }

    /** Jobs with progress from {@code instance} and no completion yet. */
    private static Set<String> unfinished(FaultCluster cluster, List<String> ids, String instance) {
        Set<String> started = new HashSet<>();
        Set<String> finished = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : cluster.readTopic("codi.job-events")) {
            String type = FaultCluster.header(record, "ce_type");
            if (!ids.contains(record.key()) || type == null) {
                continue;
            }
            if (type.equals("dev.codi.job.progress") && instance.equals(FaultCluster.header(record, "codi_instance"))) {
                started.add(record.key());
            } else if (type.matches(".*job\\.(succeeded|failed|canceled)") || type.equals("dev.codi.job.stage-completed")
                    && "diffusion-service".equals(new JsonObject(new String(record.value(), StandardCharsets.UTF_8)).getString("stage"))) {
                finished.add(record.key());
            }
        }
        started.removeAll(finished);
        return started;
    }

    /** How many records the diffusion instances found with their lock lapsed (the warnings they logged). */
    private static long lapsedLocks(FaultCluster cluster) throws IOException {
        long lapsed = 0;
        for (int index = 0; index < DIFFUSION_INSTANCES; index++) {
            try (var lines = Files.lines(cluster.instance("diffusion-service", index).log())) {
                lapsed += lines.filter(line -> line.contains("lost the lock on record")).count();
            }
        }
        return lapsed;
    }

    /** The instance id a stage process logs when it starts consuming. */
    private static String instanceId(ManagedProcess process) throws IOException {
        Matcher matcher = CONSUMING.matcher(Files.readString(process.log()));
        if (!matcher.find()) {
            throw new AssertionError("no 'consuming' line in " + process.log());
        }
        return matcher.group(1);
    }
}
