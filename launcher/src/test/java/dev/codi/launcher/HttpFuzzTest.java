package dev.codi.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.codi.media.ImageCodec;
import dev.codi.media.RgbImage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An HTTP fuzz of every operation in /openapi.yaml: generated and mutated requests (path ids of
 * either key or made up, bodies valid, mutated or hostile, odd headers) from two keys, each key's
 * resources probed with the other. Invariants: no 5xx; every error is a problem+json; a key never
 * sees the other's jobs, uploads or webhook secrets; every stage still works afterwards.
 * A longer run: {@code -Dcodi.fuzz.requests=20000 -Dcodi.fuzz.seed=N}.
 */
class HttpFuzzTest {
    private static final int REQUESTS = Integer.getInteger("codi.fuzz.requests", 1200);
    private static final long SEED = Long.getLong("codi.fuzz.seed", 20261207L);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final String[] KEYS = {SharedPipeline.KEY, SharedPipeline.OTHER_KEY};

    /** What one key owns, as far as the other must never see. */
    static final class Owned {
        final Set<String> jobs = new HashSet<>();
        final Set<String> uploads = new HashSet<>();
        final Set<String> secrets = new HashSet<>();
    }

    private final Random random = new Random(SEED);
    private final Map<String, Owned> owned = Map.of(KEYS[0], new Owned(), KEYS[1], new Owned());
    private final List<String[]> answered = new ArrayList<>(); // {key, body}

    @Test
    void everyOperationAnswersWithoutA5xxAndKeepsKeysApart() throws Exception {
        // Given each key with a finished job, an upload and its webhook secret
        for (String key : KEYS) {
            JsonObject job = new JsonObject(send("POST", "/v1/jobs", key, "application/json", validJob().encode(),
                    Map.of("Prefer", "wait=60")).body());
            owned.get(key).jobs.add(job.getString("id"));
            JsonObject upload = new JsonObject(send("POST", "/v1/uploads", key, "image/png",
                    new String(png(), StandardCharsets.ISO_8859_1), Map.of()).body());
            owned.get(key).uploads.add(upload.getString("id"));
            recordSecrets(key, send("GET", "/v1/webhooks/secret", key, null, null, Map.of()).body());
        }
        List<String[]> operations = operations();
        Map<String, Integer> statuses = new HashMap<>();

        // When each operation gets its share of generated requests
        for (int i = 0; i < REQUESTS; i++) {
            String[] operation = operations.get(i % operations.size());
            String key = random.nextInt(10) == 0 ? oneOf(null, "codi_sk_wrong", "", "Basic abc") : KEYS[random.nextInt(2)];
            String path = fillPath(operation[1]);
            String[] body = body(operation[0], operation[1]);
            HttpResponse<String> response = send(operation[0], path, key, body[0], body[1], headers());
            statuses.merge(operation[0] + " " + operation[1] + " " + response.statusCode(), 1, Integer::sum);

            // Then: no 5xx, and every error a problem
            String what = operation[0] + " " + path + " (" + (key == null ? "no key" : key.substring(0, Math.min(14, key.length()))) + ")";
            assertThat(response.statusCode()).as(what + ": " + response.body()).isLessThan(500);
            if (response.statusCode() >= 400) {
                assertThat(response.headers().firstValue("Content-Type").orElse("")).as(what)
                        .startsWith("application/problem+json");
                JsonObject problem = new JsonObject(response.body());
                assertThat(problem.getInteger("status")).as(what).isEqualTo(response.statusCode());
                assertThat(problem.getString("detail")).as(what).isNotBlank();
            } else if (key != null && owned.containsKey(key)) {
                answered.add(new String[] {key, response.body()});
                learn(key, operation[0] + " " + operation[1], response.body());
            }
        }
        System.out.println("HTTP fuzz (seed " + SEED + "): " + REQUESTS + " requests over " + operations.size()
                + " operations; statuses " + new java.util.TreeMap<>(statuses));

        // And no key saw the other's resources or secrets in an answer it got
        for (String[] answer : answered) {
            Owned other = owned.get(answer[0].equals(KEYS[0]) ? KEYS[1] : KEYS[0]);
            for (String foreign : union(other.jobs, other.uploads, other.secrets)) {
                assertThat(answer[1]).as("an answer to one key names the other's " + foreign).doesNotContain(foreign);
            }
        }
        // And every stage still works
        HttpResponse<String> last = send("POST", "/v1/jobs", KEYS[0], "application/json", validJob().encode(),
                Map.of("Prefer", "wait=60"));
        assertThat(new JsonObject(last.body()).getString("status")).as(last.body()).isEqualTo("succeeded");
    }

