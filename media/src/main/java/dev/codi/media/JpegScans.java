package dev.codi.media;

import java.nio.ByteBuffer;

/**
 * Counts the scans (SOS markers) of a JPEG by walking its marker segments (ITU-T T.81 §B.1):
 * a progressive JPEG may hold any number of scans and the decoder makes a pass over the whole
 * picture for each, so their count is a cost that the file size does not bound.
 */
final class JpegScans {
    private static final int START_OF_SCAN = 0xDA;
    private static final int END_OF_IMAGE = 0xD9;

    private JpegScans() {
    }

    /** Throws as soon as more scans than the limit are seen; malformed structure is left to the decoder. */
    static int check(ByteBuffer jpeg, MediaLimits limits) throws MediaDecodeException {
        int limit = jpeg.limit();
        int scans = 0;
        int position = 2; // after SOI
        while (position + 1 < limit) {
            if ((jpeg.get(position) & 0xFF) != 0xFF) {
                return scans;
            }
            int marker = jpeg.get(position + 1) & 0xFF;
            if (marker == 0xFF) {
                position++; // fill byte
                continue;
            }
            if (marker == END_OF_IMAGE) {
                return scans;
            }
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                position += 2; // TEM and RSTn carry no length
                continue;
            }
            if (position + 3 >= limit) {
                return scans;
            }
            int length = (jpeg.get(position + 2) & 0xFF) << 8 | jpeg.get(position + 3) & 0xFF;
            if (length < 2) {
                return scans;
            }
            position += 2 + length;
            if (marker == START_OF_SCAN) {
                limits.checkJpegScans(++scans);
                position = endOfEntropyCodedData(jpeg, position);
            }
        }
        return scans;
    }

    /** In entropy-coded data 0xFF is followed by 0x00 (a stuffed byte) or RSTn; anything else is a marker. */
    private static int endOfEntropyCodedData(ByteBuffer jpeg, int position) {
        int limit = jpeg.limit();
        while (position + 1 < limit) {
            if ((jpeg.get(position) & 0xFF) == 0xFF) {
                int next = jpeg.get(position + 1) & 0xFF;
                if (next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7)) {
                    return position;
                }
            }
            position++;
        }
        return limit;
    }
}
