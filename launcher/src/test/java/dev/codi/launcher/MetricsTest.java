package dev.codi.launcher;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator's Prometheus sees: after a job, /metrics shows it at every stage (jobs by
 * outcome, batch sizes, denoiser steps) and at the gateway (requests by route and status).
 */
class MetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aFinishedJobMovesEveryStagesCountersAndTheGatewaysRequestCounter() throws Exception {
        String before = scrape();

        HttpResponse<String> finished = HTTP.send(SharedPipeline.request("/v1/jobs").header("Content-Type", "application/json")
                .header("Prefer", "wait=60").POST(HttpRequest.BodyPublishers.ofString(
                        SharedPipeline.textJob("a blue circle", List.of("image"), 3, 11).encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(new JsonObject(finished.body()).getString("status")).isEqualTo("succeeded");
        String after = scrape();

        for (String stage : List.of("encoder-service", "diffusion-service", "decoder-service")) {
            String succeeded = "codi_stage_jobs_total{outcome=\"succeeded\",stage=\"" + stage + "\"}";
            assertThat(value(after, succeeded)).as(succeeded).isGreaterThan(value(before, succeeded));
            String batches = "codi_stage_batch_size_count{stage=\"" + stage + "\"}";
            assertThat(value(after, batches)).as(batches).isGreaterThan(value(before, batches));
        }
        String steps = "codi_stage_denoiser_step_duration_seconds_count{stage=\"diffusion-service\"}";
        assertThat(value(after, steps) - value(before, steps)).as(steps).isGreaterThanOrEqualTo(2);
        String created = "codi_gateway_http_requests_seconds_count{method=\"POST\",route=\"/v1/jobs\",status=\""
                + finished.statusCode() + "\"}";
        assertThat(value(after, created)).as(created).isGreaterThan(value(before, created));
        // Vert.x's own HTTP server meters, labelled by the chain of route templates that matched
        // (Vert.x Web joins a sub-router's with '>'), never by the path
        Pattern vertxPost = Pattern.compile("^vertx_http_server_requests_total\\{code=\"" + finished.statusCode()
                + "\",method=\"POST\",route=\"(?:[^\"]*>)?/v1/jobs\"} (\\S+)$", Pattern.MULTILINE);
        assertThat(sum(after, vertxPost)).as(vertxPost + " among\n" + String.join("\n",
                after.lines().filter(line -> line.startsWith("vertx_http_server_requests")).toList()))
                .isGreaterThan(sum(before, vertxPost));
        assertThat(after).doesNotContainPattern("(?m)^vertx_[a-z_]+\\{[^}]*\\b(path|remote|local|address)=");
        assertThat(after).contains("codi_stage_backlog_records{stage=\"diffusion-service\"}",
                "codi_stage_oldest_waiting_age_seconds{stage=\"decoder-service\"}", "jvm_memory_used_bytes",
                "codi_gateway_sse_streams", "kafka_consumer_fetch_manager_records_lag_max", "vertx_pool_in_use");
    }

    @Test
    void everyMetricTheDashboardPlotsIsExposed() throws Exception {
        HTTP.send(SharedPipeline.request("/v1/jobs").header("Content-Type", "application/json").header("Prefer", "wait=60")
                .POST(HttpRequest.BodyPublishers.ofString(SharedPipeline.textJob("a green square", List.of("text"), 2, 5).encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        String exposed = scrape();
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("..", "deploy", "grafana", "codi-dashboard.json"));
        Matcher names = Pattern.compile("\\b((?:codi|jvm|process|kafka|vertx)_[a-z_]+)\\b").matcher(dashboard);
        int plotted = 0;
        while (names.find()) {
            plotted++;
            String name = names.group(1);
            if (name.equals("codi_gateway_webhook_attempts_total")) {
                continue; // appears with the process's first webhook attempt
            }
            assertThat(exposed).as("the dashboard plots " + name).containsPattern("(?m)^" + Pattern.quote(name) + "[{ ]");
        }
        assertThat(plotted).isGreaterThan(10);
    }

    private static String scrape() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(SharedPipeline.get().gatewayUrl() + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }

    /** The sum of the series a pattern matches (its group 1 the value), 0 when none is there. */
    private static double sum(String exposition, Pattern series) {
        return series.matcher(exposition).results().mapToDouble(match -> Double.parseDouble(match.group(1))).sum();
    }

    /** The value of one series in Prometheus' text format, 0 when it is absent. */
    private static double value(String exposition, String series) {
        Matcher line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }
}
