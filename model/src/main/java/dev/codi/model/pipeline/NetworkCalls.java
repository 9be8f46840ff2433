package dev.codi.model.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.codi.media.Modality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The network calls of one phase of a sampling step, gathered from every cohort and run as one
 * call per network: the requests' inputs are concatenated along the batch axis, the network runs
 * once, and its output is split back by rows. Requests of one network share its input shapes
 * (the key names how many environment tokens a joint denoiser call attends to).
 *
 * <p>The networks of one phase read only what earlier phases computed, so they are independent of
 * each other: given an executor, they run at once, each on its own thread (a joint job's image and
 * audio denoisers, say). Each call computes what it computes alone; only the wall time changes.
 */
final class NetworkCalls {

    /** One network with one shape of inputs. */
    record Key(String kind, Modality modality, int environmentTokens) {
        static Key of(String kind, Modality modality) {
            return new Key(kind, modality, 0);
        }
    }

    /** The rows a request gets back, once {@link #run} has run. */
    static final class Result {
        private NDArray value;

        NDArray get() {
            if (value == null) {
                throw new IllegalStateException("the network has not run yet");
            }
            return value;
        }
    }

    private record Request(NDArray[] inputs, long rows, Result result) { }

    private record Pending(Function<NDArray[], NDArray> network, List<Request> requests) { }

    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private final Map<String, Long> calls = new TreeMap<>();
    private final Map<String, Long> nanos = new TreeMap<>();
    private final ExecutorService concurrently;                                                 // null: one after another
    private long wallNanos;

    /** @param concurrently runs the networks of one phase at once; null runs them one after another */
    NetworkCalls(ExecutorService concurrently) {
        this.concurrently = concurrently;
    }

    /**
     * Asks for {@code network} on {@code inputs}, each (rows, ...) with the same rows, or null where
     * every request of the key passes null.
     */
    Result add(Key key, Function<NDArray[], NDArray> network, NDArray... inputs) {
        Result result = new Result();
        pending.computeIfAbsent(key, k -> new Pending(network, new ArrayList<>()))
                .requests().add(new Request(inputs, inputs[0].getShape().get(0), result));
        return result;
    }

    /** Runs every network asked for since the last run, once each. */
    void run() {
        long started = System.nanoTime();
        try {
            runPending();
        } finally {
            pending.clear();                                                                   // a failed step asks anew
            wallNanos += System.nanoTime() - started;
        }
    }

    private void runPending() {
        if (concurrently == null || pending.size() < 2) {
            pending.forEach((key, call) -> count(key, timed(key, call)));
            return;
        }
        Map<Key, Future<Long>> running = new LinkedHashMap<>();
        pending.forEach((key, call) -> running.put(key, concurrently.submit(() -> timed(key, call))));
        RuntimeException failure = null;
        for (Map.Entry<Key, Future<Long>> entry : running.entrySet()) {                       // every call ends before the phase does
            try {
                count(entry.getKey(), entry.getValue().get());
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException(entry.getKey() + " failed", e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.values().forEach(future -> future.cancel(false));
                throw new IllegalStateException("interrupted while the networks of a sampling step ran", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static long timed(Key key, Pending call) {
        long started = System.nanoTime();
        runOne(key, call);
        return System.nanoTime() - started;
    }

    private void count(Key key, long spentNanos) {
        calls.merge(key.kind(), 1L, Long::sum);
        nanos.merge(key.kind(), spentNanos, Long::sum);
    }

    /** One network on the concatenated inputs of its requests, its output split back to them. */
    private static void runOne(Key key, Pending call) {
        List<Request> requests = call.requests();
        if (requests.size() == 1) {
            Request only = requests.get(0);
            only.result().value = call.network().apply(only.inputs());
            return;
        }
        int arity = requests.get(0).inputs().length;
        NDArray[] batched = new NDArray[arity];
        for (int input = 0; input < arity; input++) {
            NDList parts = new NDList();
            for (Request request : requests) {
                if (request.inputs()[input] != null) {
                    parts.add(request.inputs()[input]);
                }
            }
            if (!parts.isEmpty() && parts.size() != requests.size()) {
                throw new IllegalStateException(key + ": input " + input + " is null in some requests only");
            }
            batched[input] = parts.isEmpty() ? null : NDArrays.concat(parts, 0);
        }
        NDArray output = call.network().apply(batched);                    // (Σ rows, ...)
        long[] boundaries = new long[requests.size() - 1];
        long row = 0;
        for (int r = 0; r < boundaries.length; r++) {
            row += requests.get(r).rows();
            boundaries[r] = row;
        }
        NDList split = output.split(boundaries, 0);
        for (int r = 0; r < requests.size(); r++) {
            requests.get(r).result().value = split.get(r);
        }
    }

    /** Wall time of every {@link #run} so far: the calls' time, counting once the calls that ran at once. */
    java.time.Duration wallTime() {
        return java.time.Duration.ofNanos(wallNanos);
    }

    /** Calls made so far, per network kind. */
    Map<String, Long> calls() {
        return Map.copyOf(calls);
    }

    /**
     * Time spent in those calls so far, per network kind, concatenation and split included; calls
     * that ran at once each count their own time, so the kinds may add up to more than the wall time.
     */
    Map<String, java.time.Duration> time() {
        Map<String, java.time.Duration> time = new TreeMap<>();
        nanos.forEach((kind, spent) -> time.put(kind, java.time.Duration.ofNanos(spent)));
        return time;
    }
}
