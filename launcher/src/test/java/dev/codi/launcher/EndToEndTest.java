package dev.codi.launcher;

import dev.codi.media.AudioClip;
import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.Mp4Codec;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.media.WavCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP → Kafka → every stage → object storage → completion, on the real broker and store. */
class EndToEndTest {
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void textToEveryModalityProducesArtifactsThatOpenAndMatchTheirChecksums() throws Exception {
        // Given a job asking for all four outputs
        CodiClient client = SharedPipeline.client();
        JsonObject accepted = client.submit(SharedPipeline.textJob("a blue square moving up",
                List.of("image", "audio", "video", "text"), 8, 42));
        assertThat(accepted.getString("status")).isEqualTo("queued");

        // When it finishes
        JsonObject job = client.awaitFinished(accepted.getString("id"), JOB_TIMEOUT, snapshot -> { });

        // Then every artifact downloads through its presigned URL, matches its sha256 and opens
        assertThat(job.getString("status")).as(job.encodePrettily()).isEqualTo("succeeded");
        assertThat(job.getJsonObject("timings").fieldNames())
                .containsExactlyInAnyOrder("encoder-service", "diffusion-service", "decoder-service");
        Map<String, byte[]> files = download(client, job);
        assertThat(files.keySet()).containsExactlyInAnyOrder("image/png", "audio/wav", "video/mp4", "image/gif",
                "text/plain;charset=UTF-8");

        RgbImage image = ImageCodec.decode(files.get("image/png"));
        assertThat(image.width()).isEqualTo(32);
        assertThat(image.height()).isEqualTo(32);
        AudioClip audio = WavCodec.decode(files.get("audio/wav"));
        assertThat(audio.sampleRate()).isGreaterThanOrEqualTo(8000);
        assertThat(audio.durationSeconds()).isBetween(0.99, 1.01);
        VideoClip mp4 = Mp4Codec.decode(files.get("video/mp4"));
        assertThat(mp4.frames()).hasSize(8);
        assertThat(mp4.frames().get(0).width()).isEqualTo(32);
        VideoClip gif = GifCodec.decode(files.get("image/gif"));
        assertThat(gif.frames()).hasSize(8);
        String text = new String(files.get("text/plain;charset=UTF-8"), StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n").doesNotContain("\r");
        assertThat(text.strip()).doesNotContain("\n");
        assertThat(job.getString("text")).isEqualTo(text.strip());
    }

    @Test
    void theSameRequestWithTheSameSeedGivesTheSameArtifacts() throws Exception {
        CodiClient client = SharedPipeline.client();
        JsonObject request = SharedPipeline.textJob("a red circle moving left", List.of("image", "audio"), 6, 7);
        JsonObject first = client.awaitFinished(client.submit(request).getString("id"), JOB_TIMEOUT, s -> { });
        JsonObject second = client.awaitFinished(client.submit(request).getString("id"), JOB_TIMEOUT, s -> { });
        JsonObject otherSeed = client.awaitFinished(client.submit(
                SharedPipeline.textJob("a red circle moving left", List.of("image", "audio"), 6, 8)).getString("id"),
                JOB_TIMEOUT, s -> { });

        assertThat(checksums(second)).isEqualTo(checksums(first));
        assertThat(checksums(otherSeed)).isNotEqualTo(checksums(first));
    }

    @Test
    void mediaInputsTravelThroughObjectStorageAndAreMixedByWeight() throws Exception {
        // Given an image and an audio input, with weights
        RgbImage square = RgbImage.blank(48, 40);
        for (int y = 10; y < 26; y++) {
            for (int x = 12; x < 28; x++) {
                square.set(x, y, 40, 90, 220);
            }
        }
        float[] tone = new float[22050];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / 22050.0));
        }
        JsonObject request = new JsonObject()
                .put("inputs", new JsonObject()
                        .put("image", new JsonObject().put("base64", Base64.getEncoder().encodeToString(ImageCodec.encodePng(square))))
                        .put("audio", new JsonObject().put("base64", Base64.getEncoder().encodeToString(
                                WavCodec.encode(new AudioClip(22050, tone))))))
                .put("weights", new JsonObject().put("image", 2).put("audio", 1))
                .put("outputs", new JsonArray().add("video"))
                .put("params", new JsonObject().put("steps", 5).put("seed", 3));

        // When the job runs
        CodiClient client = SharedPipeline.client();
        JsonObject job = client.awaitFinished(client.submit(request).getString("id"), JOB_TIMEOUT, s -> { });

        // Then it succeeds with the video artifacts
        assertThat(job.getString("status")).as(job.encodePrettily()).isEqualTo("succeeded");
        assertThat(job.getJsonArray("inputs")).containsExactly("audio", "image");
        assertThat(download(client, job).keySet()).containsExactlyInAnyOrder("video/mp4", "image/gif");
    }

    private static Map<String, byte[]> download(CodiClient client, JsonObject job) throws Exception {
        Map<String, byte[]> files = new HashMap<>();
        for (Object item : job.getJsonArray("artifacts")) {
            JsonObject artifact = (JsonObject) item;
            byte[] bytes = client.download(artifact.getString("url"));
            assertThat(bytes).hasSize(artifact.getInteger("bytes"));
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                    .isEqualTo(artifact.getString("sha256"));
            assertThat(artifact.getString("expires_at")).isNotBlank();
            files.put(artifact.getString("content_type"), bytes);
        }
        return files;
    }

    private static Map<String, String> checksums(JsonObject job) {
        Map<String, String> checksums = new HashMap<>();
        for (Object item : job.getJsonArray("artifacts")) {
            JsonObject artifact = (JsonObject) item;
            checksums.put(artifact.getString("content_type"), artifact.getString("sha256"));
        }
        return checksums;
    }
}
