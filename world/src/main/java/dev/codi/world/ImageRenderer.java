package dev.codi.world;

import dev.codi.media.RgbImage;
import java.util.Random;

/** Draws one filled shape on a backdrop: the only place pixels of the world are made. */
final class ImageRenderer {
    private ImageRenderer() {
    }

    /**
     * @param left column of the bounding box's left edge
     * @param top  row of the bounding box's top edge
     */
    static RgbImage draw(Color color, Shape shape, int size, int left, int top, Backdrop backdrop, Random random) {
        int side = WorldSpec.IMAGE_SIZE;
        if (left < 0 || top < 0 || left + size > side || top + size > side) {
            throw new IllegalArgumentException("a " + size + " px shape at (" + left + ", " + top
                    + ") does not fit inside the " + side + " px frame");
        }
        RgbImage image = RgbImage.blank(side, side);
        int shapeNoise = backdrop.noise() / 2;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                if (ShapeMask.covers(shape, size, x - left, y - top)) {
                    image.set(x, y,
                            color.red() + jitter(shapeNoise, random),
                            color.green() + jitter(shapeNoise, random),
                            color.blue() + jitter(shapeNoise, random));
                } else {
                    image.set(x, y,
                            background(backdrop.red(), backdrop.noise(), random),
                            background(backdrop.green(), backdrop.noise(), random),
                            background(backdrop.blue(), backdrop.noise(), random));
                }
            }
        }
        return image;
    }

    private static int background(int base, int noise, Random random) {
        return Math.max(0, Math.min(WorldSpec.BACKGROUND_MAX, base + jitter(noise, random)));
    }

    private static int jitter(int amplitude, Random random) {
        return amplitude == 0 ? 0 : random.nextInt(-amplitude, amplitude + 1);
    }
}
