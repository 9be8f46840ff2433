package dev.codi.launcher;

import dev.codi.media.ImageCodec;
import dev.codi.media.RgbImage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /v1/uploads as job inputs, and every limit answered by a problem naming it and its value. */
class UploadsAndLimitsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void anUploadedImageIsAJobInputOfItsKeyOnly() throws Exception {
        // Given a PNG uploaded under a misleading Content-Type
        RgbImage square = RgbImage.blank(32, 32);
        for (int y = 8; y < 24; y++) {
            for (int x = 8; x < 24; x++) {
                square.set(x, y, 220, 40, 40);
            }
        }
        byte[] png = ImageCodec.encodePng(square);
        HttpResponse<String> uploaded = upload(SharedPipeline.KEY, png, "audio/wav");
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        JsonObject upload = new JsonObject(uploaded.body());
        assertThat(upload.getString("content_type")).isEqualTo("image/png");
        assertThat(upload.getString("modality")).isEqualTo("image");
        assertThat(upload.getLong("bytes")).isEqualTo(png.length);
        String id = upload.getString("id");

        // When a job uses it, and another key tries to
        JsonObject request = new JsonObject().put("inputs", new JsonObject().put("image", new JsonObject().put("upload", id)))
                .put("outputs", new JsonArray().add("text")).put("params", new JsonObject().put("steps", 3).put("seed", 1));
        CodiClient client = SharedPipeline.client();
        JsonObject job = client.awaitFinished(client.submit(request).getString("id"), Duration.ofSeconds(120), s -> { });
        HttpResponse<String> stolen = post(SharedPipeline.OTHER_KEY, request.encode());

        // Then the job succeeds; to the other key the upload does not exist
        assertThat(job.getString("status")).as(job.encodePrettily()).isEqualTo("succeeded");
        assertThat(stolen.statusCode()).isEqualTo(422);
        assertThat(new JsonObject(stolen.body()).getString("detail")).contains("no upload").contains(id);
        assertThat(HTTP.send(SharedPipeline.request("/v1/uploads/" + id).setHeader("Authorization", "Bearer " + SharedPipeline.OTHER_KEY)
                .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(HTTP.send(SharedPipeline.request("/v1/uploads/" + id).GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void anUploadIsSniffedNotTrusted() throws Exception {
        HttpResponse<String> response = upload(SharedPipeline.KEY, "just some text, named image.png".getBytes(), "image/png");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(new JsonObject(response.body()).getString("detail")).contains("unrecognised file format");
    }

    @Test
    void anUploadOverTheLimitIsA413NamingTheLimit() throws Exception {
        byte[] big = new byte[(int) SharedPipeline.UPLOAD_LIMIT_BYTES + 1];

        HttpResponse<String> response = upload(SharedPipeline.KEY, big, "application/octet-stream");

        assertThat(response.statusCode()).isEqualTo(413);
        JsonObject problem = new JsonObject(response.body());
        assertThat(problem.getString("type")).isEqualTo("/problems/limit-exceeded");
        assertThat(problem.getString("limit")).isEqualTo("upload_bytes");
        assertThat(problem.getLong("allowed")).isEqualTo(SharedPipeline.UPLOAD_LIMIT_BYTES);
    }

    @Test
    void limitsOfStepsTextAndImageSizeAreProblemsNamingTheLimitAndItsValue() throws Exception {
        JsonObject steps = problem(SharedPipeline.textJob("a red circle", List.of("image"), 201, 1));
        JsonObject text = problem(SharedPipeline.textJob("x".repeat(1001), List.of("image"), 2, 1));
        JsonObject image = problem(new JsonObject()
                .put("inputs", new JsonObject().put("image", new JsonObject().put("base64",
                        Base64.getEncoder().encodeToString(ImageCodec.encodePng(RgbImage.blank(4097, 2))))))
                .put("outputs", new JsonArray().add("text")));

        assertThat(steps.getString("limit")).isEqualTo("params.steps");
        assertThat(steps.getInteger("allowed")).isEqualTo(200);
        assertThat(text.getString("limit")).isEqualTo("text_characters");
        assertThat(text.getInteger("allowed")).isEqualTo(1000);
        assertThat(image.getString("limit")).isEqualTo("media_dimensions");
        assertThat(image.getString("allowed")).isEqualTo("4096x4096");
        for (JsonObject problem : List.of(steps, text, image)) {
            assertThat(problem.getString("type")).isEqualTo("/problems/limit-exceeded");
            assertThat(problem.getString("detail")).contains(String.valueOf(problem.getValue("allowed")).replace("4096x4096", "4096"));
        }
    }

    private static JsonObject problem(JsonObject job) throws Exception {
        HttpResponse<String> response = post(SharedPipeline.KEY, job.encode());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        return new JsonObject(response.body());
    }

    private static HttpResponse<String> upload(String apiKey, byte[] bytes, String contentType) throws Exception {
        return HTTP.send(SharedPipeline.request("/v1/uploads").setHeader("Authorization", "Bearer " + apiKey)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String apiKey, String body) throws Exception {
        return HTTP.send(SharedPipeline.request("/v1/jobs").setHeader("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
