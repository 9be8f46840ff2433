package dev.codi.gateway.bench;

import dev.codi.gateway.GatewayConfig;
import dev.codi.gateway.GatewayMain;
import dev.codi.gateway.RandomIds;
import dev.codi.gateway.auth.ApiKeys;
import dev.codi.gateway.jobs.JobSubmitter;
import dev.codi.gateway.view.JobFold;
import dev.codi.gateway.view.JobRecord;
import dev.codi.gateway.view.JobSnapshot;
import dev.codi.gateway.webhooks.WebhookSecrets;
import dev.codi.infra.Infrastructure;
import dev.codi.media.Modality;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.InputRef;
import dev.codi.protocol.JobParams;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.PipelineConfig;
import dev.codi.protocol.Stage;
import dev.codi.protocol.TopicSettings;
import dev.codi.protocol.Topics;
import dev.codi.protocol.events.Artifact;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.kafka.KafkaSettings;
import dev.codi.protocol.kafka.TopicSetup;
import dev.codi.storage.ObjectKeys;
import dev.codi.storage.ObjectStoreConfig;
import io.vertx.core.buffer.Buffer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a gateway takes to be ready, and how much heap it holds then, when its topics hold N
 * finished jobs (docs/design.md, "Bounded job state"). For each N: fills a fresh set of topics
 * with the job-state snapshots compaction leaves for N finished jobs — one per job, written by the
 * product's own {@link JobSnapshot} (text prompt in, image and audio out, three stage timings, two
 * artifacts), spread over the last 6 days and 1,000 API keys — through a raw producer; then starts
 * the gateway as its own process ({@link GatewayMain}, {@code -Xmx1g}) against them, times it until
 * it answers {@code /health}, forces a full GC ({@code jcmd GC.run}) and reads the heap in use.
 * Kafka and the S3 server run in this process, so the gateway's figures are its own.
 *
 * <pre>
 * java -cp ... dev.codi.gateway.bench.JobStateBenchmark 100000 1000000
 * </pre>
 */
