package dev.codi.model;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatentTest {
    @Test
    void roundTripKeepsShapeAndBits() {
        float[] values = new float[8 * 4 * 8 * 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i) * 3;
        }
        values[5] = Float.MIN_VALUE;
        values[6] = -0.0f;
        Latent latent = new Latent(new int[] {8, 4, 8, 8}, values);
        byte[] bytes = latent.toBytes();
        assertThat(bytes).hasSize(8 + 4 * 4 + 4 * values.length);
        Latent back = Latent.fromBytes(bytes);
        assertThat(back.shape()).containsExactly(8, 4, 8, 8);
        assertThat(Arrays.equals(back.values(), values)).isTrue(); // bitwise, incl. -0.0
    }

    @Test
    void rejectsTruncatedOrForeignBytes() {
        byte[] bytes = new Latent(new int[] {4}, new float[] {1, 2, 3, 4}).toBytes();
        assertThatThrownBy(() -> Latent.fromBytes(Arrays.copyOf(bytes, bytes.length - 1))).hasMessageContaining("expected 16");
        bytes[0] = 'X';
        assertThatThrownBy(() -> Latent.fromBytes(bytes)).hasMessageContaining("bad magic");
    }
}
