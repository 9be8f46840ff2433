package dev.codi.fault;

import dev.codi.infra.LocalPorts;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The whole system as separate processes on this machine, the way deploy/local runs it: one
 * Kafka broker (KRaft; or three, each a broker and a controller of one quorum, as
 * {@code deploy/local/up.sh --brokers 3} runs them) and one S3 server (S3Proxy over a directory),
 * each a JVM of its own, and the gateway and instances of each model stage (two unless told
 * otherwise), each a JVM started from its runnable jar.
 * The stages and the gateway reach the store through a {@link TcpProxy}, which can blackhole it.
 * A supervisor restarts any service that dies, as a process manager would.
 */
final class FaultCluster implements AutoCloseable {
    static final String API_KEY = "codi_sk_fault-suite-0123456789abcdefghijklmnopqrstuv";
    static final List<String> STAGES = List.of("encoder-service", "diffusion-service", "decoder-service");
    private static final Map<String, String> MAIN_CLASSES = Map.of(
            "gateway", "dev.codi.gateway.GatewayMain",
            "encoder-service", "dev.codi.encoder.EncoderServiceMain",
            "diffusion-service", "dev.codi.diffusion.DiffusionServiceMain",
            "decoder-service", "dev.codi.decoder.DecoderServiceMain");
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    final Path root;
    final Path work;
    final List<Integer> kafkaPorts;
    final List<Integer> controllerPorts;
    final int s3Port = freePort();
    final int gatewayPort = freePort();
    /** The Kafka brokers, node ids 1, 2, 3 … in order. */
    final List<ManagedProcess> brokers;
    /** The first (with one broker, the only) broker. */
    final ManagedProcess broker;
    final ManagedProcess s3;
    final TcpProxy s3Proxy;
    final Map<String, List<ManagedProcess>> services = new LinkedHashMap<>();
    private final Map<ManagedProcess, Integer> adminPorts = new HashMap<>();
    private final Thread supervisor;
    private volatile boolean closed;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param extraEnvironment variables for every service
     * @param perService       further variables for every instance of one service (test hooks)
     */
    FaultCluster(Map<String, String> extraEnvironment, Map<String, Map<String, String>> perService) throws IOException {
        this(extraEnvironment, perService, Map.of(), Map.of());
    }

    /**
     * @param instances       instances of each model stage (2 where not named)
     * @param brokerOverrides broker properties besides {@link dev.codi.infra.BrokerTuning}'s
     */
    FaultCluster(Map<String, String> extraEnvironment, Map<String, Map<String, String>> perService, Map<String, Integer> instances,
                 Map<String, String> brokerOverrides) throws IOException {
        this(1, extraEnvironment, perService, instances, brokerOverrides);
    }

