package dev.codi.media;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Moves the 'moov' box in front of 'mdat' ("fast start", like ffmpeg's {@code -movflags
 * +faststart}), so a browser can start playing before the whole file has arrived. Moving moov
 * forward shifts the media data by moov's size, so every chunk offset in 'stco' / 'co64'
 * (ISO/IEC 14496-12 §8.7.5) is increased by that much.
 */
final class Mp4FastStart {
    private Mp4FastStart() {
    }

    /** Returns the file with moov before the first mdat; unchanged when it already is. */
    static byte[] apply(byte[] mp4) {
        List<Mp4Boxes.Box> boxes = Mp4Boxes.children(ByteBuffer.wrap(mp4), 0, mp4.length, false);
        int moovIndex = Mp4Boxes.indexOf(boxes, "moov");
        int mdatIndex = Mp4Boxes.indexOf(boxes, "mdat");
        if (moovIndex < 0 || mdatIndex < 0 || moovIndex < mdatIndex) {
            return mp4;
        }
        Mp4Boxes.Box moov = boxes.get(moovIndex);
        byte[] moovCopy = Arrays.copyOfRange(mp4, moov.offset(), moov.end());
        shiftChunkOffsets(ByteBuffer.wrap(moovCopy), 0, moovCopy.length, moov.size());

        ByteBuffer out = ByteBuffer.allocate(mp4.length);
        for (int i = 0; i < boxes.size(); i++) {
            Mp4Boxes.Box box = boxes.get(i);
            if (i == mdatIndex) {
                out.put(moovCopy);
            }
            if (i != moovIndex) {
                out.put(mp4, box.offset(), box.size());
            }
        }
        return out.array();
    }

    private static void shiftChunkOffsets(ByteBuffer buffer, int start, int end, int shift) {
        for (Mp4Boxes.Box box : Mp4Boxes.children(buffer, start, end, false)) {
            int body = box.bodyOffset();
            if (Mp4Boxes.CONTAINERS.contains(box.type())) {
                shiftChunkOffsets(buffer, body, box.end(), shift);
            } else if (box.type().equals("stco") || box.type().equals("co64")) {
                boolean wide = box.type().equals("co64");
                int entries = buffer.getInt(body + 4); // after version (1) + flags (3)
                for (int e = 0; e < entries; e++) {
                    int at = body + 8 + e * (wide ? 8 : 4);
                    if (wide) {
                        buffer.putLong(at, buffer.getLong(at) + shift);
                    } else {
                        long moved = Integer.toUnsignedLong(buffer.getInt(at)) + shift;
                        if (moved > 0xFFFF_FFFFL) {
                            throw new IllegalStateException("stco offset overflows 32 bits after moving moov");
                        }
                        buffer.putInt(at, (int) moved);
                    }
                }
            }
        }
    }
}
