package dev.codi.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

/**
 * A webhook receiver on 127.0.0.1 for tests: records every request, answers with the status its
 * {@code answer} gives for the request's 0-based number.
 */
final class WebhookReceiver implements AutoCloseable {
    record Received(Map<String, String> headers, String body, int answered) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String webhookId() {
            return headers.get("webhook-id");
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile IntUnaryOperator answer;

    WebhookReceiver(IntUnaryOperator answer) throws Exception {
        this.answer = answer;
        this.server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            int status = this.answer.applyAsInt(received.size());
            Map<String, String> headers = new java.util.HashMap<>();
            request.headers().forEach(header -> headers.put(header.getKey().toLowerCase(java.util.Locale.ROOT), header.getValue()));
            received.add(new Received(headers, body.toString(), status));
            request.response().setStatusCode(status).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/hooks";
    }

    void answer(IntUnaryOperator answer) {
        this.answer = answer;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until some request matches, returns everything received so far. */
    List<Received> await(Predicate<List<Received>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(received())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the receiver never got what was expected; it got " + received().stream()
                        .map(r -> r.answered() + " " + r.webhookId() + " " + r.json().getString("type")).toList());
            }
            Thread.sleep(50);
        }
        return received();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
