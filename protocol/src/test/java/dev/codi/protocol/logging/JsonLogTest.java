package dev.codi.protocol.logging;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code CODI_LOG_FORMAT=json} makes a process log JSON lines that carry the job's context; the
 * default stays the human format. Each case runs a fresh JVM: logback is configured once per process.
 */
class JsonLogTest {
    @Test
    void jsonLinesParseAndCarryTheJobIdStageAndTraceId() throws Exception {
        List<String> lines = run("json");
        List<JsonObject> parsed = new ArrayList<>();
        for (String line : lines) {
            parsed.add(new JsonObject(line)); // throws on a line that is not one JSON object
        }

        JsonObject aboutTheJob = parsed.stream().filter(node -> "encoding job job-42".equals(node.getString("formattedMessage")))
                .findFirst().orElseThrow(() -> new AssertionError("no line about the job in " + lines));
        assertThat(aboutTheJob.getString("level")).isEqualTo("INFO");
        JsonObject mdc = aboutTheJob.getJsonObject("mdc");
        assertThat(mdc.getString(JobLog.JOB_ID)).isEqualTo("job-42");
        assertThat(mdc.getString(JobLog.STAGE)).isEqualTo("encoder-service");
        assertThat(mdc.getString(JobLog.TRACE_ID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        JsonObject other = parsed.stream().filter(node -> "no job here".equals(node.getString("formattedMessage"))).findFirst().orElseThrow();
        JsonObject otherMdc = other.getJsonObject("mdc", new JsonObject());
        assertThat(otherMdc.containsKey(JobLog.JOB_ID)).as("the job's context ends with its work").isFalse();
    }

    @Test
    void theHumanFormatIsTheDefault() throws Exception {
        List<String> lines = run(null);

        assertThat(lines).anySatisfy(line -> assertThat(line).contains("INFO").contains("[job job-42] encoding job job-42"));
        assertThat(lines).anySatisfy(line -> assertThat(line).endsWith("- no job here"));
        assertThat(lines).noneSatisfy(line -> assertThat(line).startsWith("{"));
    }

    @Test
    void noModuleShipsALogbackXmlSoLogConfiguratorAloneConfiguresEveryProcess() throws Exception {
        List<Path> modules;
        try (var entries = java.nio.file.Files.list(Path.of(".."))) {
            modules = entries.filter(module -> java.nio.file.Files.isRegularFile(module.resolve("pom.xml"))).toList();
        }
        assertThat(modules).extracting(module -> module.getFileName().toString()).contains("protocol", "training", "launcher");
        for (Path module : modules) {
            assertThat(module.resolve("src/main/resources/logback.xml")).as(module + " ships a logback.xml").doesNotExist();
        }
    }

    @Test
    void anUnknownFormatIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> LogConfigurator.format("xml")).hasMessageContaining("text or json");
    }

    /** The probe's stderr lines, logged under {@code CODI_LOG_FORMAT=format} (unset when null). */
    private static List<String> run(String format) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), JsonLogProbe.class.getName());
        builder.environment().remove(LogConfigurator.FORMAT_VARIABLE);
        if (format != null) {
            builder.environment().put(LogConfigurator.FORMAT_VARIABLE, format);
        }
        Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        List<String> lines = new String(err, StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).as("logback must configure itself without complaints").noneMatch(line -> line.contains("|-WARN") || line.contains("|-ERROR"));
        return lines;
    }
}
