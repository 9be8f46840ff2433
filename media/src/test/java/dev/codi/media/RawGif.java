package dev.codi.media;

import java.io.ByteArrayOutputStream;

/**
 * Writes GIF89a bytes by hand (spec §17-§23) so tests control offsets, disposal and
 * transparency exactly, which ImageIO's writer does not let us do reliably. The LZW data
 * sends a clear code before every pixel, so the code size never grows ("uncompressed GIF").
 */
final class RawGif {
    /** Global palette: 0 black, 1 red, 2 blue, 3 green. */
    static final int[][] PALETTE = {{0, 0, 0}, {220, 40, 40}, {40, 90, 220}, {40, 180, 60}};
    private static final int MIN_CODE_SIZE = 2;
    private static final int CLEAR = 1 << MIN_CODE_SIZE;
    private static final int END = CLEAR + 1;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    RawGif(int width, int height) {
        out.writeBytes("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        short16(width);
        short16(height);
        out.write(0x80 | 0x01); // global colour table, 2^(1+1) = 4 entries
        out.write(0);           // background index
        out.write(0);           // aspect ratio
        for (int[] colour : PALETTE) {
            out.write(colour[0]);
            out.write(colour[1]);
            out.write(colour[2]);
        }
    }

    /** disposal: 1 none, 2 restore to background, 3 restore to previous; transparent -1 for none. */
    RawGif frame(int left, int top, int width, int height, int disposal, int transparent, int delay,
            int... indices) {
        out.write(0x21);
        out.write(0xF9);
        out.write(4);
        out.write(disposal << 2 | (transparent >= 0 ? 1 : 0));
        short16(delay);
        out.write(Math.max(0, transparent));
        out.write(0);
        out.write(0x2C);
        short16(left);
        short16(top);
        short16(width);
        short16(height);
        out.write(0);
        out.write(MIN_CODE_SIZE);
        writeSubBlocks(lzw(indices));
        return this;
    }

    byte[] finish() {
        out.write(0x3B);
        return out.toByteArray();
    }

    private static byte[] lzw(int[] indices) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int codeSize = MIN_CODE_SIZE + 1;
        long buffer = 0;
        int bits = 0;
        int[] codes = new int[indices.length * 2 + 1];
        for (int i = 0; i < indices.length; i++) {
            codes[2 * i] = CLEAR;
            codes[2 * i + 1] = indices[i];
        }
        codes[codes.length - 1] = END;
        for (int code : codes) {
            buffer |= (long) code << bits; // codes are packed least significant bit first
            bits += codeSize;
            while (bits >= 8) {
                bytes.write((int) (buffer & 0xFF));
                buffer >>>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) {
            bytes.write((int) buffer);
        }
        return bytes.toByteArray();
    }

    private void writeSubBlocks(byte[] data) {
        for (int offset = 0; offset < data.length; offset += 255) {
            int length = Math.min(255, data.length - offset);
            out.write(length);
            out.write(data, offset, length);
        }
        out.write(0);
    }

    private void short16(int value) {
        out.write(value & 0xFF);
        out.write(value >> 8 & 0xFF);
    }
}
