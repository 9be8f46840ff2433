package dev.codi.protocol.stage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import dev.codi.protocol.metrics.ProcessMetrics;

/**
 * A stage process's small HTTP port for Prometheus ({@code /metrics}, the process's
 * {@linkplain ProcessMetrics meters}) and its probes: {@code /health/live} (503 when the stage
 * loop is stuck: restart the process) and {@code /health/ready} (503 while the stage starts, stops,
 * or cannot reach Kafka or its object store). Listens on {@value #PORT_VARIABLE} when it is set.
 */
public final class AdminServer {
    public static final String PORT_VARIABLE = "CODI_ADMIN_PORT";
    public static final String HOST_VARIABLE = "CODI_ADMIN_HOST";

    private AdminServer() {
    }

    /**
     * Listens with HTTP/1.1 only: no cleartext "Upgrade: h2c", which the JDK's HttpClient asks for on
     * a first plain-http request and which left such a client waiting forever for a large
     * {@code /metrics} answer. Prometheus scrapes with HTTP/1.1.
     */
    public static Future<HttpServer> start(Vertx vertx, String host, int port, StageHealth health) {
        return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .requestHandler(request -> answer(request, health)).listen(port, host);
    }

    private static void answer(HttpServerRequest request, StageHealth health) {
        if (request.path().equals("/metrics")) {
            request.response().putHeader("Content-Type", ProcessMetrics.CONTENT_TYPE).end(ProcessMetrics.scrape());
            return;
        }
        String problem = switch (request.path()) {
            case "/health/live" -> health.notLive();
            case "/health/ready" -> health.notReady();
            default -> {
                request.response().setStatusCode(404).end();
                yield "";
            }
        };
        if (problem != null && problem.isEmpty()) {
            return;
        }
        JsonObject body = new JsonObject().put("status", problem == null ? "ok" : problem);
        request.response().setStatusCode(problem == null ? 200 : 503).putHeader("Content-Type", "application/json")
                .end(body.encode());
    }
}
