package dev.codi.protocol.stage;

import java.time.Duration;

/**
 * What a stage tells its probes. Live: its loop went round recently (a stage stuck for good is
 * restarted by its supervisor) and its abandoned media decoders are within bounds ({@link DecoderLiveness}). Ready: it started (model loaded, cancellations caught up,
 * subscribed) and its last round with Kafka succeeded recently.
 */
public final class StageHealth {
    /** A loop that has not gone round for this long is stuck: the stage polls at least every second while busy. */
    static final Duration STUCK = Duration.ofSeconds(60);
    /** Kafka is taken as unreachable when no round succeeded for this long. */
    static final Duration UNREACHABLE = Duration.ofSeconds(30);

    private volatile boolean started;
    private volatile boolean stopping;
    private volatile long lastLoopNanos = System.nanoTime();
    private volatile long lastSuccessNanos = System.nanoTime();
    private volatile DecoderLiveness decoders = DecoderLiveness.from(java.util.Map.of());

    void started() {
        started = true;
        lastLoopNanos = System.nanoTime();
        lastSuccessNanos = lastLoopNanos;
    }

    /** The bound on abandoned media decoders this stage is live under. */
    public void watchDecoders(DecoderLiveness decoders) {
        this.decoders = decoders;
    }

    void stopping() {
        stopping = true;
    }

    void looped(boolean succeeded) {
        long now = System.nanoTime();
        lastLoopNanos = now;
        if (succeeded) {
            lastSuccessNanos = now;
        }
    }

    /** Null when live, else why not. */
    public String notLive() {
        if (started && System.nanoTime() - lastLoopNanos > STUCK.toNanos()) {
            return "the stage loop has not gone round for " + STUCK.toSeconds() + " s";
        }
        return decoders.notLive();
    }

    /** Null when ready, else why not. */
    public String notReady() {
        if (stopping) {
            return "stopping";
        }
        if (!started) {
            return "starting (loading the model, reading cancellations)";
        }
        if (System.nanoTime() - lastSuccessNanos > UNREACHABLE.toNanos()) {
            return "no successful round with Kafka for " + UNREACHABLE.toSeconds() + " s";
        }
        String live = notLive();
        return live;
    }
}
