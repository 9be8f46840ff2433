package dev.codi.launcher;

import dev.codi.gateway.auth.ApiKeys;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.events.EventTypes;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** API keys: Bearer authentication, per-key isolation, and keys never leaving the gateway. */
class ApiKeyTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aRequestWithoutAKeyOrWithAWrongOneIsA401ProblemWithABearerChallenge() throws Exception {
        URI jobs = URI.create(SharedPipeline.get().gatewayUrl() + "/v1/jobs");
        String body = SharedPipeline.textJob("a red circle", List.of("image"), 2, 1).encode();

        HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(jobs).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(jobs).header("Content-Type", "application/json")
                .header("Authorization", "Bearer codi_sk_not-a-key").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> basic = HTTP.send(HttpRequest.newBuilder(URI.create(SharedPipeline.get().gatewayUrl() + "/v1/models"))
                .header("Authorization", "Basic dXNlcjpwYXNz").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"codi\"");
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonObject(missing.body()).getString("detail")).contains("Authorization: Bearer");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"codi\", error=\"invalid_token\"");
        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(basic.body()).getString("detail")).contains("Bearer scheme");
    }

    @Test
    void anotherKeysJobIsA404LikeAJobThatDoesNotExist() throws Exception {
        // Given a job of one key
        String id = SharedPipeline.client().submit(SharedPipeline.textJob("a green square", List.of("text"), 2, 3)).getString("id");

        // When another key reads it, cancels it or streams its events
        List<HttpResponse<String>> answers = List.of(
                asOther("GET", "/v1/jobs/" + id), asOther("POST", "/v1/jobs/" + id + "/cancel"),
                asOther("GET", "/v1/jobs/" + id + "/events"));
        HttpResponse<String> nonexistent = asOther("GET", "/v1/jobs/job_doesnotexist");

        // Then each is the same 404 problem as for a job that does not exist, and the owner still sees it
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.statusCode()).as(answer.uri().toString()).isEqualTo(404);
            assertThat(new JsonObject(answer.body()).getString("title"))
                    .isEqualTo(new JsonObject(nonexistent.body()).getString("title"));
        }
        assertThat(SharedPipeline.client().job(id).getString("id")).isEqualTo(id);
        assertThat(SharedPipeline.client().awaitFinished(id, java.time.Duration.ofSeconds(120), s -> { }).getString("status"))
                .isEqualTo("succeeded");
    }

    @Test
    void jobsCarryTheKeysIdNeverTheKey() throws Exception {
        String id = SharedPipeline.client().submit(SharedPipeline.textJob("a blue cross", List.of("text"), 2, 4)).getString("id");

        CloudEvent queued = SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                .filter(event -> event.jobId().equals(id) && event.type().equals(EventTypes.JOB_QUEUED)).findFirst().orElseThrow();
        assertThat(queued.data().getJsonObject("job").getString("owner")).isEqualTo(ApiKeys.ownerOfKey(SharedPipeline.KEY))
                .startsWith("key_");
        for (String topic : List.of(SharedPipeline.topics().jobEvents(), SharedPipeline.topics().jobs())) {
            for (ConsumerRecord<String, byte[]> record : SharedPipeline.readRecords(topic)) {
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain(SharedPipeline.KEY);
            }
        }
    }

    private static HttpResponse<String> asOther(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(SharedPipeline.get().gatewayUrl() + path))
                .header("Authorization", "Bearer " + SharedPipeline.OTHER_KEY)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
