package dev.codi.evaluation.spec;

import dev.codi.media.RgbImage;
import dev.codi.world.WorldSpec;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * What the second judge and the conformance checks see of a frame: the background level (median of
 * the border ring per channel), each pixel's contrast against it (largest channel difference), and
 * the largest 4-connected region of pixels at least half as contrasting as the spec's dimmest color
 * channel over the brightest background (docs/design.md §7: every color has a channel ≥ 150, every
 * background channel ≤ 40, so a shape pixel differs by ≥ 110 and its half-covered edge by ≥ 55).
 */
record Silhouette(double[] background, double[] contrast, boolean[] mask, int left, int top, int right, int bottom, int area) {
    static final double THRESHOLD = 55;

    static Silhouette of(RgbImage image) {
        int w = image.width();
        int h = image.height();
        double[] background = new double[3];
        for (int c = 0; c < 3; c++) {
            double[] ring = new double[2 * w + 2 * h - 4];
            int k = 0;
            for (int x = 0; x < w; x++) {
                ring[k++] = image.channel(x, 0, c);
                ring[k++] = image.channel(x, h - 1, c);
            }
            for (int y = 1; y < h - 1; y++) {
                ring[k++] = image.channel(0, y, c);
                ring[k++] = image.channel(w - 1, y, c);
            }
            Arrays.sort(ring);
            background[c] = ring[ring.length / 2];
        }
        double[] contrast = new double[w * h];
        boolean[] candidate = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double most = 0;
                for (int c = 0; c < 3; c++) {
                    most = Math.max(most, image.channel(x, y, c) - background[c]);
                }
                contrast[y * w + x] = most;
                candidate[y * w + x] = most >= THRESHOLD;
            }
        }
        boolean[] mask = largestRegion(candidate, w, h);
        int left = w;
        int top = h;
        int right = -1;
        int bottom = -1;
        int area = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x]) {
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    area++;
                }
            }
        }
        return new Silhouette(background, contrast, mask, left, top, right, bottom, area);
    }

    boolean empty() {
        return area == 0;
    }

    int width() {
        return right - left + 1;
    }

    int height() {
        return bottom - top + 1;
    }

    /** Centre of the region, weighted by contrast (sub-pixel for anti-aliased edges). */
    double[] centroid() {
        int w = WorldSpec.IMAGE_SIZE;
        double sx = 0;
        double sy = 0;
        double sum = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                sx += contrast[i] * (i % w);
                sy += contrast[i] * (i / w);
                sum += contrast[i];
            }
        }
        return new double[] {sx / sum, sy / sum};
    }

    private static boolean[] largestRegion(boolean[] candidate, int w, int h) {
        int[] label = new int[candidate.length];
        int best = 0;
        int bestSize = 0;
        int next = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < candidate.length; start++) {
            if (!candidate[start] || label[start] != 0) {
                continue;
            }
            next++;
            int size = 0;
            label[start] = next;
            queue.add(start);
            while (!queue.isEmpty()) {
                int i = queue.poll();
                size++;
                int x = i % w;
                int y = i / w;
                int[] neighbours = {x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1};
                for (int n : neighbours) {
                    if (n >= 0 && candidate[n] && label[n] == 0) {
                        label[n] = next;
                        queue.add(n);
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                best = next;
            }
        }
        boolean[] mask = new boolean[candidate.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = best != 0 && label[i] == best;
        }
        return mask;
    }
}
