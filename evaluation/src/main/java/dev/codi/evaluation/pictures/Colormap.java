package dev.codi.evaluation.pictures;

/**
 * A perceptually ordered colormap for magnitudes: linear interpolation between five anchor colours
 * sampled from matplotlib's "viridis" at 0, ¼, ½, ¾ and 1.
 */
final class Colormap {
    private static final int[][] ANCHORS = {
            {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};

    private Colormap() {
    }

    /** The RGB of {@code value} in [0, 1] (clamped). */
    static int rgb(double value) {
        double v = Math.max(0, Math.min(1, Double.isNaN(value) ? 0 : value)) * (ANCHORS.length - 1);
        int low = Math.min((int) Math.floor(v), ANCHORS.length - 2);
        double t = v - low;
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
            int channel = (int) Math.round(ANCHORS[low][c] + t * (ANCHORS[low + 1][c] - ANCHORS[low][c]));
            rgb = rgb << 8 | channel;
        }
        return rgb;
    }
}
