package dev.codi.launcher;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking client of the codi HTTP API, for the CLI and the benchmark. */
public final class CodiClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI server;
    private final String apiKey;

    /** @param apiKey sent as {@code Authorization: Bearer <key>} */
    public CodiClient(URI server, String apiKey) {
        this.server = server;
        this.apiKey = apiKey;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + apiKey);
    }

    /** Submits a job; returns the job resource (202) or throws with the problem the server sent. */
    public JsonObject submit(JsonObject job) throws IOException, InterruptedException {
        HttpRequest request = request("/v1/jobs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(job.encode())).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IOException("job refused (" + response.statusCode() + "): " + response.body());
        }
        return new JsonObject(response.body());
    }

    /**
     * Submits a job asking the gateway to answer once it is finished ({@code Prefer: wait}, at most
     * {@code waitSeconds}); returns the job as it then is, finished or not.
     */
    public JsonObject submitAndWait(JsonObject job, int waitSeconds) throws IOException, InterruptedException {
        HttpRequest request = request("/v1/jobs")
                .header("Content-Type", "application/json").header("Prefer", "wait=" + waitSeconds)
                .POST(HttpRequest.BodyPublishers.ofString(job.encode())).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 && response.statusCode() != 202) {
            throw new IOException("job refused (" + response.statusCode() + "): " + response.body());
        }
        return new JsonObject(response.body());
    }

    /** Cancels a job; returns the job resource. */
    public JsonObject cancel(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/v1/jobs/" + id + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("cancel " + id + " answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body());
    }

    public JsonObject job(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/v1/jobs/" + id).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET job " + id + " answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body());
    }

    /** Polls until the job is finished or {@code timeout} passes; {@code onUpdate} sees every snapshot. */
    public JsonObject awaitFinished(String id, Duration timeout, java.util.function.Consumer<JsonObject> onUpdate)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonObject job = job(id);
            onUpdate.accept(job);
            String status = job.getString("status");
            if (status.equals("succeeded") || status.equals("failed") || status.equals("canceled")) {
                return job;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("job " + id + " still " + status + " after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    public byte[] download(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("download answered " + response.statusCode());
        }
        return response.body();
    }
}
