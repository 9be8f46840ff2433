package dev.codi.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** ISO/IEC 14496-12 §4.2 box headers: 32-bit size + type; size 1 = 64-bit size follows, 0 = to the end. */
final class Mp4Boxes {
    /** Boxes whose body is a list of boxes, on the way from moov to the sample tables. */
    static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "stbl", "edts", "mvex");

    record Box(String type, int offset, int size, int headerSize) {
        Box {
            if (offset < 0 || size < headerSize) {
                throw new IllegalArgumentException("box '" + type + "' has an impossible size " + size);
            }
        }

        int bodyOffset() {
            return offset + headerSize;
        }

        int bodySize() {
            return size - headerSize;
        }

        int end() {
            return offset + size;
        }
    }

    private Mp4Boxes() {
    }

    /**
     * The boxes between {@code start} and {@code end}; a box that claims to run past {@code end}
     * throws IllegalArgumentException, unless {@code clampLast} lets the final box be cut short
     * (a truncated upload's mdat).
     */
    static List<Box> children(ByteBuffer buffer, int start, int end, boolean clampLast) {
        List<Box> boxes = new ArrayList<>();
        int position = start;
        while (position + 8 <= end) {
            long size = Integer.toUnsignedLong(buffer.getInt(position));
            byte[] fourcc = new byte[4];
            buffer.get(position + 4, fourcc);
            String type = new String(fourcc, StandardCharsets.ISO_8859_1);
            int headerSize = 8;
            if (size == 1) {
                if (position + 16 > end) {
                    throw new IllegalArgumentException("box '" + type + "' at " + position + " is cut off");
                }
                size = buffer.getLong(position + 8);
                headerSize = 16;
            } else if (size == 0) {
                size = end - position;
            }
            if (size < headerSize) {
                throw new IllegalArgumentException("box '" + type + "' at " + position + " declares size " + size);
            }
            if (position + size > end) {
                if (!clampLast) {
                    throw new IllegalArgumentException("box '" + type + "' at " + position + " declares " + size
                            + " bytes, only " + (end - position) + " remain");
                }
                size = end - position;
            }
            boxes.add(new Box(type, position, (int) size, headerSize));
            position += (int) size;
        }
        return boxes;
    }

    static int indexOf(List<Box> boxes, String type) {
        for (int i = 0; i < boxes.size(); i++) {
            if (boxes.get(i).type().equals(type)) {
                return i;
            }
        }
        return -1;
    }
}
