package dev.codi.launcher;

import com.sun.net.httpserver.HttpServer;
import dev.codi.protocol.logging.JobLog;
import dev.codi.protocol.logging.LogConfigurator;
import dev.codi.protocol.tracing.JobTracing;
import dev.codi.protocol.tracing.Tracing;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What an operator sees of one job, from the outside: {@code codi serve} runs as its own process
 * with JSON logs and an OTLP endpoint (an OTLP/HTTP receiver in this test, on loopback), and after
 * a job
 * <ul>
 *   <li>one trace spans the gateway's request and the encoder, diffusion and decoder spans of the
 *       job, each the child of the one before (the trace travels on Kafka records as the CloudEvents
 *       distributed-tracing extension), with object-store calls as client spans inside it;</li>
 *   <li>{@code /metrics} counts the job at every stage;</li>
 *   <li>every log line is one JSON object, and the stages' lines about the job carry its id and trace id.</li>
 * </ul>
 */
class OperatorViewTest {
    private static final String KEY = "codi_sk_operator-view-0123456789abcdefghijklmnopqrstuvwxyz";
    private static final List<String> STAGES = List.of("encoder-service", "diffusion-service", "decoder-service");
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void oneJobIsOneTraceAcrossTheStagesAndShowsInMetricsAndJsonLogs() throws Exception {
        Queue<ExportedSpan> exported = new ConcurrentLinkedQueue<>();
        HttpServer collector = otlpReceiver(exported);
        Queue<String> logLines = new ConcurrentLinkedQueue<>();
        Process codi = serve("http://127.0.0.1:" + collector.getAddress().getPort(), logLines);
        try {
            String gateway = gatewayUrl(codi, logLines);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

            // When: a client that runs its own trace submits a job and waits for it.
            String clientTraceId = "0af7651916cd43dd8448eb211c80319c";
            HttpResponse<String> finished = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/jobs"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json").header("Prefer", "wait=120")
                    .header("traceparent", "00-" + clientTraceId + "-b7ad6b7169203331-01")
                    .POST(HttpRequest.BodyPublishers.ofString(SharedPipeline.textJob("a red circle", List.of("image"), 3, 7).encode()))
                    .timeout(PATIENCE).build(), HttpResponse.BodyHandlers.ofString());
            JsonObject job = new JsonObject(finished.body());
            assertThat(job.getString("status")).as(finished.body()).isEqualTo("succeeded");
            String jobId = job.getString("id");

            // Then: one trace, the client's, from the request through every stage.
            ExportedSpan request = await("the gateway's request span", () -> find(exported, span -> span.service().equals("gateway")
                    && span.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER && jobId.equals(span.attribute(JobTracing.JOB_ID.getKey()))));
            assertThat(request.traceId()).as("the request continues the client's trace").isEqualTo(clientTraceId);
            assertThat(request.span().getName()).isEqualTo("POST /v1/jobs");
            ExportedSpan parent = request;
            for (String stage : STAGES) {
                ExportedSpan above = parent;
                ExportedSpan processed = await(stage + "'s span of the job", () -> find(exported, span -> span.service().equals(stage)
                        && jobId.equals(span.attribute(JobTracing.JOB_ID.getKey()))));
                assertThat(processed.traceId()).as(stage + " continues the job's trace").isEqualTo(clientTraceId);
                assertThat(processed.parentSpanId()).as(stage + "'s span is a child of the one before").isEqualTo(above.spanId());
                assertThat(processed.attribute(JobTracing.STAGE.getKey())).isEqualTo(stage);
                parent = processed;
            }
            ExportedSpan artifactPut = await("the decoder's artifact upload", () -> find(exported, span -> span.service().equals("decoder-service")
                    && span.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT && span.span().getName().equals("S3 put")));
            assertThat(artifactPut.traceId()).isEqualTo(clientTraceId);
            assertThat(artifactPut.parentSpanId()).isEqualTo(parent.spanId());
            assertThat(artifactPut.attribute("aws.s3.key")).contains(jobId);

