package dev.codi.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The services' container images (Jib, profile "images"): a non-root user, the JVM flags every
 * codi JVM runs with, the port the manifests probe, the model bundle where CODI_MODEL_DIR points.
 * Checked in the POMs always, and in each image's own config where {@code mvn package -Pimages}
 * has written its tarball.
 */
class ContainerImageTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Each service and the port its Deployment probes (deploy/k8s/base). */
    private static final Map<String, String> PORTS = Map.of("gateway", "8080", "encoder-service", "8081",
            "diffusion-service", "8081", "decoder-service", "8081");
    private static final String USER = "10001:10001";
    private static final List<String> JVM_FLAGS = List.of("-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75", "-Dai.djl.offline=true");

    @Test
    void theImagesProfileRunsTheJvmAsNonRootWithTheFlagsAndTheModelBundleAsItsOwnLayer() throws Exception {
        Element jib = jibConfiguration(xml(ROOT.resolve("pom.xml")));
        Element container = child(jib, "container");
        assertThat(text(container, "user")).isEqualTo(USER);
        assertThat(texts(child(container, "jvmFlags"))).containsExactlyElementsOf(JVM_FLAGS);
        assertThat(text(child(child(container, "ports"), "port"), null)).isEqualTo("${codi.image.port}");
        assertThat(texts(child(container, "labels"))).isNotEmpty();
        Element bundle = child(child(child(jib, "extraDirectories"), "paths"), "path");
        String into = text(bundle, "into");
        assertThat(text(child(container, "environment"), "CODI_MODEL_DIR")).isEqualTo(into);
        assertThat(Files.readString(ROOT.resolve("deploy/k8s/base/config.yaml"))).contains("CODI_MODEL_DIR: " + into);
        assertThat(text(bundle, "from").replace("${maven.multiModuleProjectDirectory}/", "")).satisfies(from ->
                assertThat(ROOT.resolve(from).resolve("manifest.json")).exists());
    }

    @Test
    void everyServiceBuildsItsImageAndOpensThePortItsManifestsProbe() throws Exception {
        PORTS.forEach((service, port) -> {
            Document pom = xml(ROOT.resolve(service).resolve("pom.xml"));
            Element properties = child(pom.getDocumentElement(), "properties");
            assertThat(text(properties, "codi.image.skip")).as(service).isEqualTo("false");
            assertThat(text(properties, "codi.image.port")).as(service).isEqualTo(port);
        });
    }

    @Test
    void builtImageTarballsCarryTheConfiguration() throws Exception {
        int checked = 0;
        for (Map.Entry<String, String> service : PORTS.entrySet()) {
            Path tarball = ROOT.resolve(service.getKey()).resolve("target/jib-image.tar");
            if (!Files.exists(tarball)) {
                continue;
            }
            JsonObject config = new JsonObject(new String(entry(tarball, "config.json"), StandardCharsets.UTF_8)).getJsonObject("config");
            JsonArray entrypoint = config.getJsonArray("Entrypoint");
            assertThat(entrypoint.getString(0)).isEqualTo("java");
            assertThat(entrypoint.getList()).containsSubsequence(JVM_FLAGS.toArray());
            String mainClass = text(child(child(child(xml(ROOT.resolve(service.getKey()).resolve("pom.xml")).getDocumentElement(), "build"),
                    "plugins"), "plugin"), null);
            assertThat(entrypoint.getString(entrypoint.size() - 1)).as(service.getKey()).startsWith("dev.codi.");
            assertThat(mainClass).contains(entrypoint.getString(entrypoint.size() - 1));
            assertThat(config.getString("User")).isEqualTo(USER);
            assertThat(config.getJsonObject("ExposedPorts").fieldNames()).containsExactly(service.getValue() + "/tcp");
            assertThat(config.getJsonObject("Labels").getString("org.opencontainers.image.title")).isEqualTo(service.getKey());
            checked++;
        }
        Assumptions.assumeTrue(checked > 0, "no image tarball built (mvn -B package -Pimages -DskipTests)");
    }

    private static Element jibConfiguration(Document pom) {
        var plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
                return child(plugin, "configuration");
            }
        }
        throw new AssertionError("no jib-maven-plugin in the parent POM");
    }

    private static Document xml(Path file) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static Element child(Element parent, String name) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }

    /** The text of {@code parent}'s child {@code name}, or of {@code parent} itself when name is null. */
    private static String text(Element parent, String name) {
        return (name == null ? parent : child(parent, name)).getTextContent().trim();
    }

    private static List<String> texts(Element parent) {
        List<String> texts = new ArrayList<>();
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                texts.add(element.getTextContent().trim());
            }
        }
        return texts;
    }

    /** One file of an uncompressed tar archive (ustar headers: name at 0, octal size at 124, 512-byte blocks). */
    private static byte[] entry(Path tarball, String name) throws IOException {
        try (InputStream in = Files.newInputStream(tarball)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String entryName = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "").trim();
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
                long padded = (size + 511) / 512 * 512;
                if (entryName.equals(name) || entryName.equals("./" + name)) {
                    byte[] content = in.readNBytes((int) size);
                    return content;
                }
                in.skipNBytes(padded);
            }
        }
        throw new AssertionError("no " + name + " in " + tarball);
    }
}
