package dev.codi.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.codi.protocol.Stage;
import dev.codi.protocol.Topics;
import dev.codi.protocol.metrics.ProcessMetrics;
import dev.codi.protocol.stage.StageMetrics;
import dev.codi.protocol.stage.StageSettings;
import dev.codi.protocol.stage.WorkDelivery;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files under deploy/ hold together without a cluster: every manifest parses,
 * every image is a service this build makes, every probe is a path the service answers on a port
 * its container opens, every Secret and ConfigMap referenced exists with the keys used, every
 * variable set is one the service reads ({@link ConfigVariables}), and each stage scales on its
 * own consumer group and input topic, or with share groups on the backlog it reports itself.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> PROBE_PATHS = Set.of("/health/live", "/health/ready");
    private static final Pattern CODI_IMAGE = Pattern.compile("codi/([a-z-]+?)(-gpu)?:(.+)");
    private static final Pattern VARIABLE_IN_PATCH = Pattern.compile("/data/([A-Z][A-Z0-9_]+)");
    /** A stage name of no deployed stage, whose meters show what a stage exposes. */
    private static final String PROBE_STAGE = "manifest-test-stage";
    /** Every Kubernetes object of base/, by kind then name. */
    private static final Map<String, Map<String, JsonNode>> BASE = new HashMap<>();

    @BeforeAll
    static void readTheBase() throws IOException {
        for (Path file : yamlFiles(DEPLOY.resolve("k8s/base"))) {
            for (JsonNode document : documents(file)) {
                if (document.has("kind") && !document.path("kind").asText().equals("Kustomization")) {
                    BASE.computeIfAbsent(document.path("kind").asText(), kind -> new HashMap<>())
                            .put(document.path("metadata").path("name").asText(), document);
                }
            }
        }
    }

    @Test
    void everyManifestAndTheDashboardParse() throws IOException {
        List<Path> files = yamlFiles(DEPLOY);
        assertThat(files).extracting(path -> DEPLOY.relativize(path).toString().replace('\\', '/'))
                .contains("compose/compose.yaml", "k8s/base/kustomization.yaml", "k8s/overlays/dev/kustomization.yaml",
                        "k8s/overlays/gpu/kustomization.yaml", "k8s/overlays/share-groups/kustomization.yaml");
        for (Path file : files) {
            assertThat(documents(file)).as(file.toString()).isNotEmpty();
        }
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/codi-dashboard.json").toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
    }

    @Test
    void kustomizationsListOnlyFilesThatExist() throws IOException {
        for (Path kustomization : List.of(DEPLOY.resolve("k8s/base/kustomization.yaml"), DEPLOY.resolve("k8s/overlays/dev/kustomization.yaml"),
                DEPLOY.resolve("k8s/overlays/gpu/kustomization.yaml"), DEPLOY.resolve("k8s/overlays/share-groups/kustomization.yaml"))) {
            for (JsonNode resource : documents(kustomization).get(0).path("resources")) {
                assertThat(kustomization.getParent().resolve(resource.asText())).as(kustomization + ": " + resource).exists();
            }
        }
    }

    @Test
    void deploymentsRunImagesOfThisBuildWithProbesOnTheirOwnPortsAndOnlyVariablesTheyRead() {
        Map<String, JsonNode> deployments = BASE.get("Deployment");
        assertThat(deployments).containsOnlyKeys("gateway", "encoder-service", "diffusion-service", "decoder-service");
        deployments.forEach((name, deployment) -> {
            Stage service = Stage.fromServiceName(name);
            JsonNode spec = deployment.path("spec").path("template").path("spec");
            assertThat(spec.path("terminationGracePeriodSeconds").asInt()).as(name + " outlives the JVM's 30 s drain").isGreaterThan(30);
            JsonNode container = spec.path("containers").get(0);
            assertImageOfThisBuild(container.path("image").asText(), name);
            Set<String> ports = new HashSet<>();
            Map<String, Integer> portNumbers = new HashMap<>();
            container.path("ports").forEach(port -> {
                ports.add(port.path("name").asText());
                portNumbers.put(port.path("name").asText(), port.path("containerPort").asInt());
            });
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                JsonNode get = container.path(probe).path("httpGet");
                assertThat(PROBE_PATHS).as(name + " " + probe).contains(get.path("path").asText());
                assertThat(ports).as(name + " " + probe + " port").contains(get.path("port").asText());
            }
            assertThat(container.path("resources").path("requests").path("memory").asText()).as(name).isNotEmpty();
            Map<String, String> environment = environment(container, name);
            environment.keySet().forEach(variable ->
                    assertThat(ConfigVariables.isReadBy(service, variable)).as(name + " reads " + variable).isTrue());
            String portVariable = service == Stage.GATEWAY ? "CODI_HTTP_PORT" : "CODI_ADMIN_PORT";
            int probed = portNumbers.get(container.path("readinessProbe").path("httpGet").path("port").asText());
            assertThat(environment.get(portVariable)).as(name + ": the probed port is the one it listens on").isEqualTo(Integer.toString(probed));
        });
    }

    @Test
    void theGatewayIsServedAndRoutedToItsNamedPort() {
        JsonNode service = BASE.get("Service").get("gateway");
        JsonNode container = BASE.get("Deployment").get("gateway").path("spec").path("template").path("spec").path("containers").get(0);
        Set<String> containerPorts = new HashSet<>();
        container.path("ports").forEach(port -> containerPorts.add(port.path("name").asText()));
        String servicePortName = service.path("spec").path("ports").get(0).path("name").asText();
        assertThat(containerPorts).contains(service.path("spec").path("ports").get(0).path("targetPort").asText());
        JsonNode backend = BASE.get("Ingress").get("gateway").path("spec").path("rules").get(0).path("http").path("paths").get(0)
                .path("backend").path("service");
        assertThat(backend.path("name").asText()).isEqualTo("gateway");
        assertThat(backend.path("port").path("name").asText()).isEqualTo(servicePortName);
    }

    @Test
    void eachModelStageScalesOnItsOwnGroupsLagOfItsInputTopic() {
        Topics topics = Topics.defaults();
        Map<Stage, String> inputs = Map.of(Stage.ENCODER, topics.jobs(), Stage.DIFFUSION, topics.conditioning(), Stage.DECODER, topics.latents());
        Map<String, JsonNode> scaled = BASE.get("ScaledObject");
        assertThat(scaled).containsOnlyKeys("encoder-service", "diffusion-service", "decoder-service");
        inputs.forEach((stage, topic) -> {
            JsonNode object = scaled.get(stage.serviceName());
            assertThat(BASE.get("Deployment")).containsKey(object.path("spec").path("scaleTargetRef").path("name").asText());
            JsonNode trigger = object.path("spec").path("triggers").get(0);
            assertThat(trigger.path("type").asText()).isEqualTo("kafka");
            assertThat(trigger.path("metadata").path("consumerGroup").asText()).isEqualTo(stage.consumerGroup());
            assertThat(trigger.path("metadata").path("topic").asText()).isEqualTo(topic);
            assertThat(trigger.path("metadata").path("bootstrapServers").asText())
                    .isEqualTo(BASE.get("ConfigMap").get("codi-common").path("data").path("CODI_KAFKA_BOOTSTRAP").asText());
        });
    }

    @Test
    void overlaysSetOnlyVariablesTheServicesReadAndTheGpuStageScalesToZero() throws IOException {
        Set<String> anyService = ConfigVariables.all();
        for (Path overlay : yamlFiles(DEPLOY.resolve("k8s/overlays"))) {
            Matcher variables = VARIABLE_IN_PATCH.matcher(Files.readString(overlay));
            while (variables.find()) {
                assertThat(anyService).as(overlay + " sets " + variables.group(1)).contains(variables.group(1));
            }
        }
        String gpu = Files.readString(DEPLOY.resolve("k8s/overlays/gpu/kustomization.yaml"));
        assertThat(gpu).contains("name: diffusion-service", "path: /spec/minReplicaCount\n        value: 0", "nvidia.com~1gpu",
                "Cold start");
    }

    @Test
    void theShareGroupsOverlayDeliversThroughShareGroupsAndScalesEachStageOnTheBacklogItReports() throws IOException {
        Map<String, List<JsonNode>> patches = new HashMap<>();
        for (JsonNode patch : documents(DEPLOY.resolve("k8s/overlays/share-groups/kustomization.yaml")).get(0).path("patches")) {
            String target = patch.path("target").path("kind").asText() + "/" + patch.path("target").path("name").asText();
            YAML.readTree(patch.path("patch").asText()).forEach(operation -> patches.computeIfAbsent(target, key -> new ArrayList<>()).add(operation));
        }
        JsonNode delivery = patches.get("ConfigMap/codi-stages").get(0);
        assertThat(delivery.path("path").asText()).isEqualTo("/data/" + StageSettings.WORK_DELIVERY);
        JsonNode stageSettings = BASE.get("ConfigMap").get("codi-stages").path("data");
        assertThat(stageSettings.has(StageSettings.WORK_DELIVERY)).as("the overlay replaces a base setting").isTrue();
        JsonObject overlaid = new JsonObject();
        stageSettings.fields().forEachRemaining(entry -> overlaid.put(entry.getKey(), entry.getValue().asText()));
        overlaid.put(StageSettings.WORK_DELIVERY, delivery.path("value").asText());
        assertThat(StageSettings.from(overlaid).workDelivery()).as("the stages accept the overlay's settings").isEqualTo(WorkDelivery.SHARE);

        String exposed;
        try (StageMetrics probe = new StageMetrics(PROBE_STAGE)) {
            exposed = ProcessMetrics.scrape();
        }
        for (Stage stage : List.of(Stage.ENCODER, Stage.DIFFUSION, Stage.DECODER)) {
            String name = stage.serviceName();
            assertThat(BASE.get("ScaledObject")).containsKey(name);
            List<JsonNode> operations = patches.get("ScaledObject/" + name);
            assertThat(operations).as(name).isNotNull();
            JsonNode triggers = operations.stream().filter(operation -> operation.path("path").asText().equals("/spec/triggers"))
                    .findFirst().orElseThrow().path("value");
            assertThat(triggers).as(name + ": the Kafka trigger is replaced, not joined").hasSize(1);
            JsonNode metadata = triggers.get(0).path("metadata");
            assertThat(triggers.get(0).path("type").asText()).isEqualTo("prometheus");
            assertThat(metadata.path("serverAddress").asText()).startsWith("http");
            assertThat(Double.parseDouble(metadata.path("threshold").asText())).isPositive();
            assertThat(metadata.has("activationThreshold")).isTrue();
            // the series a stage exposes, checked against a scrape rather than a second spelling of its name
            Matcher series = Pattern.compile("\\b([a-z_]+)\\{stage=\"([^\"]+)\"}").matcher(metadata.path("query").asText());
            assertThat(series.find()).as(name + " query " + metadata.path("query")).isTrue();
            assertThat(series.group(2)).as(name + ": its own backlog").isEqualTo(name);
            assertThat(exposed).containsPattern("(?m)^" + Pattern.quote(series.group(1) + "{stage=\"" + PROBE_STAGE + "\"}") + " ");
            assertThat(series.group(1)).isEqualTo("codi_stage_backlog_records");
            JsonNode floor = operations.stream().filter(operation -> operation.path("path").asText().equals("/spec/minReplicaCount"))
                    .findFirst().map(operation -> operation.path("value")).orElse(BASE.get("ScaledObject").get(name).path("spec").path("minReplicaCount"));
            assertThat(floor.asInt()).as(name + ": at zero replicas nothing reports the backlog").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void composeRunsTheImagesOfThisBuildWithOnlyVariablesTheyRead() throws IOException {
        JsonNode compose = documents(DEPLOY.resolve("compose/compose.yaml")).get(0);
        Map<String, String> dotEnv = readDotEnv(DEPLOY.resolve("compose/.env"));
        Set<String> readBySomeoneUsingDotEnv = new HashSet<>();
        Set<String> codiServices = new HashSet<>();
        compose.path("services").fields().forEachRemaining(entry -> {
            String image = entry.getValue().path("image").asText();
            if (!image.startsWith("codi/")) {
                return;
            }
            codiServices.add(entry.getKey());
            assertImageOfThisBuild(image, entry.getKey());
            Stage service = Stage.fromServiceName(entry.getKey());
            entry.getValue().path("environment").fieldNames().forEachRemaining(variable ->
                    assertThat(ConfigVariables.isReadBy(service, variable)).as(entry.getKey() + " reads " + variable).isTrue());
            if (entry.getValue().path("env_file").asText().equals(".env")) {
                dotEnv.keySet().stream().filter(variable -> ConfigVariables.isReadBy(service, variable)).forEach(readBySomeoneUsingDotEnv::add);
            }
        });
        assertThat(codiServices).containsExactlyInAnyOrder("gateway", "encoder-service", "diffusion-service", "decoder-service");
        assertThat(readBySomeoneUsingDotEnv).as(".env sets only what some service reads").containsExactlyInAnyOrderElementsOf(dotEnv.keySet());
        String kafkaVersion = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(Files.readString(Path.of("..", "pom.xml")))
                .results().findFirst().orElseThrow().group(1);
        assertThat(compose.path("services").path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + kafkaVersion);
    }

    /** The container's variables: its env entries, and every key of the ConfigMaps and Secrets it takes whole. */
    private static Map<String, String> environment(JsonNode container, String name) {
        Map<String, String> environment = new HashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            String kind = source.has("configMapRef") ? "ConfigMap" : "Secret";
            String reference = source.path(source.has("configMapRef") ? "configMapRef" : "secretRef").path("name").asText();
            JsonNode object = BASE.getOrDefault(kind, Map.of()).get(reference);
            assertThat(object).as(name + " takes " + kind + " " + reference).isNotNull();
            object.path(kind.equals("Secret") ? "stringData" : "data").fields()
                    .forEachRemaining(entry -> environment.put(entry.getKey(), entry.getValue().asText()));
        }
        for (JsonNode variable : container.path("env")) {
            JsonNode secretKey = variable.path("valueFrom").path("secretKeyRef");
            if (!secretKey.isMissingNode()) {
                JsonNode secret = BASE.getOrDefault("Secret", Map.of()).get(secretKey.path("name").asText());
                assertThat(secret).as(name + " secret " + secretKey).isNotNull();
                assertThat(secret.path("stringData").has(secretKey.path("key").asText())).as(name + " secret key " + secretKey).isTrue();
            }
            environment.put(variable.path("name").asText(), variable.path("value").asText());
        }
        return environment;
    }

    /** An image this build makes: codi/&lt;module&gt;[-gpu]:tag, the module being the service that runs it. */
    private static void assertImageOfThisBuild(String image, String service) {
        Matcher matcher = CODI_IMAGE.matcher(image);
        assertThat(matcher.matches()).as(image).isTrue();
        assertThat(matcher.group(1)).as(image).isEqualTo(service);
        assertThat(Path.of("..", matcher.group(1), "pom.xml")).as("module of " + image).exists();
    }

    private static Map<String, String> readDotEnv(Path file) throws IOException {
        Map<String, String> variables = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                variables.put(line.substring(0, line.indexOf('=')).trim(), line.substring(line.indexOf('=') + 1));
            }
        }
        return variables;
    }

    private static List<Path> yamlFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(path -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }
}