    /** Every documented operation as {method, path template}. */
    private static List<String[]> operations() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(SharedPipeline.get().gatewayUrl()
                + "/openapi.yaml")).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode paths = new ObjectMapper(new YAMLFactory()).readTree(response.body()).path("paths");
        List<String[]> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                    operations.add(new String[] {method.toUpperCase(java.util.Locale.ROOT), path.getKey()});
                }
            }
        }
        assertThat(operations).hasSizeGreaterThanOrEqualTo(10);
        return operations;
    }

    private String fillPath(String template) {
        String path = template;
        while (path.contains("{")) {
            int open = path.indexOf('{');
            int close = path.indexOf('}', open);
            String name = path.substring(open + 1, close);
            path = path.substring(0, open) + pathValue(name, template) + path.substring(close + 1);
        }
        return path;
    }

    private String pathValue(String name, String template) {
        Owned anyKey = owned.get(KEYS[random.nextInt(2)]);
        if (random.nextInt(3) > 0) {
            if (template.startsWith("/v1/uploads")) {
                return anyKey.uploads.iterator().next();
            }
            if (name.equals("id")) {
                return anyKey.jobs.iterator().next();
            }
        }
        return oneOf("job_nosuchjob", "msg_none", "upl_none", "..", "%2e%2e", "a%2Fb", "x".repeat(300), "%00",
                URLEncoder.encode("é/../\"'<>", StandardCharsets.UTF_8), "job_" + random.nextInt(1000), "-", "_");
    }

    /** {content type, body}; null body for a GET. */
    private String[] body(String method, String template) {
        if (!method.equals("POST")) {
            return new String[] {null, null};
        }
        if (template.equals("/v1/jobs")) {
            String valid = validJob().encode();
            return switch (random.nextInt(8)) {
                case 0, 1 -> new String[] {"application/json", valid};
                case 2 -> new String[] {"application/json", mutateText(valid)};
                case 3 -> new String[] {"application/json", valid.substring(0, random.nextInt(valid.length()))};
                case 4 -> new String[] {oneOf("text/plain", "application/xml", "", "application/json; charset=latin1"), valid};
                case 5 -> new String[] {"application/json", "[".repeat(2000) + "]".repeat(2000)};
                case 6 -> new String[] {"application/json", new JsonObject().put("inputs", new JsonObject().put("image",
                        new JsonObject().put("base64", Base64.getEncoder().encodeToString(mutateBytes(png())))))
                        .put("outputs", new JsonArray().add("text")).encode()};
                default -> new String[] {"application/json", new JsonObject().put("inputs", new JsonObject()
                        .put("image", new JsonObject().put("upload", pathValue("id", "/v1/uploads"))))
                        .put("outputs", new JsonArray().add("text")).put("params", new JsonObject().put("steps", 1)).encode()};
            };
        }
        if (template.equals("/v1/uploads")) {
            return switch (random.nextInt(4)) {
                case 0 -> new String[] {"image/png", new String(png(), StandardCharsets.ISO_8859_1)};
                case 1 -> new String[] {"application/octet-stream", new String(mutateBytes(png()), StandardCharsets.ISO_8859_1)};
                case 2 -> new String[] {"video/gif", new String(Bombs.onePixelFrames(4096, 4096, 600), StandardCharsets.ISO_8859_1)};
                default -> new String[] {oneOf("", "text/plain"), ""};
            };
        }
        return new String[] {random.nextBoolean() ? "application/json" : null, random.nextBoolean() ? "" : "{\"x\": 1}"};
    }

    private Map<String, String> headers() {
        Map<String, String> headers = new HashMap<>();
        if (random.nextInt(4) == 0) {
            headers.put("Prefer", oneOf("wait=0", "wait=1", ";;;", "wait=-5", "respond-async", "wait=abc"));
        }
        if (random.nextInt(5) == 0) {
            headers.put("Idempotency-Key", oneOf("\"k-" + random.nextInt(50) + "\"", "\"\"", "bad\"key", "x".repeat(300)));
        }
        if (random.nextInt(6) == 0) {
            headers.put("Last-Event-ID", oneOf("0", "evt_none", "\u00e9".repeat(5)));
        }
        return headers;
    }

    private JsonObject validJob() {
        return new JsonObject().put("inputs", new JsonObject().put("text", oneOf("a red circle", "a blue square moving up")))
                .put("outputs", new JsonArray().add("text")).put("params", new JsonObject().put("steps", 1).put("seed", 5));
    }

    private static byte[] png() {
        return ImageCodec.encodePng(RgbImage.blank(8, 8));
    }

    private String mutateText(String text) {
        char[] chars = text.toCharArray();
        for (int i = random.nextInt(4); i >= 0; i--) {
            chars[random.nextInt(chars.length)] = "{}[]\":,0123456789-eE.tfn\\ \u0000x".charAt(random.nextInt(28));
        }
        return new String(chars);
    }

    private byte[] mutateBytes(byte[] bytes) {
        byte[] mutant = bytes.clone();
        for (int i = random.nextInt(4); i >= 0; i--) {
            mutant[4 + random.nextInt(mutant.length - 4)] = (byte) random.nextInt(256);
        }
        return mutant;
    }

    /** Learns the ids and secrets a successful answer gave its key. */
    private void learn(String key, String operation, String body) {
        if (operation.startsWith("POST /v1/jobs") && operation.endsWith("/v1/jobs") && body.startsWith("{")) {
            String id = new JsonObject(body).getString("id");
            if (id != null) {
                owned.get(key).jobs.add(id);
            }
        } else if (operation.equals("POST /v1/uploads") && body.startsWith("{")) {
            owned.get(key).uploads.add(new JsonObject(body).getString("id"));
        } else if (operation.contains("/v1/webhooks/secret")) {
            recordSecrets(key, body);
        }
    }

    private void recordSecrets(String key, String body) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("whsec_[A-Za-z0-9+/=]+").matcher(body);
        while (matcher.find()) {
            owned.get(key).secrets.add(matcher.group());
        }
    }

    @SafeVarargs
    private final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }

    private static HttpResponse<String> send(String method, String path, String key, String contentType, String body,
            Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SharedPipeline.get().gatewayUrl() + path))
                .timeout(Duration.ofSeconds(90));
        if (key != null) {
            request.header("Authorization", key.startsWith("Basic") ? key : "Bearer " + key);
        }
        if (contentType != null && !contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.ISO_8859_1)));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
