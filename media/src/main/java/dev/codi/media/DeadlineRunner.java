package dev.codi.media;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a third-party decoder on its own thread and gives up after a deadline. Only for library
 * code that has been seen to loop forever on corrupt input (jcodec's H.264 slice parser): such
 * a loop never checks for interruption, so the runaway thread is stopped outright. Stopping a
 * thread is safe here because it touches nothing shared — its only state is the bytes it was given.
 */
final class DeadlineRunner {
    @FunctionalInterface
    interface Decoder<T> {
        T decode() throws MediaDecodeException;
    }

    private DeadlineRunner() {
    }

    static <T> T run(String what, long deadlineMillis, Decoder<T> decoder) throws MediaDecodeException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                result.set(decoder.decode());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "codi-media-" + what.replace(' ', '-'));
        worker.setDaemon(true);
        worker.start();
        try {
            worker.join(deadlineMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(worker);
            throw new MediaDecodeException(what + " was interrupted", e);
        }
        if (worker.isAlive()) {
            stop(worker);
            throw new MediaDecodeException(what + " did not finish within " + deadlineMillis / 1000.0
                    + " s; the input is probably corrupt");
        }
        Throwable error = failure.get();
        if (error instanceof MediaDecodeException decodeError) {
            throw decodeError;
        }
        if (error instanceof RuntimeException || error instanceof StackOverflowError) {
            throw new MediaDecodeException(what + " failed: " + ImageCodec.describe(error), error);
        }
        if (error instanceof Error fatal) {
            throw fatal; // OutOfMemoryError and the like are the JVM's business, not a verdict on the input
        }
        return result.get();
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread worker) {
        worker.interrupt();
        try {
            worker.stop();
        } catch (UnsupportedOperationException notOnThisJdk) {
            // JDK 20+ removed Thread.stop: the daemon thread is left to finish or die with the JVM.
        }
    }
}
