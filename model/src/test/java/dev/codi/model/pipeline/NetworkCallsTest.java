package dev.codi.model.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.codi.media.Modality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkCallsTest {

    @ParameterizedTest(name = "networks at once: {0}")
    @ValueSource(ints = {1, 2})
    void requestsOfOneNetworkRunAsOneCallAndEachGetsItsOwnRows(int networksAtOnce) {
        AtomicInteger imageCalls = new AtomicInteger();
        ExecutorService pool = networksAtOnce == 1 ? null : Executors.newFixedThreadPool(networksAtOnce);
        try (NDManager manager = NDManager.newBaseManager()) {
            NetworkCalls calls = new NetworkCalls(pool);
            NetworkCalls.Key image = NetworkCalls.Key.of("denoiser", Modality.IMAGE);
            NetworkCalls.Result first = calls.add(image, inputs -> {
                imageCalls.incrementAndGet();
                return inputs[0].mul(inputs[1].expandDims(1));                    // (rows, 2) × per-row scale
            }, manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)), manager.create(new float[] {10, 100}));
            NetworkCalls.Result second = calls.add(image, inputs -> {
                throw new AssertionError("the first request's network runs for the key");
            }, manager.create(new float[] {5, 6}, new Shape(1, 2)), manager.create(new float[] {1000}));
            NetworkCalls.Result audio = calls.add(NetworkCalls.Key.of("denoiser", Modality.AUDIO), inputs -> inputs[0].neg(),
                    manager.create(new float[] {7, 8}, new Shape(1, 2)), null);
            calls.run();
            assertThat(imageCalls).hasValue(1);
            assertThat(first.get().toFloatArray()).containsExactly(10, 20, 300, 400);
            assertThat(second.get().toFloatArray()).containsExactly(5000, 6000);
            assertThat(audio.get().toFloatArray()).containsExactly(-7, -8);
            assertThat(calls.calls()).containsEntry("denoiser", 2L);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void givenAnExecutorTheNetworksOfAPhaseRunAtOnce() {
        CountDownLatch bothStarted = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (NDManager manager = NDManager.newBaseManager()) {
            NetworkCalls calls = new NetworkCalls(pool);
            // each network waits for the other to start: one after another, the first would wait in vain
            NetworkCalls.Result image = calls.add(NetworkCalls.Key.of("denoiser", Modality.IMAGE),
                    inputs -> awaitOther(bothStarted, inputs[0].add(1)), manager.create(new float[] {1}, new Shape(1, 1)));
            NetworkCalls.Result audio = calls.add(NetworkCalls.Key.of("denoiser", Modality.AUDIO),
                    inputs -> awaitOther(bothStarted, inputs[0].add(2)), manager.create(new float[] {1}, new Shape(1, 1)));
            calls.run();
            assertThat(image.get().toFloatArray()).containsExactly(2);
            assertThat(audio.get().toFloatArray()).containsExactly(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNetworkThatFailsFailsThePhaseOnceEveryOtherCallOfItEnded() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicInteger audioRan = new AtomicInteger();
        try (NDManager manager = NDManager.newBaseManager()) {
            NetworkCalls calls = new NetworkCalls(pool);
            calls.add(NetworkCalls.Key.of("denoiser", Modality.IMAGE), inputs -> {
                throw new IllegalArgumentException("image denoiser: bad input");
            }, manager.create(new float[] {1}, new Shape(1, 1)));
            calls.add(NetworkCalls.Key.of("denoiser", Modality.AUDIO), inputs -> {
                audioRan.incrementAndGet();
                return inputs[0];
            }, manager.create(new float[] {1}, new Shape(1, 1)));
            assertThatThrownBy(calls::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image denoiser");
            assertThat(audioRan).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ai.djl.ndarray.NDArray awaitOther(CountDownLatch bothStarted, ai.djl.ndarray.NDArray result) {
        bothStarted.countDown();
        try {
            if (!bothStarted.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the other network never started: the calls ran one after another");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return result;
    }
}
