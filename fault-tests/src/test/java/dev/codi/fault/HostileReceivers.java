package dev.codi.fault;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook receivers that misbehave the ways a tenant's receiver can: one that answers its headers
 * and then drips a byte every two seconds (an idle timeout never fires), one that streams an
 * endless body, and one that is down for a while and then answers 200. Bounded: each stops by
 * itself after a few minutes or a gigabyte.
 */
final class HostileReceivers implements AutoCloseable {
    private static final Buffer CHUNK = Buffer.buffer(new byte[64 * 1024]);
    private static final long HUGE_LIMIT_BYTES = 1L << 30;
    private static final long DRIP_LIMIT_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer drip;
    private final HttpServer huge;
    private final int laterPort = FaultCluster.freePort();
    private HttpServer later;
    final AtomicInteger dripRequests = new AtomicInteger();
    final AtomicInteger hugeRequests = new AtomicInteger();
    final AtomicLong hugeBytesSent = new AtomicLong();
    final java.util.Set<String> laterJobs = java.util.concurrent.ConcurrentHashMap.newKeySet();

    HostileReceivers() throws Exception {
        drip = vertx.createHttpServer().requestHandler(request -> {
            dripRequests.incrementAndGet();
            HttpServerResponse response = request.response().setChunked(true).setStatusCode(200);
            long started = System.currentTimeMillis();
            vertx.setPeriodic(2000, timer -> {
                if (response.closed() || System.currentTimeMillis() - started > DRIP_LIMIT_MILLIS) {
                    vertx.cancelTimer(timer);
                    if (!response.closed()) {
                        response.end();
                    }
                } else {
                    response.write("x");
                }
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        huge = vertx.createHttpServer().requestHandler(request -> {
            hugeRequests.incrementAndGet();
            HttpServerResponse response = request.response().setChunked(true).setStatusCode(200);
            stream(response, 0);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void stream(HttpServerResponse response, long sent) {
        long total = sent;
        while (!response.writeQueueFull() && !response.closed() && total < HUGE_LIMIT_BYTES) {
            response.write(CHUNK);
            total += CHUNK.length();
            hugeBytesSent.addAndGet(CHUNK.length());
        }
        if (response.closed() || total >= HUGE_LIMIT_BYTES) {
            if (!response.closed()) {
                response.end();
            }
            return;
        }
        long soFar = total;
        response.drainHandler(drained -> stream(response, soFar));
    }

    String dripUrl() {
        return "http://127.0.0.1:" + drip.actualPort() + "/hooks";
    }

    String hugeUrl() {
        return "http://127.0.0.1:" + huge.actualPort() + "/hooks";
    }

    /** A receiver that refuses connections until {@link #bringUpLater()}. */
    String laterUrl() {
        return "http://127.0.0.1:" + laterPort + "/hooks";
    }

    void bringUpLater() throws Exception {
        later = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            laterJobs.add(body.toJsonObject().getJsonObject("data").getString("id"));
            request.response().setStatusCode(200).end();
        })).listen(laterPort, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
