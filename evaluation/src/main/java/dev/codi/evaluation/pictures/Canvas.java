package dev.codi.evaluation.pictures;

import dev.codi.media.RgbImage;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Drawing helpers shared by the pictures: nearest-neighbour upscaling, text labels when the JVM
 * can render fonts headless (it needs fontconfig and a font; without them the report prints a
 * legend instead), PNG output.
 */
public final class Canvas {
    static final Color BACKGROUND = new Color(24, 24, 28);
    static final Color INK = new Color(230, 230, 230);
    static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final boolean FONTS = probeFonts();

    private Canvas() {
    }

    /** Whether labels are drawn into the pictures; when false the report carries a legend. */
    public static boolean fontsWork() {
        return FONTS;
    }

    public static BufferedImage blank(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    /** Copies {@code source} into {@code target} at (left, top), each pixel as a scale × scale block. */
    public static void paintScaled(BufferedImage target, RgbImage source, int left, int top, int scale) {
        for (int y = 0; y < source.height(); y++) {
            for (int x = 0; x < source.width(); x++) {
                int rgb = source.channel(x, y, 0) << 16 | source.channel(x, y, 1) << 8 | source.channel(x, y, 2);
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        target.setRGB(left + x * scale + dx, top + y * scale + dy, rgb);
                    }
                }
            }
        }
    }

    /** Draws a label whose baseline is at (left, baseline); does nothing when fonts do not work. */
    public static void label(BufferedImage target, String text, int left, int baseline) {
        if (!FONTS) {
            return;
        }
        Graphics2D g = target.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(FONT);
        g.setColor(INK);
        g.drawString(text, left, baseline);
        g.dispose();
    }

    public static void writePng(BufferedImage image, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Headless JVMs without fontconfig or fonts throw from the first drawString (an Error, not an exception). */
    private static boolean probeFonts() {
        try {
            BufferedImage probe = new BufferedImage(40, 16, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = probe.createGraphics();
            g.setFont(FONT);
            g.setColor(Color.WHITE);
            g.drawString("Ag", 2, 12);
            g.dispose();
            for (int y = 0; y < probe.getHeight(); y++) {
                for (int x = 0; x < probe.getWidth(); x++) {
                    if ((probe.getRGB(x, y) & 0xFFFFFF) != 0) {
                        return true;
                    }
                }
            }
            return false;
        } catch (Throwable e) { // InternalError / UnsatisfiedLinkError from fontconfig, NPE from font managers
            return false;
        }
    }
}
