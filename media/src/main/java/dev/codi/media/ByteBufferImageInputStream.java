package dev.codi.media;

import java.nio.ByteBuffer;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An ImageIO input over a {@link ByteBuffer} (a heap array or a memory-mapped upload) that reads
 * in place: unlike {@code MemoryCacheImageInputStream}, nothing is copied into a cache.
 */
final class ByteBufferImageInputStream extends ImageInputStreamImpl {
    private final ByteBuffer bytes;

    ByteBufferImageInputStream(ByteBuffer bytes) {
        this.bytes = bytes.duplicate();
        this.bytes.position(0);
    }

    @Override
    public int read() {
        checkClosedUnchecked();
        bitOffset = 0;
        if (streamPos >= bytes.limit()) {
            return -1;
        }
        return bytes.get((int) streamPos++) & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        checkClosedUnchecked();
        bitOffset = 0;
        if (streamPos >= bytes.limit()) {
            return length == 0 ? 0 : -1;
        }
        int count = (int) Math.min(length, bytes.limit() - streamPos);
        bytes.get((int) streamPos, buffer, offset, count);
        streamPos += count;
        return count;
    }

    @Override
    public long length() {
        return bytes.limit();
    }

    private void checkClosedUnchecked() {
        try {
            checkClosed();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
