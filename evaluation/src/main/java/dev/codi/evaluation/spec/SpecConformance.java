package dev.codi.evaluation.spec;

import dev.codi.media.AudioClip;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.world.Captions;
import dev.codi.world.WorldSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether an artifact keeps the fixed column of the world spec (docs/design.md §7.1), property by
 * property. Each check returns the properties it breaks, empty when the artifact conforms. Lossy
 * formats (the MP4 artifact, JPEG) and anti-aliased edges move a measurement by a fraction of a
 * pixel or a few levels, so every bound carries the tolerance stated next to it.
 */
public final class SpecConformance {
    /**
     * A pixel and a half either way on a shape's sub-pixel extent: H.264's half-resolution chroma
     * bleeds a saturated color (purple, blue) into the pixels beside the shape, and smears the thin
     * corners of a triangle's base, so a true 20 px square reads up to 21 px and a true 12 px
     * triangle down to 10.9 px (measured on true renderings through MP4).
     */
    static final double EXTENT_TOLERANCE = 1.5;
    /** The background: the 95th percentile of its brightest channel, ≤ 40 (codec ringing near the shape). */
    static final double BACKGROUND_PERCENTILE = 0.95;
    /** Per-frame steps within [1 − 0.5, 2 + 0.5] px, mean speed within [1 − 0.15, 2 + 0.15]. */
    static final double STEP_TOLERANCE = 0.5;
    static final double SPEED_TOLERANCE = 0.15;
    /** Peak between −12 and 0 dBFS; at most 0.1 % of samples at full scale (clipped). */
    static final double MIN_PEAK = Math.pow(10, -12 / 20.0);
    static final double MAX_CLIPPED_SHARE = 0.001;

    private SpecConformance() {
    }

    public static List<String> text(String caption) {
        return Captions.isWellFormed(caption) ? List.of() : List.of("well-formed caption");
    }

    public static List<String> image(RgbImage image) {
        List<String> broken = new ArrayList<>();
        Silhouette silhouette = Silhouette.of(image);
        if (silhouette.empty()) {
            return List.of("one shape");
        }
        checkShape(image, silhouette, broken);
        return broken;
    }

    private static void checkShape(RgbImage image, Silhouette silhouette, List<String> broken) {
        double[] extent = extent(silhouette, image.width());
        if (outside(extent[0]) || outside(extent[1])) {
            broken.add("bounding box 12–20 px");
        }
        // one shape: the largest region holds nearly every contrasting pixel
        int contrasting = 0;
        for (double c : silhouette.contrast()) {
            contrasting += c >= Silhouette.THRESHOLD ? 1 : 0;
        }
        if (silhouette.area() < 0.9 * contrasting) {
            broken.add("one shape");
        }
        if (brightBackground(image, silhouette)) {
            broken.add("dark background");
        }
    }

    private static boolean outside(double size) {
        return size < WorldSpec.MIN_SHAPE_SIZE - EXTENT_TOLERANCE || size > WorldSpec.MAX_SHAPE_SIZE + EXTENT_TOLERANCE;
    }

