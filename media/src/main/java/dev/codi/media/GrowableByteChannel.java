package dev.codi.media;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jcodec.common.io.SeekableByteChannel;

/**
 * An in-memory seekable channel that grows as it is written, for jcodec's muxer (which writes
 * the media data, then seeks back to patch box sizes). jcodec's own ByteBufferSeekableByteChannel
 * has a fixed capacity that would have to be guessed up front.
 */
final class GrowableByteChannel implements SeekableByteChannel {
    private byte[] data = new byte[64 * 1024];
    private int size;
    private int position;
    private boolean open = true;

    /** Everything written so far. */
    byte[] toByteArray() {
        return Arrays.copyOf(data, size);
    }

    @Override
    public int write(ByteBuffer source) {
        int count = source.remaining();
        int end = Math.addExact(position, count);
        if (end > data.length) {
            data = Arrays.copyOf(data, Math.max(end, (int) Math.min(Integer.MAX_VALUE - 8, data.length * 2L)));
        }
        source.get(data, position, count);
        position = end;
        size = Math.max(size, end);
        return count;
    }

    @Override
    public int read(ByteBuffer target) {
        if (position >= size) {
            return -1;
        }
        int count = Math.min(target.remaining(), size - position);
        target.put(data, position, count);
        position += count;
        return count;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel setPosition(long newPosition) {
        position = Math.toIntExact(newPosition);
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        size = (int) Math.min(size, newSize);
        position = Math.min(position, size);
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
