package dev.codi.world.judge;

import dev.codi.media.RgbImage;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The shape's pixels in one image: the largest 4-connected region clearly brighter than the dark
 * background. Brightness is a pixel's largest channel, since every world color has one channel
 * ≥ 180 and the background none above 40. The threshold sits halfway between the typical shape
 * and background brightness, which puts blurred edges (H.264, resizing) where they belong.
 */
record ForegroundMask(int width, int height, boolean[] inside, int count) {
    /** Anything this bright is certainly not background; only used to find the two levels. */
    private static final int SURE_FOREGROUND = 100;

    ForegroundMask {
        if (inside.length != width * height) {
            throw new IllegalArgumentException("mask of " + inside.length + " pixels for a " + width + "x" + height
                    + " image");
        }
    }

    static ForegroundMask of(RgbImage image) {
        int width = image.width();
        int height = image.height();
        int[] brightness = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                brightness[y * width + x] = Math.max(image.channel(x, y, 0),
                        Math.max(image.channel(x, y, 1), image.channel(x, y, 2)));
            }
        }
        int[] bright = histogram(brightness, true);
        int[] dark = histogram(brightness, false);
        boolean[] candidate = new boolean[brightness.length];
        if (total(bright) > 0) {
            double threshold = (median(bright) + median(dark)) / 2.0;
            for (int i = 0; i < brightness.length; i++) {
                candidate[i] = brightness[i] > threshold;
            }
        }
        return largestRegion(width, height, candidate);
    }

    boolean contains(int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height && inside[y * width + x];
    }

    boolean isEmpty() {
        return count == 0;
    }

    private static int[] histogram(int[] brightness, boolean bright) {
        int[] histogram = new int[256];
        for (int value : brightness) {
            if ((value > SURE_FOREGROUND) == bright) {
                histogram[value]++;
            }
        }
        return histogram;
    }

    private static int total(int[] histogram) {
        int total = 0;
        for (int count : histogram) {
            total += count;
        }
        return total;
    }

    private static int median(int[] histogram) {
        int half = (total(histogram) + 1) / 2;
        int seen = 0;
        for (int value = 0; value < histogram.length; value++) {
            seen += histogram[value];
            if (seen >= half) {
                return value;
            }
        }
        return 0;
    }

    private static ForegroundMask largestRegion(int width, int height, boolean[] candidate) {
        int[] label = new int[candidate.length];
        int bestLabel = 0;
        int bestSize = 0;
        int next = 0;
        Deque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < candidate.length; start++) {
            if (!candidate[start] || label[start] != 0) {
                continue;
            }
            next++;
            int size = 0;
            label[start] = next;
            queue.add(start);
            while (!queue.isEmpty()) {
                int pixel = queue.poll();
                size++;
                int x = pixel % width;
                int y = pixel / width;
                int[] neighbours = {x > 0 ? pixel - 1 : -1, x < width - 1 ? pixel + 1 : -1,
                        y > 0 ? pixel - width : -1, y < height - 1 ? pixel + width : -1};
                for (int neighbour : neighbours) {
                    if (neighbour >= 0 && candidate[neighbour] && label[neighbour] == 0) {
                        label[neighbour] = next;
                        queue.add(neighbour);
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                bestLabel = next;
            }
        }
        boolean[] inside = new boolean[candidate.length];
        for (int i = 0; i < candidate.length; i++) {
            inside[i] = bestLabel != 0 && label[i] == bestLabel;
        }
        return new ForegroundMask(width, height, inside, bestSize);
    }
}
