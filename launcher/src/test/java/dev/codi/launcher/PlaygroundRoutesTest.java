package dev.codi.launcher;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The playground and /docs are served without a key; an artifact's bytes come through the gateway behind it. */
class PlaygroundRoutesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void thePageItsScriptsAndTheApiReferenceNeedNoKey() throws Exception {
        HttpResponse<String> page = get("/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/js/main.js\">");
        assertThat(get("/js/api.js", null).headers().firstValue("Content-Type").orElse("")).contains("javascript");
        assertThat(get("/docs/", null).body()).contains("/docs/swagger-ui/swagger-ui-bundle.js");
        HttpResponse<String> bundle = get("/docs/swagger-ui/swagger-ui-bundle.js", null);
        assertThat(bundle.statusCode()).as("the swagger-ui webjar's version is the one Playground names").isEqualTo(200);
        assertThat(bundle.body()).contains("SwaggerUIBundle");
        assertThat(get("/docs", null).statusCode()).isEqualTo(302);
    }

    @Test
    void anUnknownPathIsStillNotFoundAndTheApiStillNeedsAKey() throws Exception {
        assertThat(get("/no-such-page.html", null).statusCode()).isEqualTo(404);
        assertThat(get("/../pom.xml", null).statusCode()).isEqualTo(404);
        assertThat(get("/v1/jobs", null).statusCode()).isEqualTo(401);
    }

    @Test
    void anArtifactsBytesComeThroughTheGatewayForItsOwnerOnly() throws Exception {
        CodiClient client = SharedPipeline.client();
        String id = client.submit(SharedPipeline.textJob("a green circle moving up", List.of("audio"), 2, 77)).getString("id");
        JsonObject job = client.awaitFinished(id, Duration.ofSeconds(120), s -> { });
        String download = job.getJsonArray("artifacts").getJsonObject(0).getString("download");
        assertThat(download).isEqualTo("/v1/jobs/" + id + "/artifacts/audio.wav");

        HttpResponse<byte[]> wav = HTTP.send(HttpRequest.newBuilder(URI.create(SharedPipeline.get().gatewayUrl() + download))
                .header("Authorization", "Bearer " + SharedPipeline.KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(wav.statusCode()).isEqualTo(200);
        assertThat(wav.headers().firstValue("Content-Type")).hasValue("audio/wav");
        assertThat(new String(wav.body(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(wav.body().length).isEqualTo(job.getJsonArray("artifacts").getJsonObject(0).getInteger("bytes"));
        assertThat(get(download, SharedPipeline.OTHER_KEY).statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SharedPipeline.get().gatewayUrl() + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
