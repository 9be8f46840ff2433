package dev.codi.media;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/** Conversions between our {@link RgbImage} and AWT's {@link BufferedImage}. */
final class BufferedImages {
    private BufferedImages() {
    }

    static BufferedImage toBufferedImage(RgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        int[] row = new int[image.width()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                row[x] = image.channel(x, y, 0) << 16 | image.channel(x, y, 1) << 8 | image.channel(x, y, 2);
            }
            out.setRGB(0, y, image.width(), 1, row, 0, image.width());
        }
        return out;
    }

    /**
     * Any decoded image (RGB, RGBA, grayscale, palette, 16-bit) as 8-bit RGB, alpha composited on
     * black: out = colour * alpha / 255.
     */
    static RgbImage toRgbImage(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        RgbImage out = RgbImage.blank(width, height);
        if (isGray(image)) {
            copyGray(image, out);
            return out;
        }
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                int alpha = argb >>> 24;
                out.set(x, y, premultiply(argb >> 16 & 0xFF, alpha), premultiply(argb >> 8 & 0xFF, alpha),
                        premultiply(argb & 0xFF, alpha));
            }
        }
        return out;
    }

    /**
     * Grayscale images are read from the raster: going through getRGB would convert AWT's linear
     * CS_GRAY to sRGB and brighten every value, while PNG gray samples are already display values.
     */
    private static void copyGray(BufferedImage image, RgbImage out) {
        Raster raster = image.getRaster();
        boolean hasAlpha = image.getColorModel().hasAlpha();
        int grayMax = (1 << image.getColorModel().getComponentSize(0)) - 1;
        int alphaMax = hasAlpha ? (1 << image.getColorModel().getComponentSize(1)) - 1 : 1;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                double gray = raster.getSample(x, y, 0) * 255.0 / grayMax;
                double alpha = hasAlpha ? raster.getSample(x, y, 1) / (double) alphaMax : 1.0;
                int value = (int) Math.round(gray * alpha);
                out.set(x, y, value, value, value);
            }
        }
    }

    private static boolean isGray(BufferedImage image) {
        var model = image.getColorModel();
        return model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(model instanceof java.awt.image.IndexColorModel)
                && image.getRaster().getNumBands() == model.getNumComponents();
    }

    private static int premultiply(int channel, int alpha) {
        return (channel * alpha + 127) / 255;
    }
}