            // Then: Prometheus counts the job at every stage.
            String metrics = http.send(HttpRequest.newBuilder(URI.create(gateway + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String stage : STAGES) {
                assertThat(metrics).containsPattern("(?m)^codi_stage_jobs_total\\{outcome=\"succeeded\",stage=\"" + stage + "\"} [1-9]");
            }
            assertThat(metrics).containsPattern("(?m)^codi_gateway_http_requests_seconds_count\\{method=\"POST\",route=\"/v1/jobs\",status=\"200\"} 1");

            // Then: every log line is JSON, and each stage's line about the job names it and its trace.
            for (String stage : STAGES) {
                JsonObject line = await(stage + "'s log line about the job", () -> logLines.stream().map(OperatorViewTest::parse)
                        .filter(parsed -> parsed.getJsonObject("mdc") != null && jobId.equals(parsed.getJsonObject("mdc").getString(JobLog.JOB_ID))
                                && stage.equals(parsed.getJsonObject("mdc").getString(JobLog.STAGE)))
                        .findFirst());
                assertThat(line.getJsonObject("mdc").getString(JobLog.TRACE_ID)).as(line.encode()).isEqualTo(clientTraceId);
                assertThat(line.getString("level")).isNotBlank();
            }
            assertThat(logLines).hasSizeGreaterThan(5).allSatisfy(OperatorViewTest::parse);
        } finally {
            codi.destroy();
            if (!codi.waitFor(30, TimeUnit.SECONDS)) {
                codi.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            collector.stop(0);
        }
    }

    /** One span as the collector received it, with the service that exported it. */
    private record ExportedSpan(String service, Span span) {
        String traceId() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        String spanId() {
            return HexFormat.of().formatHex(span.getSpanId().toByteArray());
        }

        String parentSpanId() {
            return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
        }

        String attribute(String key) {
            return span.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst()
                    .map(kv -> kv.getValue().getStringValue()).orElse(null);
        }
    }

    /** An OTLP/HTTP receiver (protobuf, {@code POST /v1/traces}) on a free loopback port. */
    private static HttpServer otlpReceiver(Queue<ExportedSpan> exported) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
                for (ResourceSpans resource : request.getResourceSpansList()) {
                    String service = resource.getResource().getAttributesList().stream()
                            .filter(kv -> kv.getKey().equals("service.name")).findFirst()
                            .map(KeyValue::getValue).map(value -> value.getStringValue()).orElse("");
                    for (ScopeSpans scope : resource.getScopeSpansList()) {
                        scope.getSpansList().forEach(span -> exported.add(new ExportedSpan(service, span)));
                    }
                }
                byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, response.length);
                exchange.getResponseBody().write(response);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return server;
    }

    /** {@code codi serve} in its own JVM, logging JSON and exporting spans to {@code otlpEndpoint}; its stderr lines go to {@code logLines}. */
    private static Process serve(String otlpEndpoint, Queue<String> logLines) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1536m"));
        for (String property : List.of("ai.djl.offline", "DJL_CACHE_DIR", "codi.home")) {
            Optional.ofNullable(System.getProperty(property)).ifPresent(value -> command.add("-D" + property + "=" + value));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Codi.class.getName(),
                "serve", "--port", "0", "--model", ModelBundles.defaultBundle().toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("CODI_") || name.startsWith(Tracing.VARIABLE_PREFIX));
        environment.put(LogConfigurator.FORMAT_VARIABLE, "json");
        environment.put("CODI_API_KEYS", KEY);
        environment.put("OPT_OUT_TRACKING", "true");
        environment.put(Tracing.ENDPOINT, otlpEndpoint);
        environment.put("OTEL_BSP_SCHEDULE_DELAY", "100");
        Process process = builder.start();
        daemon(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(logLines::add);
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // the process ended
            }
        });
        return process;
    }

    /**
     * The gateway URL {@code codi serve} prints once ready. If it does not come, the failure carries
     * what the process printed and a dump of its threads, so a start that hangs can be read.
     */
    private static String gatewayUrl(Process codi, Queue<String> logLines) throws Exception {
        Queue<String> printed = new ConcurrentLinkedQueue<>();
        CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> {
            Pattern gateway = Pattern.compile("^\\s*gateway\\s+(http://\\S+)");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(codi.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    printed.add(line);
                    Matcher matcher = gateway.matcher(line);
                    if (matcher.find()) {
                        String found = matcher.group(1);
                        daemon(() -> drain(lines)); // keep stdout drained
                        return found;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("codi serve ended without printing its gateway URL (exit " + codi.exitValue() + ")");
        });
        try {
            return url.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(codi.pid()), "Thread.print").redirectErrorStream(true).start();
            String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println("codi serve printed no gateway URL in " + PATIENCE + "; its threads:\n" + threads);
            throw new AssertionError("codi serve printed no gateway URL in " + PATIENCE + "; its output:\n"
                    + String.join("\n", printed) + "\nthe last of its log:\n"
                    + String.join("\n", logLines.stream().skip(Math.max(0, logLines.size() - 30)).toList()), e);
        }
    }

    private static void daemon(Runnable work) {
        Thread thread = new Thread(work, "codi-serve-output");
        thread.setDaemon(true);
        thread.start();
    }

    private static void drain(BufferedReader lines) {
        try {
            while (lines.readLine() != null) {
                // discard: only the gateway line matters
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static JsonObject parse(String line) {
        try {
            return new JsonObject(line);
        } catch (DecodeException e) {
            throw new AssertionError("a log line that is not one JSON object: " + line, e);
        }
    }

    private static Optional<ExportedSpan> find(Queue<ExportedSpan> exported, Predicate<ExportedSpan> wanted) {
        return exported.stream().filter(wanted).findFirst();
    }

    /** Polls {@code probe} until it finds something, for at most {@link #PATIENCE}. */
    private static <T> T await(String what, java.util.function.Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        return fail("no " + what + " within " + PATIENCE.toSeconds() + " s");
    }
}
