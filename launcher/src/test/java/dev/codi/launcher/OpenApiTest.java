package dev.codi.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.codi.gateway.GatewayConfig;
import dev.codi.gateway.GatewayVerticle;
import dev.codi.gateway.admission.AdmissionConfig;
import dev.codi.gateway.auth.ApiKeys;
import dev.codi.media.ImageCodec;
import dev.codi.media.RgbImage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /openapi.yaml matches the implementation: every route is documented and every documented
 * operation is routed, and every documented error status is what the route answers, as a problem.
 */
class OpenApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static JsonNode document;
    private static String finishedJob;
    /**
     * A second gateway on the shared pipeline with tight limits, for the answers to load: a rate
     * of one request per 1000 s after a burst of 2, and a request deadline of 2 s.
     */
    private static GatewayVerticle limited;
    private static String limitedDeployment;
    private static final int LIMITED_DEADLINE_SECONDS = 2;
    /** Its burst spent at once: every request of it is over the rate. */
    private static final String SPENT_KEY = "codi_sk_openapi-spent-0123456789abcdefghijklmnopqrstuvwxyz";
    /** One each for the requests whose body never arrives. */
    private static final String DRIP_JOBS_KEY = "codi_sk_openapi-drip-jobs-0123456789abcdefghijklmnopqrstuv";
    private static final String DRIP_UPLOADS_KEY = "codi_sk_openapi-drip-uploads-0123456789abcdefghijklmnopqrs";

    /** A request that makes one operation answer one documented error. */
    interface Trigger {
        HttpResponse<String> send() throws Exception;
    }

    @BeforeAll
    static void readTheDocument() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(SharedPipeline.get().gatewayUrl() + "/openapi.yaml"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        document = new ObjectMapper(new YAMLFactory()).readTree(response.body());
        HttpResponse<String> finished = HTTP.send(SharedPipeline.request("/v1/jobs").header("Content-Type", "application/json")
                .header("Prefer", "wait=60").POST(HttpRequest.BodyPublishers.ofString(
                        SharedPipeline.textJob("a red square", List.of("text"), 2, 3).encode())).build(), HttpResponse.BodyHandlers.ofString());
        finishedJob = new JsonObject(finished.body()).getString("id");
    }

    @AfterAll
    static void stopTheLimitedGateway() throws Exception {
        if (limitedDeployment != null) {
            SharedPipeline.get().vertx().undeploy(limitedDeployment).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theDocumentIsOpenApi31AndDescribesExactlyTheRoutes() {
        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = new HashSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                documented.add(method.toUpperCase() + " " + path.getKey());
            }
        }));

        assertThat(documented).containsExactlyInAnyOrderElementsOf(new HashSet<>(SharedPipeline.get().gatewayRoutes()));
    }

    @Test
    void everyDocumentedErrorIsAnsweredAsDocumentedWithAProblem() throws Exception {
        Map<String, Trigger> triggers = triggers();
        Set<String> documentedErrors = new HashSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (METHODS.contains(operation.getKey())) {
                Iterator<String> statuses = operation.getValue().path("responses").fieldNames();
                statuses.forEachRemaining(status -> {
                    if (Integer.parseInt(status) >= 400) {
                        documentedErrors.add(operation.getKey().toUpperCase() + " " + path.getKey() + " " + status);
                    }
                });
            }
        }));

        assertThat(triggers.keySet()).as("one trigger per documented error").containsExactlyInAnyOrderElementsOf(documentedErrors);
        for (Map.Entry<String, Trigger> trigger : triggers.entrySet()) {
            HttpResponse<String> response = trigger.getValue().send();
            int expected = Integer.parseInt(trigger.getKey().substring(trigger.getKey().lastIndexOf(' ') + 1));
            assertThat(response.statusCode()).as(trigger.getKey() + ": " + response.body()).isEqualTo(expected);
            assertThat(response.headers().firstValue("Content-Type")).as(trigger.getKey()).hasValue("application/problem+json");
            JsonObject problem = new JsonObject(response.body());
            assertThat(problem.getInteger("status")).isEqualTo(expected);
            assertThat(problem.getString("type")).startsWith("/problems/");
            assertThat(problem.getString("title")).isNotBlank();
            assertThat(problem.getString("detail")).isNotBlank();
        }
    }

    private Map<String, Trigger> triggers() {
        Map<String, Trigger> triggers = new LinkedHashMap<>();
        String job = SharedPipeline.textJob("a blue circle", List.of("text"), 2, 4).encode();
        triggers.put("POST /v1/jobs 400", () -> send("POST", "/v1/jobs", SharedPipeline.KEY, "application/json", "{\"inputs\":"));
        triggers.put("POST /v1/jobs 401", () -> send("POST", "/v1/jobs", null, "application/json", job));
        triggers.put("POST /v1/jobs 409", OpenApiTest::inFlightIdempotencyKey);
        triggers.put("POST /v1/jobs 413", () -> send("POST", "/v1/jobs", SharedPipeline.KEY, "application/json",
                "{\"inputs\": {\"text\": \"" + "x".repeat(33 * 1024 * 1024) + "\"}}"));
        triggers.put("POST /v1/jobs 415", () -> send("POST", "/v1/jobs", SharedPipeline.KEY, "text/plain", job));
        triggers.put("POST /v1/jobs 422", () -> send("POST", "/v1/jobs", SharedPipeline.KEY, "application/json", "{\"inputs\": {}}"));
        triggers.put("GET /v1/jobs 401", () -> send("GET", "/v1/jobs", null, null, null));
        triggers.put("GET /v1/jobs 422", () -> send("GET", "/v1/jobs?limit=0", SharedPipeline.KEY, null, null));
        triggers.put("GET /v1/jobs/{id} 401", () -> send("GET", "/v1/jobs/" + finishedJob, null, null, null));
        triggers.put("GET /v1/jobs/{id} 404", () -> send("GET", "/v1/jobs/job_nosuchjob", SharedPipeline.KEY, null, null));
        triggers.put("POST /v1/jobs/{id}/cancel 401", () -> send("POST", "/v1/jobs/" + finishedJob + "/cancel", null, null, ""));
        triggers.put("POST /v1/jobs/{id}/cancel 404", () -> send("POST", "/v1/jobs/job_nosuchjob/cancel", SharedPipeline.KEY, null, ""));
        triggers.put("POST /v1/jobs/{id}/cancel 409", () -> send("POST", "/v1/jobs/" + finishedJob + "/cancel", SharedPipeline.KEY, null, ""));
        triggers.put("GET /v1/jobs/{id}/events 401", () -> send("GET", "/v1/jobs/" + finishedJob + "/events", null, null, null));
        triggers.put("GET /v1/jobs/{id}/events 404", () -> send("GET", "/v1/jobs/" + finishedJob + "/events", SharedPipeline.OTHER_KEY, null, null));
        triggers.put("GET /v1/jobs/{id}/artifacts/{name} 401", () -> send("GET", "/v1/jobs/" + finishedJob + "/artifacts/text.txt", null, null, null));
        triggers.put("GET /v1/jobs/{id}/artifacts/{name} 404", () -> send("GET", "/v1/jobs/" + finishedJob + "/artifacts/image.png", SharedPipeline.KEY, null, null));
        // A job id holds its creation time: one created years ago is past any retention.
        String expired = dev.codi.gateway.RandomIds.timed("job_", java.time.Instant.parse("2020-01-01T00:00:00Z"), new java.util.Random(5));
        triggers.put("GET /v1/jobs/{id} 410", () -> send("GET", "/v1/jobs/" + expired, SharedPipeline.KEY, null, null));
        triggers.put("POST /v1/jobs/{id}/cancel 410", () -> send("POST", "/v1/jobs/" + expired + "/cancel", SharedPipeline.KEY, null, ""));
        triggers.put("GET /v1/jobs/{id}/events 410", () -> send("GET", "/v1/jobs/" + expired + "/events", SharedPipeline.KEY, null, null));
        triggers.put("GET /v1/jobs/{id}/artifacts/{name} 410", () -> send("GET", "/v1/jobs/" + expired + "/artifacts/image.png", SharedPipeline.KEY, null, null));
        triggers.put("POST /v1/jobs/{id}/webhook-deliveries/{webhookId}/replay 410", () -> send("POST",
                "/v1/jobs/" + expired + "/webhook-deliveries/msg_none/replay", SharedPipeline.KEY, null, ""));
        String replay = "/v1/jobs/" + finishedJob + "/webhook-deliveries/msg_none/replay";
        triggers.put("POST /v1/jobs/{id}/webhook-deliveries/{webhookId}/replay 401", () -> send("POST", replay, null, null, ""));
        triggers.put("POST /v1/jobs/{id}/webhook-deliveries/{webhookId}/replay 404", () -> send("POST", replay, SharedPipeline.KEY, null, ""));
        triggers.put("POST /v1/uploads 401", () -> send("POST", "/v1/uploads", null, "image/png", "x"));
        triggers.put("POST /v1/uploads 413", () -> send("POST", "/v1/uploads", SharedPipeline.KEY, "image/png",
                "x".repeat((int) SharedPipeline.UPLOAD_LIMIT_BYTES + 1)));
        triggers.put("POST /v1/uploads 422", () -> send("POST", "/v1/uploads", SharedPipeline.KEY, "image/png", "not a picture"));
        triggers.put("GET /v1/uploads/{id} 401", () -> send("GET", "/v1/uploads/upl_none", null, null, null));
        triggers.put("GET /v1/uploads/{id} 404", () -> send("GET", "/v1/uploads/upl_none", SharedPipeline.KEY, null, null));
        // An upload id holds its creation time too.
        String expiredUpload = dev.codi.gateway.RandomIds.timed("upl_", java.time.Instant.parse("2020-01-01T00:00:00Z"), new java.util.Random(5));
        triggers.put("GET /v1/uploads/{id} 410", () -> send("GET", "/v1/uploads/" + expiredUpload, SharedPipeline.KEY, null, null));
        triggers.put("POST /v1/jobs 410", () -> send("POST", "/v1/jobs", SharedPipeline.KEY, "application/json",
                "{\"inputs\": {\"image\": {\"upload\": \"" + expiredUpload + "\"}}, \"outputs\": [\"text\"]}"));
        triggers.put("GET /v1/webhooks/secret 401", () -> send("GET", "/v1/webhooks/secret", null, null, null));
        triggers.put("POST /v1/webhooks/secret/rotate 401", () -> send("POST", "/v1/webhooks/secret/rotate", "codi_sk_wrong", null, ""));
        triggers.put("GET /v1/models 401", () -> send("GET", "/v1/models", null, null, null));

        // Load: a key over its rate, a body that never arrives, an answer past the deadline.
        String limited = limitedGateway();
        Map<String, String[]> everyOperation = new LinkedHashMap<>();
        everyOperation.put("POST /v1/jobs", new String[] {"POST", "/v1/jobs", "application/json", job});
        everyOperation.put("GET /v1/jobs", new String[] {"GET", "/v1/jobs", null, null});
        everyOperation.put("GET /v1/jobs/{id}", new String[] {"GET", "/v1/jobs/" + finishedJob, null, null});
        everyOperation.put("POST /v1/jobs/{id}/cancel", new String[] {"POST", "/v1/jobs/" + finishedJob + "/cancel", null, ""});
        everyOperation.put("GET /v1/jobs/{id}/events", new String[] {"GET", "/v1/jobs/" + finishedJob + "/events", null, null});
        everyOperation.put("GET /v1/jobs/{id}/artifacts/{name}", new String[] {"GET", "/v1/jobs/" + finishedJob + "/artifacts/text.txt", null, null});
        everyOperation.put("POST /v1/jobs/{id}/webhook-deliveries/{webhookId}/replay", new String[] {"POST", replay, null, ""});
        everyOperation.put("POST /v1/uploads", new String[] {"POST", "/v1/uploads", "image/png", "x"});
        everyOperation.put("GET /v1/uploads/{id}", new String[] {"GET", "/v1/uploads/upl_none", null, null});
        everyOperation.put("GET /v1/webhooks/secret", new String[] {"GET", "/v1/webhooks/secret", null, null});
        everyOperation.put("POST /v1/webhooks/secret/rotate", new String[] {"POST", "/v1/webhooks/secret/rotate", null, ""});
        everyOperation.put("GET /v1/models", new String[] {"GET", "/v1/models", null, null});
        everyOperation.forEach((operation, request) -> triggers.put(operation + " 429",
                () -> send(limited, request[0], request[1], SPENT_KEY, request[2], request[3])));
        triggers.put("POST /v1/jobs 408", () -> dripped(limited, "/v1/jobs", DRIP_JOBS_KEY, "application/json"));
        triggers.put("POST /v1/uploads 408", () -> dripped(limited, "/v1/uploads", DRIP_UPLOADS_KEY, "image/png"));
        triggers.put("POST /v1/jobs 503", () -> unansweredWithinTheDeadline(limited));
        return triggers;
    }

    /** The second of two requests with one Idempotency-Key, sent while the first (slow: a large image) is processed. */
    private static HttpResponse<String> inFlightIdempotencyKey() throws Exception {
        RgbImage noise = RgbImage.blank(1800, 1800);
        java.util.Random random = new java.util.Random(1);
        for (int y = 0; y < 1800; y++) {
            for (int x = 0; x < 1800; x++) {
                noise.set(x, y, random.nextInt(256), random.nextInt(256), random.nextInt(256));
            }
        }
        String body = new JsonObject().put("inputs", new JsonObject().put("image", new JsonObject()
                        .put("base64", Base64.getEncoder().encodeToString(ImageCodec.encodePng(noise)))))
                .put("outputs", new JsonArray().add("text")).put("params", new JsonObject().put("steps", 2)).encode();
        String key = UUID.randomUUID().toString();
        HttpRequest request = SharedPipeline.request("/v1/jobs").header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        CompletableFuture<HttpResponse<String>> first = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        Thread.sleep(150);
        HttpResponse<String> second = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        first.get();
        return second;
    }

    /** Starts the gateway with tight limits once, and spends {@link #SPENT_KEY}'s burst. */
    private static synchronized String limitedGateway() {
        if (limited == null) {
            EmbeddedPipeline pipeline = SharedPipeline.get();
            String hashes = Stream.of(SharedPipeline.OTHER_KEY, SPENT_KEY, DRIP_JOBS_KEY, DRIP_UPLOADS_KEY)
                    .map(ApiKeys::sha256Hex).collect(Collectors.joining(","));
            JsonObject config = pipeline.config().put(GatewayConfig.PORT, 0).put(ApiKeys.KEY_HASHES_VARIABLE, hashes)
                    .put(AdmissionConfig.RATE, 0.001).put(AdmissionConfig.BURST, 2)
                    .put(AdmissionConfig.REQUEST_TIMEOUT, LIMITED_DEADLINE_SECONDS);
            GatewayVerticle verticle = new GatewayVerticle();
            try {
                limitedDeployment = pipeline.vertx().deployVerticle(verticle, new DeploymentOptions().setConfig(config))
                        .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
                limited = verticle;
                for (int spent = 0; spent < 2; spent++) {
                    send(url(), "GET", "/v1/models", SPENT_KEY, null, null);
                }
            } catch (Exception e) {
                throw new IllegalStateException("the gateway with tight limits did not start", e);
            }
        }
        return url();
    }

    private static String url() {
        return "http://127.0.0.1:" + limited.actualPort();
    }

    /** A request whose body stops after its first bytes: the gateway's deadline passes while it is still received. */
    private static HttpResponse<String> dripped(String gateway, String path, String apiKey, String contentType) throws IOException {
        URI uri = URI.create(gateway + path);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIMITED_DEADLINE_SECONDS + 30));
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nAuthorization: Bearer "
                    + apiKey + "\r\nContent-Type: " + contentType + "\r\nContent-Length: 1000\r\n\r\n{\"inputs\":")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            return RawResponse.read(socket.getInputStream(), uri);
        }
    }

    /**
     * A job asked to be waited for (Prefer: wait) that takes longer than the gateway's deadline:
     * 200 steps of four outputs sampled jointly. It is canceled afterwards, through the shared gateway.
     */
    private static HttpResponse<String> unansweredWithinTheDeadline(String gateway) throws Exception {
        String slow = SharedPipeline.textJob("a purple cross", List.of("image", "audio", "video", "text"), 200, 9).encode();
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/jobs"))
                .header("Authorization", "Bearer " + SharedPipeline.OTHER_KEY).header("Content-Type", "application/json")
                .header("Prefer", "wait=60").POST(HttpRequest.BodyPublishers.ofString(slow)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> newest = send("GET", "/v1/jobs?limit=1", SharedPipeline.OTHER_KEY, null, null);
        for (Object listed : new JsonObject(newest.body()).getJsonArray("data", new JsonArray())) {
            send("POST", "/v1/jobs/" + ((JsonObject) listed).getString("id") + "/cancel", SharedPipeline.OTHER_KEY, null, "");
        }
        return answer;
    }

    /** What a gateway answered on a raw socket, read to the end of the connection (it closes after a deadline). */
    private record RawResponse(int statusCode, HttpHeaders headers, String body, URI uri) implements HttpResponse<String> {
        static RawResponse read(InputStream in, URI uri) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            String raw = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
            int headEnd = raw.indexOf("\r\n\r\n");
            String[] head = raw.substring(0, headEnd).split("\r\n");
            Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.computeIfAbsent(head[i].substring(0, colon).trim(), name -> new java.util.ArrayList<>())
                        .add(head[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(head[0].split(" ")[1]), HttpHeaders.of(headers, (name, value) -> true),
                    raw.substring(headEnd + 4), uri);
        }

        @Override
        public HttpRequest request() {
            return HttpRequest.newBuilder(uri).build();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<javax.net.ssl.SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }

    private static HttpResponse<String> send(String method, String path, String apiKey, String contentType, String body) throws Exception {
        return send(SharedPipeline.get().gatewayUrl(), method, path, apiKey, contentType, body);
    }

    private static HttpResponse<String> send(String gateway, String method, String path, String apiKey, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
