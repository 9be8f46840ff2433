package dev.codi.model.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.codi.media.Modality;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkCallsTest {

    @Test
    void requestsOfOneNetworkRunAsOneCallAndEachGetsItsOwnRows() {
        AtomicInteger imageCalls = new AtomicInteger();
        try (NDManager manager = NDManager.newBaseManager()) {
            NetworkCalls calls = new NetworkCalls();
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
        }
    }
}
