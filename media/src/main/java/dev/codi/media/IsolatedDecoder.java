package dev.codi.media;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs third-party decoder code that may never return on corrupt input (jcodec 0.2.5's H.264
 * slice parser reads reordering entries past the end of a slice until it sees idc 3) on a
 * thread of its own, and stops waiting for it at the decode deadline.
 *
 * <p>Such a loop never checks for interruption and no JDK after 19 can stop a thread from
 * outside, so a runaway is abandoned, not killed: it is counted ({@link #abandoned()}), keeps
 * its slot, and runs at the lowest priority. The slots are few, so runaways can never take more
 * than {@link #SLOTS} threads; once all are taken, new decodes are refused at once with
 * {@link MediaDecoderBusyException} instead of piling up. What a runaway can reach is bounded by
 * its input: the bytes it was given, already checked by {@link Mp4Validator} and the limits.
 */
final class IsolatedDecoder {
    @FunctionalInterface
    interface Decoder<T> {
        T decode() throws MediaDecodeException;
    }

    /** Concurrent isolated decodes, runaways included. */
    static final int SLOTS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    /** Time the caller waits past the deadline for the decoder's own deadline check to fire. */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final Semaphore FREE_SLOTS = new Semaphore(SLOTS);
    private static final AtomicInteger ABANDONED = new AtomicInteger();
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int GIVEN_UP = 2;

    private IsolatedDecoder() {
    }

    /** Decoder threads given up on at their deadline and still running. */
    static int abandoned() {
        return ABANDONED.get();
    }

    static <T> T run(String what, DecodeDeadline deadline, Decoder<T> decoder) throws MediaDecodeException {
        if (!FREE_SLOTS.tryAcquire()) {
            throw new MediaDecoderBusyException(what + " cannot start: all " + SLOTS + " decoder threads are busy ("
                    + ABANDONED.get() + " abandoned past their deadline)");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicInteger state = new AtomicInteger(RUNNING);
        Thread worker = new Thread(() -> {
            T value = null;
            Throwable failure = null;
            try {
                value = decoder.decode();
            } catch (Throwable e) {
                failure = e;
            }
            if (!state.compareAndSet(RUNNING, DONE)) {
                ABANDONED.decrementAndGet(); // a runaway that ended after all
            }
            FREE_SLOTS.release(); // before the caller hears of the outcome, so its next decode finds the slot free
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
        }, "codi-decoder-" + THREAD_NUMBER.incrementAndGet());
        worker.setDaemon(true);
        try {
            worker.start();
        } catch (Throwable e) {
            FREE_SLOTS.release();
            throw e;
        }
        try {
            return result.get(deadline.remainingNanos() + GRACE_NANOS, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (state.compareAndSet(RUNNING, GIVEN_UP)) {
                ABANDONED.incrementAndGet();
                worker.setPriority(Thread.MIN_PRIORITY);
                worker.interrupt();
                throw deadline.expired();
            }
            return resultOf(what, result); // it finished just now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (state.compareAndSet(RUNNING, GIVEN_UP)) {
                ABANDONED.incrementAndGet();
                worker.interrupt();
            }
            throw new MediaDecodeException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        }
    }

    private static <T> T resultOf(String what, CompletableFuture<T> result) throws MediaDecodeException {
        try {
            return result.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw failure(what, e.getCause());
        }
    }

    private static MediaDecodeException failure(String what, Throwable error) {
        if (error instanceof MediaDecodeException decodeError) {
            return decodeError;
        }
        if (error instanceof RuntimeException || error instanceof StackOverflowError) {
            return new MediaDecodeException(what + " failed: " + ImageCodec.describe(error), error);
        }
        if (error instanceof Error fatal) {
            throw fatal; // OutOfMemoryError and the like are the JVM's business, not a verdict on the input
        }
        return new MediaDecodeException(what + " failed: " + ImageCodec.describe(error), error);
    }
}