    /** Sub-pixel width and height: per column (row) the largest coverage, summed, over the box grown by a pixel. */
    static double[] extent(Silhouette silhouette, int side) {
        double[] contrast = silhouette.contrast();
        double[] inRegion = new double[silhouette.area()];
        int n = 0;
        for (int i = 0; i < contrast.length; i++) {
            if (silhouette.mask()[i]) {
                inRegion[n++] = contrast[i];
            }
        }
        Arrays.sort(inRegion);
        double full = inRegion[(int) (inRegion.length * 0.75)];
        int x0 = Math.max(0, silhouette.left() - 1);
        int x1 = Math.min(side - 1, silhouette.right() + 1);
        int y0 = Math.max(0, silhouette.top() - 1);
        int y1 = Math.min(contrast.length / side - 1, silhouette.bottom() + 1);
        double[] columns = new double[x1 - x0 + 1];
        double[] rows = new double[y1 - y0 + 1];
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double coverage = Math.max(0, Math.min(1, contrast[y * side + x] / full));
                columns[x - x0] = Math.max(columns[x - x0], coverage);
                rows[y - y0] = Math.max(rows[y - y0], coverage);
            }
        }
        return new double[] {Arrays.stream(columns).sum(), Arrays.stream(rows).sum()};
    }

    private static boolean brightBackground(RgbImage image, Silhouette silhouette) {
        List<Integer> levels = new ArrayList<>();
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                boolean nearShape = x >= silhouette.left() - 2 && x <= silhouette.right() + 2
                        && y >= silhouette.top() - 2 && y <= silhouette.bottom() + 2;
                if (!nearShape) {
                    levels.add(Math.max(image.channel(x, y, 0), Math.max(image.channel(x, y, 1), image.channel(x, y, 2))));
                }
            }
        }
        if (levels.isEmpty()) {
            return false;
        }
        levels.sort(null);
        return levels.get((int) Math.floor(BACKGROUND_PERCENTILE * (levels.size() - 1))) > WorldSpec.BACKGROUND_MAX;
    }

    public static List<String> video(VideoClip video) {
        List<String> broken = new ArrayList<>();
        if (video.frames().size() != WorldSpec.VIDEO_FRAMES) {
            return List.of(WorldSpec.VIDEO_FRAMES + " frames");
        }
        List<double[]> centroids = new ArrayList<>();
        double smallest = Double.POSITIVE_INFINITY;
        double largest = 0;
        for (RgbImage frame : video.frames()) {
            Silhouette silhouette = Silhouette.of(frame);
            if (silhouette.empty()) {
                return List.of("one shape");
            }
            List<String> frameBroken = new ArrayList<>();
            checkShape(frame, silhouette, frameBroken);
            frameBroken.stream().filter(p -> !broken.contains(p)).forEach(broken::add);
            double[] extent = extent(silhouette, frame.width());
            smallest = Math.min(smallest, Math.max(extent[0], extent[1]));
            largest = Math.max(largest, Math.max(extent[0], extent[1]));
            centroids.add(silhouette.centroid());
        }
        if (largest - smallest > 2) {
            broken.add("same size in every frame");
        }
        double[] first = centroids.get(0);
        double[] last = centroids.get(centroids.size() - 1);
        boolean horizontal = Math.abs(last[0] - first[0]) >= Math.abs(last[1] - first[1]);
        int along = horizontal ? 0 : 1;
        int across = 1 - along;
        double travel = Math.abs(last[along] - first[along]);
        double speed = travel / (WorldSpec.VIDEO_FRAMES - 1);
        boolean stepsWithin = true;
        for (int f = 1; f < centroids.size(); f++) {
            double step = (centroids.get(f)[along] - centroids.get(f - 1)[along]) * Math.signum(last[along] - first[along]);
            stepsWithin &= step >= WorldSpec.MIN_SPEED - STEP_TOLERANCE && step <= WorldSpec.MAX_SPEED + STEP_TOLERANCE;
        }
        if (!stepsWithin || speed < WorldSpec.MIN_SPEED - SPEED_TOLERANCE || speed > WorldSpec.MAX_SPEED + SPEED_TOLERANCE) {
            broken.add("1–2 px per frame");
        }
        if (travel < WorldSpec.MIN_TRAVEL - STEP_TOLERANCE) {
            broken.add("≥ 7 px in all");
        }
        if (Math.abs(last[across] - first[across]) > 1.5) {
            broken.add("one direction");
        }
        return broken;
    }

    public static List<String> audio(AudioClip clip) {
        List<String> broken = new ArrayList<>();
        if (clip.sampleRate() < WorldSpec.MIN_AUDIO_RATE) {
            broken.add("≥ 8 kHz");
        }
        if (Math.abs(clip.samples().length / (double) clip.sampleRate() - WorldSpec.AUDIO_SECONDS) > 0.01) {
            broken.add("1.0 s");
        }
        double peak = 0;
        int clipped = 0;
        for (float sample : clip.samples()) {
            peak = Math.max(peak, Math.abs(sample));
            clipped += Math.abs(sample) >= 0.999 ? 1 : 0;
        }
        if (peak < MIN_PEAK || clipped > MAX_CLIPPED_SHARE * clip.samples().length) {
            broken.add("level −12 to 0 dBFS, unclipped");
        }
        return broken;
    }

    /** Counts of broken properties over many artifacts of one kind, for the report. */
    public static final class Tally {
        private int artifacts;
        private int conforming;
        private final Map<String, Integer> broken = new LinkedHashMap<>();

        public void add(List<String> brokenProperties) {
            artifacts++;
            conforming += brokenProperties.isEmpty() ? 1 : 0;
            brokenProperties.forEach(p -> broken.merge(p, 1, Integer::sum));
        }

        public int artifacts() {
            return artifacts;
        }

        public double share() {
            return artifacts == 0 ? Double.NaN : conforming / (double) artifacts;
        }

        /** "bounding box 12–20 px ×7, …" or "–". */
        public String brokenSummary() {
            return broken.isEmpty() ? "–" : broken.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                    .reduce((a, b) -> a + ", " + b).orElse("–");
        }
    }
}
