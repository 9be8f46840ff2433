package dev.codi.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /v1/jobs (a key's jobs, newest first, by cursor and status), GET /v1/models' vocabulary, and prompt warnings. */
class JobListAndVocabularyTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void aKeyPagesThroughItsOwnJobsNewestFirstAndFiltersByStatus() throws Exception {
        // Given three finished jobs of one key, and one of another key created after them
        CodiClient client = SharedPipeline.client();
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = client.submit(SharedPipeline.textJob("a blue square", List.of("text"), 2, 500 + i)).getString("id");
            client.awaitFinished(id, JOB_TIMEOUT, s -> { });
            mine.add(0, id);
        }
        String theirs = SharedPipeline.client(SharedPipeline.OTHER_KEY)
                .submit(SharedPipeline.textJob("a red square", List.of("text"), 2, 600)).getString("id");

        // When the key reads its jobs two at a time
        JsonObject first = list("limit=2");
        JsonObject second = list("limit=2&cursor=" + URLEncoder.encode(first.getString("next_cursor"), StandardCharsets.UTF_8));

        // Then the newest come first, the second page goes on where the first stopped, and the other key's job is absent
        assertThat(ids(first)).containsExactly(mine.get(0), mine.get(1));
        assertThat(first.getJsonArray("data").getJsonObject(0).getString("status")).isEqualTo("succeeded");
        assertThat(ids(second).get(0)).isEqualTo(mine.get(2));
        assertThat(ids(list("limit=100"))).doesNotContain(theirs).containsSubsequence(mine);
        assertThat(ids(list("limit=100&status=succeeded"))).containsSubsequence(mine);
        assertThat(ids(list("limit=100&status=failed"))).doesNotContainAnyElementsOf(mine);
        assertThat(ids(listAs(SharedPipeline.OTHER_KEY, "limit=100")))
                .contains(theirs).doesNotContainAnyElementsOf(mine);
    }

    @Test
    void aBadQueryIsAProblemNamingTheParameter() throws Exception {
        for (String query : List.of("limit=0", "limit=101", "limit=ten", "status=done", "cursor=not-a-cursor")) {
            HttpResponse<String> response = get("/v1/jobs?" + query, SharedPipeline.KEY);
            assertThat(response.statusCode()).as(query).isEqualTo(422);
            assertThat(new JsonObject(response.body()).getString("field")).isEqualTo(query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void theModelListsItsWordsAndAJobNamesTheWordsItCannotRead() throws Exception {
        // Given the served model's vocabulary
        JsonObject model = new JsonObject(get("/v1/models", SharedPipeline.KEY).body()).getJsonArray("data").getJsonObject(0);
        JsonObject vocabulary = model.getJsonObject("vocabulary");
        assertThat(vocabulary.getJsonArray("words").getList()).contains("red", "circle", "moving", "left").doesNotContain("dog");
        assertThat(vocabulary.getJsonArray("colors")).hasSize(6);
        assertThat(vocabulary.getJsonArray("shapes")).hasSize(4);
        assertThat(vocabulary.getJsonArray("motions")).hasSize(4);
        assertThat(model.getJsonObject("outputs").getJsonObject("image").getInteger("width")).isEqualTo(32);
        assertThat(model.getJsonObject("outputs").getJsonObject("video").getJsonArray("content_types").getList())
                .containsExactly("video/mp4", "image/gif");

        // When a job's text has words the model does not know, and one it knows whole
        CodiClient client = SharedPipeline.client();
        JsonObject strange = client.submit(SharedPipeline.textJob("a red dog moving left, Dog barks", List.of("text"), 2, 7));
        JsonObject plain = client.submit(SharedPipeline.textJob("a red circle moving left", List.of("text"), 2, 8));

        // Then the first names them (once each), also once finished, and the second has no warnings
        JsonArray warnings = strange.getJsonArray("warnings");
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getJsonObject(0).getString("code")).isEqualTo("unknown_words");
        assertThat(warnings.getJsonObject(0).getJsonArray("words").getList()).containsExactly("dog", "barks");
        assertThat(warnings.getJsonObject(0).getString("detail")).contains("'dog'", "'barks'");
        assertThat(client.awaitFinished(strange.getString("id"), JOB_TIMEOUT, s -> { }).getJsonArray("warnings")).isEqualTo(warnings);
        assertThat(plain.containsKey("warnings")).isFalse();
    }

    private static JsonObject list(String query) throws Exception {
        return listAs(SharedPipeline.KEY, query);
    }

    private static JsonObject listAs(String key, String query) throws Exception {
        HttpResponse<String> response = get("/v1/jobs?" + query, key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private static List<String> ids(JsonObject page) {
        return page.getJsonArray("data").stream().map(job -> ((JsonObject) job).getString("id")).toList();
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(java.net.URI.create(SharedPipeline.get().gatewayUrl() + path))
                .header("Authorization", "Bearer " + key).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
