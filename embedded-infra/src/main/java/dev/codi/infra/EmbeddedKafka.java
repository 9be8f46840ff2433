package dev.codi.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in this JVM: one KRaft node that is both broker and controller,
 * listening on loopback only. Built from Kafka's own server classes, the same code path as
 * {@code kafka-storage.sh format} followed by {@code kafka-server-start.sh}.
 *
 * <p>Always close it (try-with-resources or a shutdown hook): the broker's threads are not
 * daemons and would keep the JVM alive.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The clients' listener of a broker started by {@link #startSaslSsl}. */
    private static final String SASL_SSL_LISTENER = "CLIENT";
    /** The only SASL mechanism the {@link #SASL_SSL_LISTENER} accepts. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    /** Written by the formatter into every formatted log directory. */
    private static final String META_PROPERTIES = "meta.properties";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDirectory;
    private final boolean deleteOnClose;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path dataDirectory, boolean deleteOnClose) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDirectory = dataDirectory;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * A SCRAM user and the broker's certificate for {@link #startSaslSsl}.
     *
     * @param tls      the broker's key store; clients trust its trust store
     * @param username a SCRAM-SHA-512 user that exists when the broker starts
     */
    public record SaslSsl(SelfSignedTls tls, String username, String password) {
        public SaslSsl {
            if (username.isBlank() || !username.matches("[A-Za-z0-9._-]+") || !password.matches("[A-Za-z0-9._-]+")) {
                // kafka-storage's --add-scram syntax splits on ',', '=' and brackets: keep both plain.
                throw new IllegalArgumentException("SCRAM username and password must match [A-Za-z0-9._-]+");
            }
        }
    }

    /** Starts a broker on a fresh temporary directory, deleted on close. */
    public static EmbeddedKafka start() {
        return start(Directories.createTemp("codi-kafka-"), true, null);
    }

    /**
     * Starts a broker whose clients' listener speaks SASL_SSL with SCRAM-SHA-512 only, on a fresh
     * temporary directory. The user is written into the metadata log at format time (what
     * {@code kafka-storage.sh format --add-scram} does), so it exists before the first client
     * connects. The inter-broker listener (unused: there is one broker) stays PLAINTEXT on
     * loopback without authentication; clients bootstrapped at {@link #bootstrapServers()} are only
     * ever told the SASL_SSL address (metadata answers name the listener asked on).
     */
    public static EmbeddedKafka startSaslSsl(SaslSsl saslSsl) {
        return start(Directories.createTemp("codi-kafka-"), true, saslSsl);
    }

    /**
     * Starts a broker whose log lives in {@code dataDirectory}, kept on close so topics and
     * committed offsets survive a restart. The directory is formatted on first use.
     */
    public static EmbeddedKafka start(Path dataDirectory) {
        return start(Directories.createIfMissing(dataDirectory), false, null);
    }

    /** @param saslSsl null for a PLAINTEXT broker */
    private static EmbeddedKafka start(Path dataDirectory, boolean deleteOnClose, SaslSsl saslSsl) {
        long startedAt = System.nanoTime();
        int brokerPort = LocalPorts.pickFree();
        int controllerPort = LocalPorts.pickFree();
        Map<String, Object> properties = properties(dataDirectory, brokerPort, controllerPort);
        int clientPort = brokerPort;
        if (saslSsl != null) {
            clientPort = LocalPorts.pickFree();
            properties.putAll(saslSslProperties(saslSsl, clientPort, brokerPort, controllerPort));
        }
        KafkaConfig config = new KafkaConfig(properties, false);
        format(dataDirectory, saslSsl);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            // Returns once the broker is unfenced, i.e. ready to serve clients.
            server.startup();
        } catch (RuntimeException e) {
            shutDown(server);
            deleteQuietly(dataDirectory, deleteOnClose);
            throw new IllegalStateException("the in-process Kafka broker failed to start", e);
        }
        String bootstrapServers = LocalPorts.LOOPBACK_HOST + ":" + clientPort;
        LOG.info("Kafka broker started at {}{} in {} ms (data in {})",
                bootstrapServers, saslSsl == null ? "" : " (SASL_SSL, " + SCRAM_MECHANISM + ")", (System.nanoTime() - startedAt) / 1_000_000, dataDirectory);
        return new EmbeddedKafka(server, bootstrapServers, dataDirectory, deleteOnClose);
    }

    private static Map<String, Object> properties(Path dataDirectory, int brokerPort, int controllerPort) {
        String host = LocalPorts.LOOPBACK_HOST;
        Map<String, Object> properties = new HashMap<>(BrokerTuning.singleNodeProperties());
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", Integer.toString(NODE_ID));
        properties.put("listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        properties.put("advertised.listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort);
        properties.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        properties.put("inter.broker.listener.name", BROKER_LISTENER);
        properties.put("controller.listener.names", CONTROLLER_LISTENER);
        // A static quorum of one voter: this node, at its controller port.
        properties.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        properties.put("log.dirs", dataDirectory.toString());
        return properties;
    }

    /** Adds the SASL_SSL clients' listener to {@link #properties}' PLAINTEXT and controller ones. */
    private static Map<String, Object> saslSslProperties(SaslSsl saslSsl, int clientPort, int brokerPort, int controllerPort) {
        String host = LocalPorts.LOOPBACK_HOST;
        String listenerPrefix = "listener.name." + SASL_SSL_LISTENER.toLowerCase(Locale.ROOT) + ".";
        Map<String, Object> properties = new HashMap<>();
        properties.put("listeners", SASL_SSL_LISTENER + "://" + host + ":" + clientPort
                + "," + BROKER_LISTENER + "://" + host + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        properties.put("advertised.listeners", SASL_SSL_LISTENER + "://" + host + ":" + clientPort
                + "," + BROKER_LISTENER + "://" + host + ":" + brokerPort);
        properties.put("listener.security.protocol.map", SASL_SSL_LISTENER + ":SASL_SSL,"
                + BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        properties.put(listenerPrefix + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
        // The server side of SCRAM needs no options: credentials come from the cluster metadata.
        properties.put(listenerPrefix + SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        properties.put(listenerPrefix + "ssl.keystore.type", SelfSignedTls.STORE_TYPE);
        properties.put(listenerPrefix + "ssl.keystore.location", saslSsl.tls().keyStore().toString());
        properties.put(listenerPrefix + "ssl.keystore.password", saslSsl.tls().password());
        properties.put(listenerPrefix + "ssl.key.password", saslSsl.tls().password());
        return properties;
    }

    /**
     * What {@code kafka-storage.sh format} does (with {@code --add-scram} for a SASL_SSL broker). A directory formatted before keeps its cluster
     * id: the formatter would refuse it, since a new id never matches the stored one.
     */
    private static void format(Path dataDirectory, SaslSsl saslSsl) {
        if (Files.exists(dataDirectory.resolve(META_PROPERTIES))) {
            return;
        }
        try {
            Formatter formatter = new Formatter();
            if (saslSsl != null) {
                formatter.setScramArguments(List.of(SCRAM_MECHANISM + "=[name=" + saslSsl.username()
                        + ",password=" + saslSsl.password() + "]"));
            }
            formatter
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .addDirectory(dataDirectory.toString())
                    .setMetadataLogDirectory(dataDirectory.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format Kafka log directory " + dataDirectory, e);
        }
    }

    /** {@code host:port} for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Convenience for {@link KafkaTopics#createTopics} on this broker. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        KafkaTopics.createTopics(bootstrapServers, partitionsByTopic);
    }

    /** Where the log lives; empty once a temporary directory has been deleted. */
    public Optional<Path> dataDirectory() {
        return closed && deleteOnClose ? Optional.empty() : Optional.of(dataDirectory);
    }

    /** Stops the broker and waits for its threads; deletes the data directory if it was temporary. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutDown(server);
        deleteQuietly(dataDirectory, deleteOnClose);
        LOG.info("Kafka broker at {} stopped", bootstrapServers);
    }

    private static void shutDown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static void deleteQuietly(Path dataDirectory, boolean delete) {
        if (!delete) {
            return;
        }
        try {
            Directories.deleteRecursively(dataDirectory);
        } catch (IOException e) {
            // The broker is already down; a leftover temp directory is not worth failing close() for.
            LOG.warn("could not delete Kafka data directory {}", dataDirectory, e);
        }
    }
}
