package dev.codi.launcher;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad requests get a 4xx problem+json that says what is wrong, and nothing reaches Kafka. */
class BadRequestTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static Stream<Arguments> badRequests() {
        String garbagePng = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2});
        String notMedia = Base64.getEncoder().encodeToString("hello, I am not a picture".getBytes());
        return Stream.of(
                Arguments.of("malformed JSON", "{\"inputs\": {\"text\": \"a red circle\"", 400, "not valid JSON"),
                Arguments.of("not an object", "[1, 2]", 400, "JSON object"),
                Arguments.of("unknown modality", "{\"inputs\": {\"smell\": \"roses\"}, \"outputs\": [\"image\"]}", 422, "smell"),
                Arguments.of("unknown output", "{\"inputs\": {\"text\": \"a red circle\"}, \"outputs\": [\"hologram\"]}", 422, "hologram"),
                Arguments.of("empty outputs", "{\"inputs\": {\"text\": \"a red circle\"}, \"outputs\": []}", 422, "outputs"),
                Arguments.of("no inputs", "{\"inputs\": {}, \"outputs\": [\"image\"]}", 422, "inputs"),
                Arguments.of("steps over the limit", "{\"inputs\": {\"text\": \"a\"}, \"outputs\": [\"image\"], \"params\": {\"steps\": 201}}", 422, "steps"),
                Arguments.of("feedback out of range", "{\"inputs\": {\"text\": \"a\"}, \"outputs\": [\"image\", \"audio\"], \"params\": {\"feedback\": 10.5}}", 422, "params.feedback must be within [0, 10]"),
                Arguments.of("weight of a missing input", "{\"inputs\": {\"text\": \"a\"}, \"weights\": {\"audio\": 1}, \"outputs\": [\"image\"]}", 422, "weights.audio"),
                Arguments.of("truncated PNG", "{\"inputs\": {\"image\": {\"base64\": \"" + garbagePng + "\"}}, \"outputs\": [\"text\"]}", 422, "inputs.image"),
                Arguments.of("not media at all", "{\"inputs\": {\"audio\": {\"base64\": \"" + notMedia + "\"}}, \"outputs\": [\"text\"]}", 422, "inputs.audio"),
                Arguments.of("invalid base64", "{\"inputs\": {\"video\": {\"base64\": \"@@@\"}}, \"outputs\": [\"text\"]}", 422, "base64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadRequestIsAProblemAndNothingIsPublished(String name, String body, int status, String detailMentions) throws Exception {
        // Given the topics' current ends
        long jobsBefore = SharedPipeline.endOffset(SharedPipeline.topics().jobs());
        long eventsBefore = SharedPipeline.endOffset(SharedPipeline.topics().jobEvents());

        // When the bad request is sent
        HttpResponse<String> response = post(body, "application/json");

        // Then it is refused with a problem that names what is wrong
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonObject problem = new JsonObject(response.body());
        assertThat(problem.getInteger("status")).isEqualTo(status);
        assertThat(problem.getString("type")).startsWith("/problems/");
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).contains(detailMentions);
        // and nothing reached Kafka
        assertThat(SharedPipeline.endOffset(SharedPipeline.topics().jobs())).isEqualTo(jobsBefore);
        assertThat(SharedPipeline.endOffset(SharedPipeline.topics().jobEvents())).isEqualTo(eventsBefore);
    }

    @Test
    void anOversizedBodyIsRefusedWith413() throws Exception {
        long jobsBefore = SharedPipeline.endOffset(SharedPipeline.topics().jobs());
        String huge = "{\"inputs\": {\"text\": \"" + "x".repeat(33 * 1024 * 1024) + "\"}, \"outputs\": [\"image\"]}";

        HttpResponse<String> response = post(huge, "application/json");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonObject(response.body()).getString("detail")).contains("limit");
        assertThat(SharedPipeline.endOffset(SharedPipeline.topics().jobs())).isEqualTo(jobsBefore);
    }

    @Test
    void aWrongContentTypeIsRefusedWith415() throws Exception {
        HttpResponse<String> response = post("inputs=text", "application/x-www-form-urlencoded");

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(new JsonObject(response.body()).getString("detail")).contains("application/json");
    }

    @Test
    void anUnknownJobIsA404Problem() throws Exception {
        HttpResponse<String> response = HTTP.send(SharedPipeline.request("/v1/jobs/job_doesnotexist").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonObject(response.body()).getString("detail")).contains("job_doesnotexist");
    }

    private static HttpResponse<String> post(String body, String contentType) throws Exception {
        return HTTP.send(SharedPipeline.request("/v1/jobs")
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
