package dev.codi.launcher;

import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.events.EventTypes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder decodes the jobs of a batch together: jobs of mixed outputs sent to it at once each
 * get their own artifacts, in the order they asked for them, and a job whose latent is of the
 * wrong shape fails alone.
 */
class DecoderBatchTest {
    @Test
    void jobsDecodedTogetherGetTheirOwnArtifactsAndABadLatentFailsItsJobOnly() throws Exception {
        // Given the latents of two finished jobs: image + audio, and video
        CodiClient client = SharedPipeline.client();
        String imageAudio = finished(client, List.of("image", "audio"), 31);
        String video = finished(client, List.of("video"), 32);
        List<ConsumerRecord<String, byte[]>> sampled = SharedPipeline.readRecords(SharedPipeline.topics().latents());
        ConsumerRecord<String, byte[]> template = latentsRecord(sampled, imageAudio);
        JsonObject imageAudioLatents = latentsOf(template);
        JsonObject videoLatents = latentsOf(latentsRecord(sampled, video));

        // When four jobs reach the decoder at once, one of them with its video latent in place of its image's
        String reversed = "decode-" + UUID.randomUUID();
        String videoOnly = "decode-" + UUID.randomUUID();
        String wrongShape = "decode-" + UUID.randomUUID();
        String imageOnly = "decode-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                SharedPipeline.get().infrastructure().kafkaBootstrapServers(), "linger.ms", 50), new StringSerializer(),
                new ByteArraySerializer())) {
            List<ProducerRecord<String, byte[]>> records = List.of(
                    decoderInput(template, reversed, List.of("audio", "image"), imageAudioLatents),
                    decoderInput(template, videoOnly, List.of("video"), videoLatents),
                    decoderInput(template, wrongShape, List.of("image", "audio"), imageAudioLatents.copy()
                            .put("image", videoLatents.getJsonObject("video"))),
                    decoderInput(template, imageOnly, List.of("image"), imageAudioLatents));
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            records.forEach(record -> sent.add(producer.send(record)));
            for (java.util.concurrent.Future<?> send : sent) {
                send.get();
            }
        }

        // Then each good job has its own artifacts in the order it asked, and only the bad one failed
        assertThat(modalities(awaitEnd(reversed, EventTypes.JOB_SUCCEEDED))).containsExactly("audio", "image");
        assertThat(modalities(awaitEnd(videoOnly, EventTypes.JOB_SUCCEEDED))).containsExactly("video", "video");
        assertThat(modalities(awaitEnd(imageOnly, EventTypes.JOB_SUCCEEDED))).containsExactly("image");
        CloudEvent failed = awaitEnd(wrongShape, EventTypes.JOB_FAILED);
        assertThat(failed.data().getString("error")).isEqualTo("could not decode the outputs: image latents must have shape "
                + "[4, 8, 8], got [8, 4, 8, 8]");
        for (String job : List.of(reversed, videoOnly, imageOnly)) {
            CloudEvent succeeded = awaitEnd(job, EventTypes.JOB_SUCCEEDED);
            for (Object artifact : succeeded.data().getJsonArray("artifacts")) {
                assertThat(((JsonObject) artifact).getString("object")).contains(job);
                assertThat(((JsonObject) artifact).getLong("bytes")).isPositive();
            }
        }
        assertThat(SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                .filter(event -> List.of(reversed, videoOnly, wrongShape, imageOnly).contains(event.jobId()))
                .filter(event -> event.type().equals(EventTypes.JOB_STARTED)))
                .as("one job.started per job").hasSize(4);
    }

    private static String finished(CodiClient client, List<String> outputs, long seed) throws Exception {
        String id = client.submit(SharedPipeline.textJob("a green square moving up", outputs, 4, seed)).getString("id");
        assertThat(client.awaitFinished(id, Duration.ofSeconds(120), status -> { }).getString("status")).isEqualTo("succeeded");
        return id;
    }

    private static ConsumerRecord<String, byte[]> latentsRecord(List<ConsumerRecord<String, byte[]>> records, String jobId) {
        return records.stream().filter(record -> jobId.equals(record.key())).findFirst().orElseThrow();
    }

    private static JsonObject latentsOf(ConsumerRecord<String, byte[]> record) {
        return new JsonObject(new String(record.value(), StandardCharsets.UTF_8)).getJsonObject("latents");
    }

    /** The template's decoder input, for another job id, outputs and latents. */
    private static ProducerRecord<String, byte[]> decoderInput(ConsumerRecord<String, byte[]> template, String jobId,
                                                               List<String> outputs, JsonObject latents) {
        JsonObject data = new JsonObject(new String(template.value(), StandardCharsets.UTF_8));
        data.getJsonObject("job").put("id", jobId).put("outputs", new JsonArray(outputs));
        data.put("latents", latents);
        List<Header> headers = new ArrayList<>();
        for (Header header : template.headers()) {
            String value = switch (header.key()) {
                case "ce_id" -> jobId + "/sampled";
                case "ce_subject" -> jobId;
                default -> new String(header.value(), StandardCharsets.UTF_8);
            };
            if (!header.key().startsWith("ce_trace")) {
                headers.add(new RecordHeader(header.key(), value.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return new ProducerRecord<>(template.topic(), null, jobId, data.encode().getBytes(StandardCharsets.UTF_8), headers);
    }

    private static CloudEvent awaitEnd(String jobId, String type) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            var end = SharedPipeline.readAll(SharedPipeline.topics().jobEvents()).stream()
                    .filter(event -> event.jobId().equals(jobId)
                            && (event.type().equals(EventTypes.JOB_SUCCEEDED) || event.type().equals(EventTypes.JOB_FAILED)))
                    .findFirst();
            if (end.isPresent()) {
                assertThat(end.get().type()).as(jobId + " ended with " + end.get().data()).isEqualTo(type);
                return end.get();
            }
            assertThat(System.nanoTime()).as(jobId + " has not ended").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static List<String> modalities(CloudEvent succeeded) {
        return succeeded.data().getJsonArray("artifacts").stream().map(artifact -> ((JsonObject) artifact).getString("modality")).toList();
    }
}
