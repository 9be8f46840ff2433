package dev.codi.media;

/**
 * RGB <-> Y'CbCr per ITU-R BT.601-7 with 8-bit "studio" (limited) range: Y' in [16, 235],
 * Cb/Cr in [16, 240]. This is what players assume for H.264 streams that carry no colour
 * description (our SPS has none), so encoding anything else would shift colours in browsers.
 */
final class Bt601 {
    private static final double KR = 0.299;
    private static final double KB = 0.114;
    private static final double KG = 1 - KR - KB;

    private Bt601() {
    }

    /** Y' for 8-bit R, G, B. */
    static int luma(int red, int green, int blue) {
        return clamp(16 + 219 * normalisedLuma(red, green, blue));
    }

    /** Cb for 8-bit R, G, B (the chroma of one 4:2:0 block is computed from the block's mean colour). */
    static int blueDifference(double red, double green, double blue) {
        double y = normalisedLuma(red, green, blue);
        return clamp(128 + 224 * (blue / 255 - y) / (2 * (1 - KB)));
    }

    static int redDifference(double red, double green, double blue) {
        double y = normalisedLuma(red, green, blue);
        return clamp(128 + 224 * (red / 255 - y) / (2 * (1 - KR)));
    }

    /**
     * 8-bit R, G, B into {@code rgb} from Y'CbCr. {@code fullRange} is for JPEG-style streams
     * (Y' and chroma over all of 0..255), which some third-party files carry.
     */
    static void toRgb(int luma, int cb, int cr, boolean fullRange, int[] rgb) {
        double y = fullRange ? luma / 255.0 : (luma - 16) / 219.0;
        double pb = fullRange ? (cb - 128) / 255.0 : (cb - 128) / 224.0;
        double pr = fullRange ? (cr - 128) / 255.0 : (cr - 128) / 224.0;
        double red = y + 2 * (1 - KR) * pr;
        double blue = y + 2 * (1 - KB) * pb;
        double green = (y - KR * red - KB * blue) / KG;
        rgb[0] = clamp(red * 255);
        rgb[1] = clamp(green * 255);
        rgb[2] = clamp(blue * 255);
    }

    private static double normalisedLuma(double red, double green, double blue) {
        return (KR * red + KG * green + KB * blue) / 255;
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }
}
