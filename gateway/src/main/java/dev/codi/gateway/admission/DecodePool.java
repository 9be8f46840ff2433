package dev.codi.gateway.admission;

import dev.codi.gateway.http.Problem;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that validate request inputs (JSON parsing, media decoding, storing uploads),
 * apart from Vert.x's worker pool so a flood of costly inputs cannot starve other requests.
 * The queue is bounded: when it is full the request is answered 503 with {@code Retry-After}
 * at once, rather than piling up work nobody will wait for.
 */
public final class DecodePool implements AutoCloseable {
    private final Vertx vertx;
    private final ThreadPoolExecutor executor;
    private final int retryAfterSeconds;

    public DecodePool(Vertx vertx, int threads, int queue, int retryAfterSeconds) {
        this.vertx = vertx;
        this.retryAfterSeconds = retryAfterSeconds;
        AtomicInteger number = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue), task -> {
                    Thread thread = new Thread(task, "codi-gateway-decode-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Runs {@code work} on the pool; its outcome arrives on the caller's Vert.x context. */
    public <T> Future<T> submit(Callable<T> work) {
        Context context = vertx.getOrCreateContext();
        Promise<T> promise = Promise.promise();
        try {
            executor.execute(() -> {
                try {
                    T value = work.call();
                    context.runOnContext(ignored -> promise.complete(value));
                } catch (Throwable e) {
                    context.runOnContext(ignored -> promise.fail(e));
                }
            });
        } catch (RejectedExecutionException full) {
            promise.fail(overloaded());
        }
        return promise.future();
    }

    /** Tasks waiting for a thread. */
    public int queued() {
        return executor.getQueue().size();
    }

    private Problem overloaded() {
        return new Problem(503, "/problems/overloaded", "The service is overloaded",
                "every input-validation thread is busy and " + executor.getQueue().remainingCapacity()
                        + " places are left in the queue; retry after " + retryAfterSeconds + " s")
                .header("Retry-After", Integer.toString(retryAfterSeconds));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
