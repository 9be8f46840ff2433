package dev.codi.gateway.jobs;

import dev.codi.gateway.metrics.GatewayMetrics;
import dev.codi.protocol.kafka.HangingTransactions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Looks for hanging transactions on the pipeline's topics and ends them ({@link HangingTransactions}):
 * a submission whose commit markers a broker lost would otherwise hold back every job after it on
 * its partition, for good. Looks every half of the threshold (at least every second, at most every
 * minute), off the event loop, one look at a time.
 */
public final class HangingTransactionWatch {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactionWatch.class);

    private final Vertx vertx;
    private final HangingTransactions hanging;
    private final List<String> topics;
    private final Duration after;
    private long timer = -1;
    private boolean looking;

    public HangingTransactionWatch(Vertx vertx, HangingTransactions hanging, List<String> topics, Duration after) {
        this.vertx = vertx;
        this.hanging = hanging;
        this.topics = List.copyOf(topics);
        this.after = after;
    }

    /** Call on the gateway's event loop. */
    public void start() {
        long period = Math.max(1_000, Math.min(after.toMillis() / 2, 60_000));
        timer = vertx.setPeriodic(period, tick -> look());
    }

    /** Stops looking; the admin client closes off the event loop (it waits for a look in progress). */
    public Future<Void> stop() {
        vertx.cancelTimer(timer);
        return vertx.executeBlocking(() -> {
            hanging.close();
            return null;
        });
    }

    private void look() {
        if (looking) {
            return;
        }
        looking = true;
        vertx.executeBlocking(() -> hanging.repair(topics), false)
                .onSuccess(repairs -> repairs.forEach(repair -> GatewayMetrics.hangingTransactionEnded(repair.partition().topic())))
                .onFailure(error -> LOG.warn("could not look for hanging transactions: {}", error.toString()))
                .onComplete(done -> looking = false);
    }
}
