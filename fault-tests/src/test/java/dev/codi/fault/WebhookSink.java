package dev.codi.fault;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A webhook receiver on loopback: answers 200 and counts deliveries per webhook id and per job. */
final class WebhookSink implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    final Map<String, AtomicInteger> deliveriesById = new ConcurrentHashMap<>();
    final Map<String, String> terminalTypeByJob = new ConcurrentHashMap<>();

    WebhookSink() throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            String id = request.getHeader("webhook-id");
            if (id != null) {
                deliveriesById.computeIfAbsent(id, key -> new AtomicInteger()).incrementAndGet();
                JsonObject message = body.toJsonObject();
                terminalTypeByJob.put(message.getJsonObject("data").getString("id"), message.getString("type"));
            }
            request.response().setStatusCode(200).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/hooks";
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
