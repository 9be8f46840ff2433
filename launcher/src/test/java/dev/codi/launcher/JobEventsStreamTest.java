package dev.codi.launcher;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /v1/jobs/{id}/events (Server-Sent Events, resumable) and Prefer: wait on create. */
class JobEventsStreamTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One parsed SSE event (HTML Living Standard, "Server-sent events", §9.2.6 interpretation). */
    record SseEvent(String id, String event, JsonObject data) {
    }

    @Test
    void theStreamShowsEveryStateChangeAndStepProgressThenEnds() throws Exception {
        // Given a job
        String id = SharedPipeline.client().submit(SharedPipeline.textJob("a blue circle moving down", List.of("image"), 12, 51))
                .getString("id");

        // When its events are streamed from the start
        HttpResponse<Stream<String>> response = open(id, null);
        List<SseEvent> events = parse(response.body());

        // Then the stream has the lifecycle in order, each with the job after the change, and ends after the last
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> names = events.stream().map(SseEvent::event).toList();
        assertThat(names.get(0)).isEqualTo("job.queued");
        assertThat(names.get(names.size() - 1)).isEqualTo("job.succeeded");
        assertThat(names).contains("job.started", "job.progress", "job.stage-completed");
        assertThat(events).allSatisfy(event -> assertThat(event.data().getString("id")).isEqualTo(id));
        assertThat(events.stream().map(SseEvent::id).distinct()).hasSize(events.size());
        JsonObject lastProgress = events.stream().filter(e -> e.event().equals("job.progress")).reduce((a, b) -> b).orElseThrow().data();
        assertThat(lastProgress.getJsonObject("progress").getInteger("total")).isEqualTo(12);
        assertThat(events.get(events.size() - 1).data().getJsonArray("artifacts")).hasSize(1);
    }

    @Test
    void aReconnectWithLastEventIdResumesAfterThatEvent() throws Exception {
        // Given the full stream of a finished job
        CodiClient client = SharedPipeline.client();
        String id = client.submit(SharedPipeline.textJob("a purple square moving up", List.of("text"), 6, 52)).getString("id");
        client.awaitFinished(id, Duration.ofSeconds(120), s -> { });
        List<SseEvent> all = parse(open(id, null).body());

        // When a client reconnects having seen the first two events
        List<SseEvent> resumed = parse(open(id, all.get(1).id()).body());

        // Then it gets exactly the rest
        assertThat(resumed.stream().map(SseEvent::id).toList()).isEqualTo(all.subList(2, all.size()).stream().map(SseEvent::id).toList());
        assertThat(resumed.stream().map(SseEvent::event).toList())
                .isEqualTo(all.subList(2, all.size()).stream().map(SseEvent::event).toList());
    }

    @Test
    void preferWaitReturnsTheFinishedJobWhenItFinishesInTime() throws Exception {
        HttpResponse<String> response = HTTP.send(SharedPipeline.request("/v1/jobs").header("Content-Type", "application/json")
                .header("Prefer", "wait=60").POST(HttpRequest.BodyPublishers.ofString(
                        SharedPipeline.textJob("an orange circle", List.of("text"), 3, 53).encode())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getString("status")).isEqualTo("succeeded");
        assertThat(response.headers().firstValue("Preference-Applied")).hasValue("wait=60");
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/jobs/" + new JsonObject(response.body()).getString("id"));
    }

    @Test
    void preferWaitReturnsThePendingJobWhenTheWaitRunsOut() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = HTTP.send(SharedPipeline.request("/v1/jobs").header("Content-Type", "application/json")
                .header("Prefer", "respond-async, wait=1").POST(HttpRequest.BodyPublishers.ofString(
                        SharedPipeline.textJob("an orange cross", List.of("image", "audio"), 200, 54).encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(response.body()).getString("status")).isIn("queued", "running");
        assertThat(tookMillis).isBetween(900L, 10_000L);
        HTTP.send(SharedPipeline.request("/v1/jobs/" + new JsonObject(response.body()).getString("id") + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    private static HttpResponse<Stream<String>> open(String jobId, String lastEventId) throws Exception {
        HttpRequest.Builder request = SharedPipeline.request("/v1/jobs/" + jobId + "/events").header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(120));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
    }

    /** Reads the whole stream (it ends after the job's terminal event). */
    static List<SseEvent> parse(Stream<String> lines) {
        List<SseEvent> events = new ArrayList<>();
        String[] current = new String[3];
        lines.forEach(line -> {
            if (line.isEmpty()) {
                if (current[2] != null) {
                    events.add(new SseEvent(current[0], current[1], new JsonObject(current[2])));
                }
                current[0] = current[1] = current[2] = null;
            } else if (line.startsWith("id: ")) {
                current[0] = line.substring(4);
            } else if (line.startsWith("event: ")) {
                current[1] = line.substring(7);
            } else if (line.startsWith("data: ")) {
                current[2] = line.substring(6);
            }
        });
        return events;
    }
}