    /**
     * @param brokerCount Kafka brokers, each also a KRaft controller: 1, or 3 and more, whose
     *                    internal topics then keep 3 copies, 2 in sync (codi's own topics take
     *                    theirs from CODI_TOPIC_REPLICATION_FACTOR and CODI_TOPIC_MIN_INSYNC_REPLICAS)
     */
    FaultCluster(int brokerCount, Map<String, String> extraEnvironment, Map<String, Map<String, String>> perService,
                 Map<String, Integer> instances, Map<String, String> brokerOverrides) throws IOException {
        if (brokerCount != 1 && brokerCount < 3) {
            throw new IllegalArgumentException("brokers must be 1, or 3 and more (a quorum that outlives one), got " + brokerCount);
        }
        root = Path.of(System.getProperty("codi.home", "..")).toAbsolutePath().normalize();
        work = root.resolve("fault-tests/target/fault-run-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(work);
        List<Integer> ports = new ArrayList<>();
        List<Integer> controllers = new ArrayList<>();
        for (int n = 0; n < brokerCount; n++) {
            ports.add(freePort());
            controllers.add(freePort());
        }
        kafkaPorts = List.copyOf(ports);
        controllerPorts = List.copyOf(controllers);
        brokers = newBrokers(brokerOverrides);
        broker = brokers.get(0);
        s3 = newS3();
        s3Proxy = new TcpProxy(s3Port);
        Map<String, String> environment = serviceEnvironment(extraEnvironment);
        services.put("gateway", List.of(newService("gateway", 1, withOwn(environment, perService, "gateway"))));
        for (String stage : STAGES) {
            Map<String, String> own = withOwn(environment, perService, stage);
            List<ManagedProcess> started = new ArrayList<>();
            for (int index = 1; index <= instances.getOrDefault(stage, 2); index++) {
                started.add(newService(stage, index, own));
            }
            services.put(stage, List.copyOf(started));
        }
        supervisor = new Thread(this::supervise, "fault-supervisor");
        supervisor.setDaemon(true);
    }

    private static Map<String, String> withOwn(Map<String, String> environment, Map<String, Map<String, String>> perService,
                                               String service) {
        Map<String, String> own = new HashMap<>(environment);
        own.putAll(perService.getOrDefault(service, Map.of()));
        return own;
    }

    void start() {
        brokers.forEach(ManagedProcess::start);
        s3.start();
        kafkaPorts.forEach(port -> awaitPort(port, "kafka"));
        awaitPort(s3Port, "s3");
        // Topics of several copies can be created only once that many brokers have joined.
        await("every Kafka broker in the cluster", READY_TIMEOUT, () -> liveBrokers().size() == brokers.size());
        // The gateway first: it creates the topics the others then find.
        gateway().start();
        await("the gateway ready", READY_TIMEOUT, this::gatewayReady);
        STAGES.forEach(stage -> services.get(stage).forEach(ManagedProcess::start));
        supervisor.start();
        awaitAllReady();
    }

    void awaitAllReady() {
        await("every service ready", READY_TIMEOUT, () -> gatewayReady()
                && STAGES.stream().allMatch(stage -> services.get(stage).stream().allMatch(this::stageReady)));
    }

    ManagedProcess gateway() {
        return services.get("gateway").get(0);
    }

    ManagedProcess instance(String stage, int index) {
        return services.get(stage).get(index);
    }

    String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    /** Every committed record of {@code topic}, from its beginning up to its end as of now. */
    List<ConsumerRecord<String, byte[]>> readTopic(String topic) {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrap());
        properties.put("client.id", "fault-reader-" + UUID.randomUUID());
        properties.put("enable.auto.commit", "false");
        properties.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The value of a record's last header called {@code name}, or null. */
    static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    String bootstrap() {
        return String.join(",", kafkaPorts.stream().map(port -> "127.0.0.1:" + port).toList());
    }

    /** Node ids of the brokers the cluster's metadata lists as alive; empty while none answers. */
    java.util.Set<Integer> liveBrokers() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap(), "request.timeout.ms", "5000",
                "default.api.timeout.ms", "10000"))) {
            return admin.describeCluster().nodes().get(15, TimeUnit.SECONDS).stream()
                    .map(org.apache.kafka.common.Node::id).collect(java.util.stream.Collectors.toSet());
        } catch (Exception e) {
            return java.util.Set.of();
        }
    }

    boolean gatewayReady() {
        return status(gatewayUrl() + "/health/ready") == 200;
    }

    boolean stageReady(ManagedProcess stage) {
        return status("http://127.0.0.1:" + adminPorts.get(stage) + "/health/ready") == 200;
    }

    /** Total restarts the supervisor made of services (not counting the first start). */
    int restarts() {
        return services.values().stream().flatMap(List::stream).mapToInt(process -> process.starts() - 1).sum();
    }

    /** Input lag of each stage's consumer group, and its member count. */
    Map<String, long[]> groupLagAndMembers(Map<String, String> inputTopicByGroup) throws Exception {
        Map<String, long[]> result = new LinkedHashMap<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            for (Map.Entry<String, String> entry : inputTopicByGroup.entrySet()) {
                String group = entry.getKey();
                boolean share = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                        .anyMatch(listing -> listing.groupId().equals(group) && listing.type().orElse(null) == GroupType.SHARE);
                if (share) {
                    result.put(group, shareGroupLagAndMembers(admin, group, entry.getValue()));
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latestOf(admin, entry.getValue()))
                        .all().get(30, TimeUnit.SECONDS);
                long lag = 0;
                for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
                    OffsetAndMetadata at = committed.get(end.getKey());
                    lag += end.getValue().offset() - (at == null ? 0 : at.offset());
                }
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                        .get(30, TimeUnit.SECONDS).get(group);
                result.put(group, new long[] {lag, description.members().size()});
            }
        }
        return result;
    }

    /**
     * Per group: its members, and each input partition whose committed offset is behind its end
     * (with the committed offset's metadata), for a failure message.
     */
    String groupLagDetail(Map<String, String> inputTopicByGroup) {
        StringBuilder detail = new StringBuilder();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            for (Map.Entry<String, String> entry : inputTopicByGroup.entrySet()) {
                String group = entry.getKey();
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                        .get(30, TimeUnit.SECONDS).get(group);
                detail.append(group).append(": ").append(description.members().size()).append(" member(s) ")
                        .append(description.members().stream().map(member -> member.clientId() + member.assignment()
                                .topicPartitions().stream().map(TopicPartition::partition).sorted().toList()).toList());
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = latestOf(admin, entry.getValue());
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> stable = admin.listOffsets(latest,
                        new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                        .all().get(30, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end
                        : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                    TopicPartition partition = end.getKey();
                    OffsetAndMetadata at = committed.get(partition);
                    if (at == null || at.offset() < end.getValue().offset()) {
                        detail.append(", ").append(partition).append(" end ").append(end.getValue().offset())
                                .append(" last stable ").append(stable.get(partition).offset()).append(" committed ")
                                .append(at == null ? "none" : at.offset() + (at.metadata().isEmpty() ? "" : " (" + at.metadata() + ")"))
                                .append(" producers ").append(admin.describeProducers(List.of(partition)).partitionResult(partition)
                                        .get(30, TimeUnit.SECONDS).activeProducers());
                    }
                }
                detail.append("; ");
            }
        } catch (Exception e) {
            detail.append("(could not read the groups: ").append(e).append(")");
        }
        return detail.toString();
    }

    /**
     * Per partition of {@code topic}: how many members of share group {@code group} the group
     * coordinator has assigned it, once {@code members} members each hold an assignment; empty
     * until then. The share group's assignor places members on partitions by a hash of their ids,
     * so several members may share one partition while another has a single one.
     */
    Map<Integer, Integer> shareGroupMembersPerPartition(String group, String topic, int members) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            var described = admin.describeShareGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).members();
            Map<Integer, Integer> perPartition = new java.util.TreeMap<>();
            int assigned = 0;
            for (var member : described) {
                List<TopicPartition> partitions = member.assignment().topicPartitions().stream()
                        .filter(partition -> partition.topic().equals(topic)).toList();
                if (!partitions.isEmpty()) {
                    assigned++;
                }
                partitions.forEach(partition -> perPartition.merge(partition.partition(), 1, Integer::sum));
            }
            return described.size() == members && assigned == members ? perPartition : Map.of();
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** A share group's lag (the broker's count of records not yet acknowledged, else those from its start offset to the end). */
    private static long[] shareGroupLagAndMembers(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = latestOf(admin, topic);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, SharePartitionOffsetInfo> starts = admin.listShareGroupOffsets(
                        Map.of(group, new ListShareGroupOffsetsSpec().topicPartitions(latest.keySet())))
                .partitionsToOffsetInfo(group).get(30, TimeUnit.SECONDS);
        long lag = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
            SharePartitionOffsetInfo start = starts.get(end.getKey());
            lag += start == null ? end.getValue().offset() : start.lag().orElse(end.getValue().offset() - start.startOffset());
        }
        int members = admin.describeShareGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).members().size();
        return new long[] {lag, members};
    }

    /** Every partition of {@code topic}, each asked for its end offset. */
    private static Map<TopicPartition, OffsetSpec> latestOf(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return latest;
    }

    @Override
    public void close() {
        closed = true;
        services.values().forEach(list -> list.forEach(ManagedProcess::killAndKeepDown));
        s3Proxy.close();
        s3.killAndKeepDown();
        brokers.forEach(ManagedProcess::killAndKeepDown);
    }

    private void supervise() {
        while (!closed) {
            services.values().forEach(list -> list.forEach(ManagedProcess::reviveIfDead));
            sleep(300);
        }
    }

    /**
     * The brokers, each a KRaft broker and controller of one quorum (static voters, as
     * deploy/local/start-kafka.sh writes them), their storage formatted with one cluster id.
     */
    private List<ManagedProcess> newBrokers(Map<String, String> overrides) throws IOException {
        int count = kafkaPorts.size();
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        List<String> voters = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            voters.add(n + "@127.0.0.1:" + controllerPorts.get(n - 1));
        }
        String classpath = ManagedProcess.classpath();
        List<ManagedProcess> started = new ArrayList<>();
        List<Process> formats = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            String name = count == 1 ? "kafka" : "kafka-" + n;
            int port = kafkaPorts.get(n - 1);
            int controllerPort = controllerPorts.get(n - 1);
            Path properties = work.resolve(name + ".properties");
            StringBuilder text = new StringBuilder();
            Map<String, String> config = new LinkedHashMap<>(dev.codi.infra.BrokerTuning.singleNodeProperties());
            if (count >= 3) {
                // One broker may die without losing a committed offset, a transaction's state or a share group's.
                config.put("offsets.topic.replication.factor", "3");
                config.put("transaction.state.log.replication.factor", "3");
                config.put("transaction.state.log.min.isr", "2");
                config.put("share.coordinator.state.topic.replication.factor", "3");
                config.put("share.coordinator.state.topic.min.isr", "2");
            }
            config.put("process.roles", "broker,controller");
            config.put("node.id", Integer.toString(n));
            config.put("controller.quorum.voters", String.join(",", voters));
            config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            config.put("controller.listener.names", "CONTROLLER");
            config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            config.put("log.dirs", work.resolve(name + "-data").toString());
            config.putAll(overrides);
            config.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
            Files.writeString(properties, text);
            formats.add(new ProcessBuilder(ManagedProcess.java(List.of("-Xmx256m"), classpath, "kafka.tools.StorageTool",
                    List.of("format", "-t", clusterId, "-c", properties.toString())))
                    .redirectErrorStream(true).redirectOutput(work.resolve(name + "-format.log").toFile()).start());
            started.add(new ManagedProcess(name, ManagedProcess.java(List.of("-Xmx512m"), classpath, "kafka.Kafka",
                    List.of(properties.toString())), Map.of(), work));
        }
        try {
            for (int n = 0; n < count; n++) {
                if (formats.get(n).waitFor() != 0) {
                    throw new IllegalStateException("formatting Kafka's storage failed; see " + work.resolve(started.get(n).name() + "-format.log"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return List.copyOf(started);
    }

    private ManagedProcess newS3() throws IOException {
        Path properties = work.resolve("s3proxy.properties");
        Files.createDirectories(work.resolve("s3-data"));
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + s3Port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=fault-access",
                "s3proxy.credential=fault-secret",
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + work.resolve("s3-data")) + "\n");
        return new ManagedProcess("s3", ManagedProcess.java(List.of("-Xmx256m"), ManagedProcess.classpath(),
                "org.gaul.s3proxy.Main", List.of("--properties", properties.toString())), Map.of(), work);
    }

    private Map<String, String> serviceEnvironment(Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>();
        environment.put("CODI_KAFKA_BOOTSTRAP", bootstrap());
        environment.put("CODI_S3_ENDPOINT", "http://127.0.0.1:" + s3Proxy.port());
        environment.put("CODI_S3_ACCESS_KEY", "fault-access");
        environment.put("CODI_S3_SECRET_KEY", "fault-secret");
        environment.put("CODI_S3_CONNECT_TIMEOUT_MS", "2000");
        environment.put("CODI_S3_IO_TIMEOUT_MS", "4000");
        environment.put("CODI_MODEL_DIR", root.resolve("models/codi-tiny").toString());
        environment.put("CODI_HTTP_PORT", Integer.toString(gatewayPort));
        environment.put("CODI_API_KEYS", API_KEY);
        environment.put("CODI_WEBHOOK_SIGNING_KEY", "fault-suite-signing-key-0123456789abcdefghij");
        environment.put("CODI_WEBHOOK_ALLOW_LOOPBACK", "true");
        environment.put("CODI_WEBHOOK_RETRY_SCHEDULE", "0s,1s,2s,4s,8s,15s,30s,30s,30s");
        environment.put("CODI_WEBHOOK_TIMEOUT_MS", "3000");
        environment.put("CODI_RETRY_BACKOFF_MAX_MS", "4000");
        environment.put("CODI_TEST_HALT_DIR", work.resolve("halts").toString());
        environment.put("OPT_OUT_TRACKING", "true");
        environment.put("DJL_CACHE_DIR", System.getenv().getOrDefault("DJL_CACHE_DIR", root.resolve(".cache/djl").toString()));
        environment.putAll(extra);
        return environment;
    }

    private ManagedProcess newService(String service, int index, Map<String, String> environment) {
        Map<String, String> own = new HashMap<>(environment);
        int adminPort = freePort();
        own.put("CODI_ADMIN_PORT", Integer.toString(adminPort));
        List<String> options = List.of("-Xmx700m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true");
        Path jar = root.resolve(service).resolve("target").resolve(service + ".jar");
        List<String> command = new ArrayList<>();
        if (Files.isRegularFile(jar)) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(options);
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command = ManagedProcess.java(options, ManagedProcess.classpath(), MAIN_CLASSES.get(service), List.of());
        }
        ManagedProcess process = new ManagedProcess(service + "-" + index, command, own, work);
        adminPorts.put(process, adminPort);
        return process;
    }

    int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition, () -> "");
    }

    /** As {@link #await(String, Duration, BooleanSupplier)}, saying what {@code stateOnTimeout} reads when it times out. */
    static void await(String what, Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> stateOnTimeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String state = stateOnTimeout.get();
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (state.isEmpty() ? "" : "; " + state));
            }
            sleep(250);
        }
    }

    static void awaitPort(int port, String what) {
        await(what + " listening on " + port, READY_TIMEOUT, () -> {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** A free loopback port that no earlier call in this JVM returned. */
    static int freePort() {
        return LocalPorts.pickFree();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
