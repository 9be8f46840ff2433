package dev.codi.media;

/**
 * An RGB image with 8-bit channels, row-major, interleaved: {@code pixels[(y * width + x) * 3 + c]}.
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("expected " + width * height * 3 + " bytes of RGB, got " + pixels.length);
        }
    }

    public static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new byte[width * height * 3]);
    }

    /** Channel value 0..255 of pixel (x, y), channel 0 = red, 1 = green, 2 = blue. */
    public int channel(int x, int y, int channel) {
        return pixels[(y * width + x) * 3 + channel] & 0xFF;
    }

    public void set(int x, int y, int red, int green, int blue) {
        int offset = (y * width + x) * 3;
        pixels[offset] = (byte) clamp(red);
        pixels[offset + 1] = (byte) clamp(green);
        pixels[offset + 2] = (byte) clamp(blue);
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
