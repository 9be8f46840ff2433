package dev.codi.evaluation.pictures;

import dev.codi.media.RgbImage;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Rows of small images, upscaled by nearest neighbour so 32×32 pixels stay visible, each row under
 * its label: the sample grid (a prompt's outputs for several seeds) and the video frame strips (a
 * clip's frames left to right) are both this.
 */
public final class ImageGrid {
    public static final int GAP = 4;
    public static final int LABEL_HEIGHT = 18;

    /** One row: its label and its images, all of the same size. */
    public record Row(String label, List<RgbImage> images) {
        public Row {
            images = List.copyOf(images);
            if (images.isEmpty()) {
                throw new IllegalArgumentException("a grid row needs at least one image");
            }
        }
    }

    private ImageGrid() {
    }

    /** Width and height of the picture for {@code rows} × {@code columns} cells of {@code cell} pixels. */
    public static int[] size(int rows, int columns, int cellWidth, int cellHeight) {
        return new int[] {GAP + columns * (cellWidth + GAP), GAP + rows * (LABEL_HEIGHT + cellHeight + GAP)};
    }

    public static BufferedImage draw(List<Row> rows, int scale) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a grid needs at least one row");
        }
        RgbImage first = rows.get(0).images().get(0);
        int cellWidth = first.width() * scale;
        int cellHeight = first.height() * scale;
        int columns = rows.stream().mapToInt(row -> row.images().size()).max().orElseThrow();
        int[] size = size(rows.size(), columns, cellWidth, cellHeight);
        BufferedImage picture = Canvas.blank(size[0], size[1]);
        for (int r = 0; r < rows.size(); r++) {
            int top = GAP + r * (LABEL_HEIGHT + cellHeight + GAP);
            Canvas.label(picture, (r + 1) + ". " + rows.get(r).label(), GAP, top + LABEL_HEIGHT - 5);
            List<RgbImage> images = rows.get(r).images();
            for (int c = 0; c < images.size(); c++) {
                RgbImage image = images.get(c);
                if (image.width() != first.width() || image.height() != first.height()) {
                    throw new IllegalArgumentException("grid images must share one size, got " + image.width() + "×" + image.height()
                            + " and " + first.width() + "×" + first.height());
                }
                Canvas.paintScaled(picture, image, GAP + c * (cellWidth + GAP), top + LABEL_HEIGHT, scale);
            }
        }
        return picture;
    }

    public static void write(List<Row> rows, int scale, Path file) {
        Canvas.writePng(draw(rows, scale), file);
    }
}
