package dev.codi.fault;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite: the system as separate processes (see {@link FaultCluster}), a burst of at
 * least 30 mixed jobs per scenario, and a real fault in the middle of it — a SIGKILL, a broker or
 * store taken away, a JVM halted at a chosen point of the stage loop. After each scenario the same
 * invariants are checked, from the outside: every job reaches a terminal state within a bound,
 * with exactly one completion on job-events; valid jobs succeed and their artifacts match their
 * hashes; webhooks of finished jobs arrive, once per webhook id; the client saw no 5xx but 503
 * with Retry-After; every stage's consumer group ends with members and zero lag. Each scenario's
 * figures go to {@code target/fault-report.md} (docs/reliability.md shows them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {
    private static final int BURST = 30;
    private static final Duration TERMINAL_BOUND = Duration.ofMinutes(4);
    /** A poison record costs three crashes of an instance (the delivery limit), each followed by a restart and a rejoin. */
    private static final Duration POISON_TERMINAL_BOUND = Duration.ofMinutes(6);
    private static final int MAX_DELIVERY_ATTEMPTS = 3;
    /** The diffusion stage's max.poll.interval.ms: its batches take longer, and it must stay in its group by polling. */
    private static final long MAX_POLL_INTERVAL_MS = 3_000;
    /** Steps of the long batches' jobs: 8 two-output jobs sample for several times {@link #MAX_POLL_INTERVAL_MS} on 2 cores. */
    private static final int LONG_BATCH_STEPS = 150;
    private static final String CRASH_ONCE = "crashonce";
    private static final String POISON = "poisonpill";
    private static final List<JsonArray> OUTPUT_MIX = List.of(new JsonArray().add("image"), new JsonArray().add("image").add("audio"),
            new JsonArray().add("audio").add("text"), new JsonArray().add("video"), new JsonArray().add("image").add("text"));
    private static final List<String> PROMPTS = List.of("a red circle moving left", "a blue square moving up",
            "a green triangle moving right", "a yellow cross moving down", "a purple circle moving up", "an orange square moving left");

    private FaultCluster cluster;
    private WebhookSink sink;
    private FaultClient client;
    private final List<String> report = new ArrayList<>();
    private long seed = 1;

    @BeforeAll
    void startCluster() throws Exception {
        sink = new WebhookSink();
        cluster = new FaultCluster(Map.of(
                // Small Kafka deadlines, so "longer than delivery.timeout.ms" fits in a test.
                "CODI_KAFKA_CLIENT_DELIVERY_TIMEOUT_MS", "15000",
                "CODI_KAFKA_CLIENT_REQUEST_TIMEOUT_MS", "5000",
                "CODI_MAX_WAIT_MS", "100"),
                Map.of("encoder-service", Map.of("CODI_TEST_HALT", "processing:" + POISON,
                                "CODI_MAX_DELIVERY_ATTEMPTS", Integer.toString(MAX_DELIVERY_ATTEMPTS)),
                        "decoder-service", Map.of("CODI_TEST_HALT", "before-commit:" + CRASH_ONCE + ":once"),
                        // A batch longer than this gets a member evicted unless it keeps polling.
                        "diffusion-service", Map.of("CODI_KAFKA_CLIENT_MAX_POLL_INTERVAL_MS", Long.toString(MAX_POLL_INTERVAL_MS))));
        cluster.start();
        client = new FaultClient(cluster.gatewayUrl());
        report.add("| fault | jobs | succeeded | failed | lost | stuck | duplicate completions | restarts | recovered in |");
        report.add("|---|---|---|---|---|---|---|---|---|");
    }

    @AfterAll
    void stopCluster() throws Exception {
        Path file = cluster == null ? null : cluster.root.resolve("fault-tests/target/fault-report.md");
        if (file != null) {
            Files.writeString(file, String.join("\n", report) + "\n");
        }
        if (cluster != null) {
            cluster.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    @Order(1)
    void aDiffusionInstanceKilledMidSampling() throws Exception {
        scenario("SIGKILL of a diffusion instance mid-sampling", List.of(), () -> {
            awaitProgress();
            cluster.instance("diffusion-service", 0).kill();
        });
    }

    @Test
    @Order(2)
    void anEncoderAndADecoderKilledMidBurst() throws Exception {
        scenario("SIGKILL of an encoder and a decoder instance", List.of(), () -> {
            awaitProgress();
            cluster.instance("encoder-service", 0).kill();
            cluster.instance("decoder-service", 1).kill();
        });
    }

    @Test
    @Order(3)
    void aDecoderHaltedBetweenPublishAndCommit() throws Exception {
        scenario("decoder halted between publish and commit (3 jobs)", List.of(CRASH_ONCE, CRASH_ONCE, CRASH_ONCE), () -> { });
    }

    @Test
    @Order(4)
    void aPoisonJobThatKillsTheEncoderEveryTime() throws Exception {
        int restartsBefore = cluster.restarts();
        Result result = scenario("a job that kills the encoder JVM every time", List.of(POISON), () -> { }, POISON_TERMINAL_BOUND);
        assertThat(result.failed).as("only the poison job fails").hasSize(1);
        JsonObject poison = client.job(result.failed.get(0));
        assertThat(poison.getString("error")).contains("stopped " + MAX_DELIVERY_ATTEMPTS + " times");
        assertThat(cluster.restarts() - restartsBefore)
                .as("crashes: one per delivery of the poison record up to the limit, none for the records beside it in its batch")
                .isEqualTo(MAX_DELIVERY_ATTEMPTS);
        List<ConsumerRecord<String, byte[]>> deadLetters = cluster.readTopic("codi.dead-letter");
        assertThat(deadLetters).anySatisfy(record -> assertThat(record.key()).isEqualTo(result.failed.get(0)));
    }

    @Test
    @Order(5)
    void theBrokerStoppedForTenSeconds() throws Exception {
        scenario("Kafka broker SIGKILLed, restarted after 10 s", List.of(), () -> {
            awaitProgress();
            cluster.broker.killAndKeepDown();
            FaultCluster.sleep(10_000);
            cluster.broker.start();
        });
    }

    @Test
    @Order(6)
    void theBrokerStoppedLongerThanTheDeliveryTimeout() throws Exception {
        scenario("Kafka broker down 25 s (> delivery.timeout.ms 15 s)", List.of(), () -> {
            awaitProgress();
            cluster.broker.killAndKeepDown();
            FaultCluster.sleep(25_000);
            cluster.broker.start();
        });
    }

    @Test
    @Order(7)
    void theObjectStoreKilledForThirtySeconds() throws Exception {
        scenario("object store SIGKILLed (connections refused) for 30 s", List.of(), () -> {
            awaitProgress();
            cluster.s3.killAndKeepDown();
            FaultCluster.sleep(30_000);
            cluster.s3.start();
        });
    }

    @Test
    @Order(8)
    void theObjectStoreBlackholedForThirtySeconds() throws Exception {
        scenario("object store blackholed (no answer) for 30 s", List.of(), () -> {
            awaitProgress();
            cluster.s3Proxy.mode(TcpProxy.Mode.BLACKHOLE);
            FaultCluster.sleep(30_000);
            cluster.s3Proxy.mode(TcpProxy.Mode.PASS);
        });
    }

    @Test
    @Order(9)
    void batchesLongerThanMaxPollInterval() throws Exception {
        int before = cluster.restarts();
        List<String> ids = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            ids.add(client.submit(FaultClient.textJob(PROMPTS.get(i % PROMPTS.size()),
                    new JsonArray().add("image").add("audio"), LONG_BATCH_STEPS, seed++, null)));
        }
        Map<String, JsonObject> finished = awaitTerminal(ids);
        assertThat(finished.values()).allSatisfy(job -> assertThat(job.getString("status")).isEqualTo("succeeded"));
        Map<String, Long> sampled = cluster.readTopic("codi.latents").stream().filter(record -> ids.contains(record.key()))
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(sampled).as("no batch was redone: each job sampled once").hasSize(ids.size())
                .allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        long longestSampling = finished.values().stream()
                .mapToLong(job -> job.getJsonObject("timings").getJsonObject("diffusion-service").getLong("millis")).max().orElse(0);
        assertThat(longestSampling).as("a batch sampled for longer than max.poll.interval.ms, or the scenario tests nothing")
                .isGreaterThan(MAX_POLL_INTERVAL_MS);
        checkInvariants(String.format(java.util.Locale.ROOT,
                        "batches of two-output %d-step jobs (sampling took up to %.1f s) against max.poll.interval.ms %d s",
                        LONG_BATCH_STEPS, longestSampling / 1000.0, MAX_POLL_INTERVAL_MS / 1000), ids, List.of(), finished,
                before, started);
    }

    @Test
    @Order(10)
    void restartOnPartitionsEmptiedByRetention() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 8; p++) {
                latest.put(new TopicPartition("codi.job-events", p), OffsetSpec.latest());
            }
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((partition, end) -> delete.put(partition, RecordsToDelete.beforeOffset(end.offset())));
            admin.deleteRecords(delete).all().get(30, TimeUnit.SECONDS);
        }
        scenario("restart of the gateway and a diffusion instance on job-events emptied by retention", List.of(), () -> {
            cluster.gateway().kill();
            cluster.instance("diffusion-service", 1).kill();
        });
    }

    @Test
    @Order(11)
    void theGatewayKilledWhileAcceptingJobs() throws Exception {
        scenario("SIGKILL of the gateway while it accepts jobs", List.of(), () -> cluster.gateway().kill());
    }

    @Test
    @Order(12)
    void misbehavingWebhookReceivers() throws Exception {
        try (HostileReceivers receivers = new HostileReceivers()) {
            int gatewayStarts = cluster.gateway().starts();
            int restartsBefore = cluster.restarts();
            long started = System.nanoTime();
            List<String> ids = new ArrayList<>();
            Map<String, String> receiverOf = new HashMap<>();
            for (int i = 0; i < BURST; i++) {
                String url = switch (i % 4) {
                    case 0 -> receivers.dripUrl();
                    case 1 -> receivers.hugeUrl();
                    case 2 -> receivers.laterUrl();
                    default -> sink.url();
                };
                String id = client.submit(FaultClient.textJob(PROMPTS.get(i % PROMPTS.size()), OUTPUT_MIX.get(i % OUTPUT_MIX.size()),
                        3, seed++, url));
                ids.add(id);
                receiverOf.put(id, url);
            }
            Map<String, JsonObject> finished = awaitTerminal(ids);
            assertThat(finished.values()).allSatisfy(job -> assertThat(job.getString("status")).isEqualTo("succeeded"));

            // The well-behaved tenant's webhooks arrive while the dripping and the endless receivers hold theirs
            List<String> wellBehaved = ids.stream().filter(id -> receiverOf.get(id).equals(sink.url())).toList();
            FaultCluster.await("the well-behaved receiver's webhooks", Duration.ofSeconds(60),
                    () -> sink.terminalTypeByJob.keySet().containsAll(wellBehaved));
            assertThat(receivers.dripRequests.get()).as("the dripping receiver was called").isPositive();
            assertThat(receivers.hugeRequests.get()).as("the endless receiver was called").isPositive();

            // The receiver that was down for a minute gets every webhook once it is up
            long downFor = TimeUnit.SECONDS.toMillis(60) - (System.nanoTime() - started) / 1_000_000;
            if (downFor > 0) {
                FaultCluster.sleep(downFor);
            }
            receivers.bringUpLater();
            List<String> toLater = ids.stream().filter(id -> receiverOf.get(id).equals(receivers.laterUrl())).toList();
            FaultCluster.await("webhooks of the receiver that came back", Duration.ofMinutes(3),
                    () -> receivers.laterJobs.containsAll(toLater));

            // And the gateway neither died nor ran out of memory on the way
            assertThat(cluster.gateway().starts()).as("gateway restarts").isEqualTo(gatewayStarts);
            assertThat(cluster.gatewayReady()).isTrue();
            assertThat(sink.deliveriesById).allSatisfy((id, count) -> assertThat(count.get()).isEqualTo(1));
            report.add(String.format(java.util.Locale.ROOT,
                    "| webhook receivers: one dripping a byte every 2 s, one streaming an endless body (%d MB sent), one down 60 s | %d | %d | 0 | 0 | 0 | 0 | %d | %.0f s |",
                    receivers.hugeBytesSent.get() >> 20, ids.size(), ids.size(), cluster.restarts() - restartsBefore,
                    (System.nanoTime() - started) / 1e9));
        }
    }

    // --- one scenario: a burst, a fault during it, the invariants after it ---

    private record Result(List<String> ids, List<String> failed) {
    }

    private Result scenario(String fault, List<String> markedTexts, ThrowingRunnable injectFault) throws Exception {
        return scenario(fault, markedTexts, injectFault, TERMINAL_BOUND);
    }

    private Result scenario(String fault, List<String> markedTexts, ThrowingRunnable injectFault, Duration bound) throws Exception {
        int restartsBefore = cluster.restarts();
        long started = System.nanoTime();
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        List<Future<String>> submitted = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            String text = PROMPTS.get(i % PROMPTS.size()) + (i < markedTexts.size() ? " " + markedTexts.get(i) : "");
            JsonObject job = FaultClient.textJob(text, OUTPUT_MIX.get(i % OUTPUT_MIX.size()), 3 + i % 4, seed++,
                    i % 3 == 0 ? sink.url() : null);
            submitted.add(submitters.submit(() -> client.submit(job)));
        }
        // The fault falls while the burst is submitted and worked on.
        java.util.concurrent.CompletableFuture<Void> faultDone = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                injectFault.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<String> ids = new ArrayList<>();
        for (Future<String> id : submitted) {
            ids.add(id.get(5, TimeUnit.MINUTES));
        }
        submitters.shutdown();
        faultDone.get(5, TimeUnit.MINUTES);
        Map<String, JsonObject> finished = awaitTerminal(ids, bound);
        List<String> expectedFailures = new ArrayList<>();
        for (int i = 0; i < markedTexts.size(); i++) {
            if (markedTexts.get(i).equals(POISON)) {
                expectedFailures.add(ids.get(i));
            }
        }
        checkInvariants(fault, ids, expectedFailures, finished, restartsBefore, started);
        return new Result(ids, finished.values().stream().filter(job -> !job.getString("status").equals("succeeded"))
                .map(job -> job.getString("id")).toList());
    }

    private void checkInvariants(String fault, List<String> ids, List<String> expectedFailures, Map<String, JsonObject> finished,
                                 int restartsBefore, long started) throws Exception {
        double recoveredSeconds = (System.nanoTime() - started) / 1e9;
        // every job terminal within the bound (awaitTerminal), the valid ones succeeded
        List<String> failed = finished.values().stream().filter(job -> !job.getString("status").equals("succeeded"))
                .map(job -> job.getString("id")).toList();
        // exactly one completion per job on job-events (distinct terminal event ids)
        Map<String, Set<String>> completions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : cluster.readTopic("codi.job-events")) {
            String type = FaultCluster.header(record, "ce_type");
            if (ids.contains(record.key()) && type != null
                    && (type.endsWith("job.succeeded") || type.endsWith("job.failed") || type.endsWith("job.canceled"))) {
                completions.computeIfAbsent(record.key(), key -> new java.util.HashSet<>()).add(FaultCluster.header(record, "ce_id"));
            }
        }
        long duplicates = completions.values().stream().filter(set -> set.size() > 1).count();
        long lost = ids.stream().filter(id -> !completions.containsKey(id)).count();
        String row = String.format(java.util.Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %.0f s |", fault, ids.size(),
                ids.size() - failed.size(), failed.size(), lost, 0, duplicates, cluster.restarts() - restartsBefore, recoveredSeconds);
        report.add(row);
        System.out.println("fault scenario: " + row);
        assertThat(failed).as("jobs that failed (only the expected ones may): " + failed.stream()
                .map(id -> id + ": " + finished.get(id).getString("error")).toList()).containsExactlyInAnyOrderElementsOf(expectedFailures);
        assertThat(lost).as("jobs with no completion event").isZero();
        assertThat(duplicates).as("jobs with more than one completion").isZero();
        // artifacts are what their hashes say
        for (JsonObject job : finished.values()) {
            for (Object item : job.getJsonArray("artifacts", new JsonArray())) {
                JsonObject artifact = (JsonObject) item;
                byte[] bytes = client.download(artifact.getString("url"));
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                        .as("artifact %s of %s", artifact.getString("modality"), job.getString("id"))
                        .isEqualTo(artifact.getString("sha256"));
            }
        }
        // webhooks of finished jobs arrive, once per webhook id
        List<String> withWebhooks = finished.values().stream().filter(job -> job.getJsonObject("webhook") != null)
                .map(job -> job.getString("id")).toList();
        FaultCluster.await("every terminal webhook delivered", Duration.ofMinutes(2),
                () -> sink.terminalTypeByJob.keySet().containsAll(withWebhooks));
        assertThat(sink.deliveriesById).as("successful deliveries per webhook id").allSatisfy((id, count) ->
                assertThat(count.get()).isEqualTo(1));
        // no 5xx but 503 with Retry-After
        assertThat(client.serverErrorsWithoutRetryAfter.get()).as("5xx answers other than 503 + Retry-After").isZero();
        // every stage group has members and no lag
        Map<String, String> inputs = Map.of("encoder-service", "codi.jobs", "diffusion-service", "codi.conditioning",
                "decoder-service", "codi.latents");
        FaultCluster.await("every stage group with members and zero lag", Duration.ofMinutes(2), () -> {
            try {
                return cluster.groupLagAndMembers(inputs).values().stream().allMatch(lm -> lm[0] == 0 && lm[1] >= 1);
            } catch (Exception e) {
                return false;
            }
        }, () -> cluster.groupLagDetail(inputs));
        cluster.awaitAllReady();
    }

    private Map<String, JsonObject> awaitTerminal(List<String> ids) throws InterruptedException {
        return awaitTerminal(ids, TERMINAL_BOUND);
    }

    private Map<String, JsonObject> awaitTerminal(List<String> ids, Duration bound) throws InterruptedException {
        Map<String, JsonObject> finished = new HashMap<>();
        long deadline = System.nanoTime() + bound.toNanos();
        while (finished.size() < ids.size()) {
            for (String id : ids) {
                if (!finished.containsKey(id)) {
                    JsonObject job = client.job(id);
                    if (job != null && Set.of("succeeded", "failed", "canceled").contains(job.getString("status"))) {
                        finished.put(id, job);
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError((ids.size() - finished.size()) + " job(s) not terminal within "
                        + bound.toMinutes() + " min: " + ids.stream().filter(id -> !finished.containsKey(id)).toList());
            }
            Thread.sleep(250);
        }
        return finished;
    }

    /** Waits until the diffusion stage reports progress on some job: the fault then falls mid-work. */
    private void awaitProgress() {
        long before = countProgressEvents();
        FaultCluster.await("progress from the diffusion stage", Duration.ofMinutes(2), () -> countProgressEvents() > before);
    }

    private long countProgressEvents() {
        try {
            return cluster.readTopic("codi.job-events").stream().filter(record -> "dev.codi.job.progress".equals(FaultCluster.header(record, "ce_type")))
                    .count();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
