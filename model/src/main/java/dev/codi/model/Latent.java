package dev.codi.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A latent tensor, row-major float32, e.g. image (4, 8, 8). Serialised for the claim check as
 * "CLAT", rank, dims, then values, all little-endian.
 */
public record Latent(int[] shape, float[] values) {
    private static final int MAGIC = 0x54414C43; // "CLAT" little-endian

    public Latent {
        shape = shape.clone();
        long size = 1;
        for (int dimension : shape) {
            if (dimension <= 0) {
                throw new IllegalArgumentException("latent dimensions must be positive, got " + Arrays.toString(shape));
            }
            size *= dimension;
        }
        if (size != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size + " values, got " + values.length);
        }
    }

    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 4 * shape.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(MAGIC).putInt(shape.length);
        for (int dimension : shape) {
            buffer.putInt(dimension);
        }
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    public static Latent fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 8 || buffer.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a serialised latent (bad magic)");
        }
        int rank = buffer.getInt();
        if (rank < 1 || rank > 8 || buffer.remaining() < 4 * rank) {
            throw new IllegalArgumentException("not a serialised latent (rank " + rank + ")");
        }
        int[] shape = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = buffer.getInt();
            size *= Math.max(shape[i], 1);
        }
        if (buffer.remaining() != 4 * size) {
            throw new IllegalArgumentException("serialised latent of shape " + Arrays.toString(shape) + " has "
                    + buffer.remaining() + " bytes of values, expected " + 4 * size);
        }
        float[] values = new float[(int) size];
        buffer.asFloatBuffer().get(values);
        return new Latent(shape, values);
    }
}
