package dev.codi.world;

/**
 * Which pixels of a {@code size × size} bounding box a shape fills. The generator draws with it and
 * the judge matches against it, so both agree on what a "triangle" is down to the pixel.
 */
public final class ShapeMask {
    private ShapeMask() {
    }

    /**
     * True when pixel ({@code col}, {@code row}) of the box is filled; a pixel is tested at its
     * centre (col + ½, row + ½). Every shape touches all four sides of its box.
     */
    public static boolean covers(Shape shape, int size, int col, int row) {
        if (col < 0 || row < 0 || col >= size || row >= size) {
            return false;
        }
        double x = col + 0.5;
        double y = row + 0.5;
        double half = size / 2.0;
        return switch (shape) {
            case SQUARE -> true;
            // radius ½·size: the middle row and column reach the box edges.
            case CIRCLE -> (x - half) * (x - half) + (y - half) * (y - half) <= half * half;
            // apex up: row r spans a half-width of (r + 1)/2, so the top row has one or two pixels
            // and the bottom row is the full base.
            case TRIANGLE -> Math.abs(x - half) <= (row + 1) / 2.0;
            case CROSS -> {
                int arm = armWidth(size);
                int start = (size - arm) / 2;
                boolean inVerticalArm = col >= start && col < start + arm;
                boolean inHorizontalArm = row >= start && row < start + arm;
                yield inVerticalArm || inHorizontalArm;
            }
        };
    }

    /** The cross's arm width: a third of the size, rounded. */
    public static int armWidth(int size) {
        return Math.round(size / 3f);
    }

    /** Filled pixels over box pixels: about π/4, 1, ½ and 5/9 for circle, square, triangle, cross. */
    public static double fillRatio(Shape shape, int size) {
        int filled = 0;
        for (int row = 0; row < size; row++) {
            for (int col = 0; col < size; col++) {
                if (covers(shape, size, col, row)) {
                    filled++;
                }
            }
        }
        return filled / (double) (size * size);
    }
}
