package dev.codi.launcher;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Decompression bombs built in code (small files within every per-dimension limit that ask for
 * gigabytes once decoded), so the repository holds no large test files.
 */
final class Bombs {
    private Bombs() {
    }

    /** A GIF89a screen of width x height with {@code frames} opaque 1x1 frames, 5 cs apart (GIF89a §18–§23). */
    static byte[] onePixelFrames(int width, int height, int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        short16(out, width);
        short16(out, height);
        out.write(0x80);          // global colour table of 2 entries
        out.write(0);
        out.write(0);
        out.writeBytes(new byte[] {0, 0, 0, (byte) 220, 40, 40});
        for (int f = 0; f < frames; f++) {
            out.writeBytes(new byte[] {0x21, (byte) 0xF9, 4, 1 << 2, 5, 0, 0, 0}); // keep, 5 cs
            out.write(0x2C);
            short16(out, f % width);
            short16(out, 0);
            short16(out, 1);
            short16(out, 1);
            out.write(0);
            out.write(2);                                  // LZW minimum code size
            out.writeBytes(new byte[] {2, 0x4C, 0x01, 0}); // clear, index 1, end (3-bit codes)
        }
        out.write(0x3B);
        return out.toByteArray();
    }

    /** A PNG of zeros (PNG spec §11.2.2), colour type 6 = RGBA. */
    static byte[] zeroPng(int width, int height, int bitDepth) {
        int rowBytes = 1 + width * 4 * bitDepth / 8;
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[rowBytes];
        byte[] buffer = new byte[64 * 1024];
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) 6)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    /** A second of 16-bit PCM silence with {@code channels} channels. */
    static byte[] wav(int channels, int rate) {
        int dataBytes = Math.min(rate, 8000) * channels * 2;
        ByteBuffer out = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(ascii("RIFF")).putInt(36 + dataBytes).put(ascii("WAVE"));
        out.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        out.put(ascii("data")).putInt(dataBytes);
        return out.array();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(ascii(type));
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(ascii(type));
        png.writeBytes(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static void short16(ByteArrayOutputStream out, int value) {
        out.write(value & 0xFF);
        out.write(value >> 8 & 0xFF);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