public final class JobStateBenchmark {
    private static final int PARTITIONS = TopicSettings.DEFAULT_PARTITIONS;
    private static final int OWNERS = 1_000;
    private static final Duration SPREAD = Duration.ofDays(6);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static final String GATEWAY_HEAP = "-Xmx1g";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private JobStateBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String arg : args) {
            sizes.add(Integer.parseInt(arg.replace("_", "")));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(100_000, 1_000_000);
        }
        try (Infrastructure infrastructure = Infrastructure.startInProcess()) {
            String header = "gateway start on N finished jobs (" + PARTITIONS + " partitions, gateway " + GATEWAY_HEAP
                    + ", cores: " + Runtime.getRuntime().availableProcessors() + ")\n" + String.format(Locale.ROOT,
                    "%10s %12s %14s %12s %14s %14s", "jobs", "fill s", "record bytes", "ready s", "heap MiB", "jobs answered");
            List<String> lines = new ArrayList<>();
            for (int jobs : sizes) {
                lines.add(measure(infrastructure, jobs));
                System.out.println(header + "\n" + String.join("\n", lines)); // printed as it goes: a later size may fail
            }
        }
    }

    private static String measure(Infrastructure infrastructure, int jobs) throws Exception {
        Topics topics = Topics.withPrefix("bench-" + jobs + ".");
        KafkaSettings kafka = new KafkaSettings(infrastructure.kafkaBootstrapServers());
        TopicSetup.ensureTopics(kafka, topics, TopicSettings.singleBroker(PARTITIONS));
        awaitLeaders(kafka, topics.jobState());
        long fillStart = System.nanoTime();
        long bytes = fill(kafka, topics, jobs);
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        System.out.printf(Locale.ROOT, "%d jobs written in %.1f s (%d bytes a record)%n", jobs, fillSeconds, bytes / jobs);

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String key = ApiKeys.newKey(new SecureRandom());
        Path log = Files.createTempFile("codi-bench-gateway-", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                GATEWAY_HEAP, "-cp", System.getProperty("java.class.path"), GatewayMain.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put(PipelineConfig.KAFKA_BOOTSTRAP, infrastructure.kafkaBootstrapServers());
        environment.put(PipelineConfig.TOPIC_PREFIX, "bench-" + jobs + ".");
        environment.put(TopicSettings.PARTITIONS, Integer.toString(PARTITIONS));
        environment.put(ObjectStoreConfig.ENDPOINT_VARIABLE, infrastructure.s3Endpoint().toString());
        environment.put(ObjectStoreConfig.ACCESS_KEY_VARIABLE, infrastructure.s3AccessKey());
        environment.put(ObjectStoreConfig.SECRET_KEY_VARIABLE, infrastructure.s3SecretKey());
        environment.put(ObjectStoreConfig.BUCKET_VARIABLE, "bench");
        environment.put(GatewayConfig.PORT, Integer.toString(port));
        environment.put(ApiKeys.KEY_HASHES_VARIABLE, ApiKeys.sha256Hex(key));
        environment.put(WebhookSecrets.SIGNING_KEY_VARIABLE, ApiKeys.newKey(new SecureRandom()));
        long started = System.nanoTime();
        Process gateway = builder.start();
        try {
            String health = awaitHealth(port, gateway, log);
            double readySeconds = (System.nanoTime() - started) / 1e9;
            long heapKib = heapAfterFullGc(gateway.pid());
            String answered = health.replaceAll(".*\"jobs\":(\\d+).*", "$1");
            return String.format(Locale.ROOT, "%10d %12.1f %14d %12.1f %14.0f %14s", jobs, fillSeconds, bytes / jobs, readySeconds,
                    heapKib / 1024.0, answered);
        } finally {
            gateway.destroy();
            gateway.waitFor(60, TimeUnit.SECONDS);
            try (Admin admin = Admin.create(kafka.admin())) {
                admin.deleteTopics(topics.all()).all().get(120, TimeUnit.SECONDS);
            }
        }
    }

    /** Writes one finished job's snapshot per job, as compaction leaves job-state; returns the bytes of the values. */
    private static long fill(KafkaSettings kafka, Topics topics, int jobs) throws Exception {
        Map<String, Object> config = new HashMap<>(kafka.producer("bench-fill"));
        config.put("linger.ms", "20");
        config.put("batch.size", Integer.toString(512 * 1024));
        config.put("compression.type", "lz4");
        // A raw fill: no idempotence (a just-created topic's first leader changes reset its sequences), acks from the leader.
        config.put("enable.idempotence", "false");
        config.put("acks", "1");
        SplittableRandom random = new SplittableRandom(jobs);
        List<String> owners = new ArrayList<>();
        for (int i = 0; i < OWNERS; i++) {
            owners.add(ApiKeys.ownerOfKey("codi_sk_bench" + i));
        }
        Instant now = Instant.now();
        long bytes = 0;
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<String, Buffer> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < jobs; i++) {
                Instant created = now.minus(SPREAD).plusMillis((long) ((double) SPREAD.toMillis() * i / jobs));
                JobSnapshot snapshot = finishedJob(RandomIds.timed(JobSubmitter.JOB_ID_PREFIX, created, random),
                        owners.get(random.nextInt(OWNERS)), created, random);
                ProducerRecord<String, Buffer> written = dev.codi.gateway.view.JobStateWriter.toRecord(topics.jobState(),
                        0, snapshot);
                ProducerRecord<String, Buffer> record = new ProducerRecord<>(written.topic(), null, null, written.key(), written.value(),
                        written.headers());
                bytes += record.value().length();
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the fill lost records", failure.get());
        }
        try (Admin admin = Admin.create(kafka.admin())) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new org.apache.kafka.common.TopicPartition(topics.jobState(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            long records = admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values().stream()
                    .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
            if (records < jobs) {
                throw new IllegalStateException(topics.jobState() + " holds " + records + " records, not " + jobs);
            }
        }
        return bytes;
    }

    /** Waits until every partition of a just-created topic has a leader. */
    private static void awaitLeaders(KafkaSettings kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.admin())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!hasLeaders(admin, topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " has partitions without a leader after 60 s");
                }
                Thread.sleep(100);
            }
        }
    }

    private static boolean hasLeaders(Admin admin, String topic) throws Exception {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .noneMatch(partition -> partition.leader() == null || partition.leader().isEmpty());
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false; // created, not yet known to the broker that answered
            }
            throw e;
        }
    }

    /** A text → image + audio job that went through the three stages and succeeded. */
    private static JobSnapshot finishedJob(String id, String owner, Instant created, SplittableRandom random) {
        JobSpec spec = new JobSpec(id, owner, created,
                Map.of(Modality.TEXT, new InputRef.InlineText("a red circle moving left on a blue background, " + random.nextInt(1000))),
                Map.of(), List.of(Modality.IMAGE, Modality.AUDIO), new JobParams(50, 7.5, 0, random.nextLong(1L << 40), true));
        JobEvent.Queued queued = new JobEvent.Queued(spec);
        CloudEvent queuedEvent = queued.toCloudEvent(created);
        JobRecord job = JobFold.start(queued, created);
        Instant at = created;
        for (Stage stage : List.of(Stage.ENCODER, Stage.DIFFUSION)) {
            Instant end = at.plusMillis(200 + random.nextInt(3000));
            job = JobFold.apply(job, new JobEvent.StageCompleted(id, stage, at, end), end);
            at = end;
        }
        Instant end = at.plusMillis(100 + random.nextInt(500));
        List<Artifact> artifacts = List.of(
                new Artifact(Modality.IMAGE, ObjectKeys.artifact(id, "image.png"), "image/png", 20_000 + random.nextInt(10_000), sha256(random)),
                new Artifact(Modality.AUDIO, ObjectKeys.artifact(id, "audio.wav"), "audio/wav", 64_000 + random.nextInt(1_000), sha256(random)));
        JobEvent.Succeeded succeeded = new JobEvent.Succeeded(id, Stage.DECODER, artifacts, null, at, end);
        job = JobFold.apply(job, succeeded, end);
        return new JobSnapshot(queuedEvent, succeeded.toCloudEvent(end), job, random.nextInt(1_000_000), List.of());
    }

    private static String sha256(SplittableRandom random) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            hex.append(String.format("%016x", random.nextLong()));
        }
        return hex.toString();
    }

    /** Polls /health until the gateway answers (it listens once its view is read); returns the answer. */
    private static String awaitHealth(int port, Process gateway, Path log) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + gateway.exitValue() + "; its log: " + log);
            }
            try {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return answer.body();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the gateway was not ready within " + READY_TIMEOUT.toSeconds() + " s; its log: " + log);
    }

    /** Heap in use after a full collection, from {@code jcmd <pid> GC.heap_info}, in KiB. */
    private static long heapAfterFullGc(long pid) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(used.group(1));
    }

    private static String run(String... command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", command[0]);
        List<String> line = new ArrayList<>(List.of(command));
        line.set(0, jcmd.toString());
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(60, TimeUnit.SECONDS);
        return output;
    }
}
