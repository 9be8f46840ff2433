package dev.codi.protocol.stage;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A stage whose runaway media decoders pass their bound says so on /health/live, for its supervisor to restart it. */
class DecoderLivenessTest {
    @Test
    void pastTheBoundOfAbandonedDecodersTheStageIsNotLive() throws Exception {
        AtomicInteger abandoned = new AtomicInteger(2);
        StageHealth health = new StageHealth();
        health.started();
        health.watchDecoders(new DecoderLiveness(2, abandoned::get));
        Vertx vertx = Vertx.vertx();
        try {
            int port = AdminServer.start(vertx, "127.0.0.1", 0, health).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).actualPort();

            assertThat(live(port).statusCode()).as("two abandoned decoders are within the bound").isEqualTo(200);

            abandoned.set(3);
            HttpResponse<String> notLive = live(port);
            assertThat(notLive.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(notLive.body()).getString("status"))
                    .contains("3 media decoders abandoned", "CODI_MAX_ABANDONED_DECODERS=2");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theBoundComesFromTheConfigAndIsChecked() {
        assertThat(DecoderLiveness.from(Map.of(DecoderLiveness.MAX_ABANDONED_VARIABLE, "0")).notLive())
                .as("this JVM has no runaway decoder").isNull();
        assertThatThrownBy(() -> DecoderLiveness.from(Map.of(DecoderLiveness.MAX_ABANDONED_VARIABLE, "many")))
                .hasMessageContaining("CODI_MAX_ABANDONED_DECODERS must be a whole number");
        assertThatThrownBy(() -> DecoderLiveness.from(Map.of(DecoderLiveness.MAX_ABANDONED_VARIABLE, "-1")))
                .hasMessageContaining("at least 0");
    }

    private static HttpResponse<String> live(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
