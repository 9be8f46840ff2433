package dev.codi.evaluation.spec;

import dev.codi.media.AudioClip;
import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.media.Mp4Codec;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.media.WavCodec;
import dev.codi.world.Captions;
import dev.codi.world.Color;
import dev.codi.world.Combination;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import dev.codi.world.WorldSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * A second renderer of the Shapes &amp; Tones world, written from the spec's table alone
 * (docs/design.md §7 and §7.1) and sharing no code with the project's generator: it takes only the
 * fixed values (colors' RGB and pitches, shapes, timbres' harmonic series, motions, sizes) and makes
 * its own free choices, most of them ones the generator never makes:
 * <ul>
 *   <li>images: the shape's ideal outline, sampled once per pixel (hard edges) or 4×4 times
 *       (anti-aliased), at a real-valued position; size 12–20 px; backgrounds flat, a vertical
 *       gradient, stripes or Gaussian grain, 0–36 per channel; PNG or JPEG (quality 0.85–0.95);</li>
 *   <li>videos: the same drawing at a constant real-valued speed of 1–2 px per frame from any start
 *       that keeps the shape inside, GIF or MP4, at 5–12 frames per second;</li>
 *   <li>audio: 8–48 kHz, peak −12 to −0.5 dBFS, a noise floor 40–60 dB below it, random phase; ramps
 *       linear or exponential (dB-linear) from a floor up to 15 %; pulses gated with 2–8 ms fades or
 *       raised-cosine humps, duty 35–70 %, onsets jittered by up to ±8 ms;</li>
 *   <li>text: any full caption of the world's grammar, first letter capitalised or not, a full
 *       stop or not.</li>
 * </ul>
 */
public final class SpecRenderer {
    static final int[] SAMPLE_RATES = {8_000, 11_025, 16_000, 22_050, 32_000, 44_100, 48_000};
    private static final List<String> WELL_FORMED = List.copyOf(Captions.WELL_FORMED);

    public ForeignRendering render(Combination combination, Modality modality, Random random) {
        return switch (modality) {
            case TEXT -> text(combination, random);
            case IMAGE -> image(combination.color(), combination.shape(), random);
            case VIDEO -> video(combination.color(), combination.shape(), combination.motion(), random);
            case AUDIO -> audio(combination.color(), combination.shape(), combination.motion(), random);
        };
    }

    ForeignRendering text(Combination combination, Random random) {
        List<String> fitting = new ArrayList<>();
        String color = combination.color().word();
        String shape = combination.shape().word();
        String motion = combination.motion().word();
        for (String caption : WELL_FORMED.stream().sorted().toList()) {
            List<String> words = List.of(caption.replace(",", "").split(" "));
            if (words.contains(color) && words.contains(shape) && words.contains(motion)) {
                fitting.add(caption);
            }
        }
        String caption = fitting.get(random.nextInt(fitting.size()));
        boolean capital = random.nextBoolean();
        boolean stop = random.nextBoolean();
        String written = (capital ? Character.toUpperCase(caption.charAt(0)) + caption.substring(1) : caption) + (stop ? "." : "");
        return new ForeignRendering(Modality.TEXT, MediaType.TEXT, (written + "\n").getBytes(StandardCharsets.UTF_8),
                Map.of("case", capital ? "capitalised" : "lower", "stop", stop ? "full stop" : "none"));
    }

    // ---- images and video frames ----

    /** How a frame is drawn; every video frame shares it. */
    record Look(int size, boolean antiAliased, Background background, int[] backgroundLevel, double grain, long textureSeed) { }

    enum Background { FLAT, GRADIENT, STRIPES, GRAIN }

    private static Look look(Random random) {
        int size = random.nextInt(WorldSpec.MIN_SHAPE_SIZE, WorldSpec.MAX_SHAPE_SIZE + 1);
        Background background = Background.values()[random.nextInt(Background.values().length)];
        int[] level = {random.nextInt(0, 29), random.nextInt(0, 29), random.nextInt(0, 29)};
        return new Look(size, random.nextBoolean(), background, level, 1 + 3 * random.nextDouble(), random.nextLong());
    }

    ForeignRendering image(Color color, Shape shape, Random random) {
        Look look = look(random);
        double room = WorldSpec.IMAGE_SIZE - look.size();
        double left = look.antiAliased() ? room * random.nextDouble() : random.nextInt((int) room + 1);
        double top = look.antiAliased() ? room * random.nextDouble() : random.nextInt((int) room + 1);
        RgbImage image = frame(color, shape, look, left, top, new Random(look.textureSeed()));
        boolean jpeg = random.nextBoolean();
        float quality = 0.85f + 0.1f * random.nextFloat();
        byte[] file = jpeg ? jpeg(image, quality) : ImageCodec.encodePng(image);
        Map<String, String> choices = new LinkedHashMap<>();
        choices.put("edges", look.antiAliased() ? "anti-aliased" : "hard");
        choices.put("background", look.background().name().toLowerCase(java.util.Locale.ROOT));
        choices.put("format", jpeg ? "JPEG" : "PNG");
        choices.put("size", look.size() <= 15 ? "12–15 px" : "16–20 px");
        return new ForeignRendering(Modality.IMAGE, jpeg ? MediaType.JPEG : MediaType.PNG, file, choices);
    }

    ForeignRendering video(Color color, Shape shape, Motion motion, Random random) {
        Look look = look(random);
        int steps = WorldSpec.VIDEO_FRAMES - 1;
        double room = WorldSpec.IMAGE_SIZE - look.size();
        double speed = WorldSpec.MIN_SPEED + (Math.min(WorldSpec.MAX_SPEED, room / steps) - WorldSpec.MIN_SPEED) * random.nextDouble();
        if (!look.antiAliased()) {
            speed = Math.max(WorldSpec.MIN_SPEED, Math.min(Math.floor(room / steps), Math.round(speed)));   // whole pixels per frame
        }
        double travel = speed * steps;
        double along = look.antiAliased() ? (room - travel) * random.nextDouble() : random.nextInt((int) Math.round(room - travel) + 1);
        double across = look.antiAliased() ? room * random.nextDouble() : random.nextInt((int) room + 1);
        // the start sits so that the whole travel stays inside the frame
        double startX = motion.dx() == 0 ? across : motion.dx() > 0 ? along : along + travel;
        double startY = motion.dy() == 0 ? across : motion.dy() > 0 ? along : along + travel;
        List<RgbImage> frames = new ArrayList<>();
        Random texture = new Random(look.textureSeed());
        for (int f = 0; f < WorldSpec.VIDEO_FRAMES; f++) {
            frames.add(frame(color, shape, look, startX + motion.dx() * speed * f, startY + motion.dy() * speed * f, texture));
        }
        double fps = 5 + random.nextInt(8);
        VideoClip clip = new VideoClip(frames, fps);
        boolean gif = random.nextBoolean();
        Map<String, String> choices = new LinkedHashMap<>();
        choices.put("edges", look.antiAliased() ? "anti-aliased" : "hard");
        choices.put("background", look.background().name().toLowerCase(java.util.Locale.ROOT));
        choices.put("format", gif ? "GIF" : "MP4");
        choices.put("speed", speed < 1.5 ? "1–1.5 px/frame" : "1.5–2 px/frame");
        return new ForeignRendering(Modality.VIDEO, gif ? MediaType.GIF : MediaType.MP4,
                gif ? GifCodec.encode(clip) : Mp4Codec.encode(clip), choices);
    }

    /** One frame: background texture, then the shape's coverage blended over it. */
    private static RgbImage frame(Color color, Shape shape, Look look, double left, double top, Random texture) {
        int side = WorldSpec.IMAGE_SIZE;
        RgbImage image = RgbImage.blank(side, side);
        int samplesPerAxis = look.antiAliased() ? 4 : 1;
        int[] rgb = {color.red(), color.green(), color.blue()};
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int hits = 0;
                for (int sy = 0; sy < samplesPerAxis; sy++) {
                    for (int sx = 0; sx < samplesPerAxis; sx++) {
                        double px = x + (sx + 0.5) / samplesPerAxis - left;
                        double py = y + (sy + 0.5) / samplesPerAxis - top;
                        hits += inside(shape, look.size(), px, py) ? 1 : 0;
                    }
                }
                double coverage = hits / (double) (samplesPerAxis * samplesPerAxis);
                int[] value = new int[3];
                for (int c = 0; c < 3; c++) {
                    double background = backgroundAt(look, c, x, y, texture);
                    value[c] = (int) Math.round(coverage * rgb[c] + (1 - coverage) * background);
                }
                image.set(x, y, value[0], value[1], value[2]);
            }
        }
        return image;
    }

    private static double backgroundAt(Look look, int channel, int x, int y, Random texture) {
        double base = look.backgroundLevel()[channel];
        double value = switch (look.background()) {
            case FLAT -> base;
            case GRADIENT -> base * (0.3 + 0.7 * y / (WorldSpec.IMAGE_SIZE - 1.0));
            case STRIPES -> (x / 2) % 2 == 0 ? base : base * 0.5;
            case GRAIN -> base + look.grain() * texture.nextGaussian();
        };
        return Math.max(0, Math.min(WorldSpec.BACKGROUND_MAX - 4, value));
    }

    /** The shape's ideal outline in its size × size box, (x, y) from the box's top-left corner. */
    static boolean inside(Shape shape, double size, double x, double y) {
        if (x < 0 || y < 0 || x >= size || y >= size) {
            return false;
        }
        double half = size / 2;
        return switch (shape) {
            case SQUARE -> true;
            case CIRCLE -> Math.hypot(x - half, y - half) <= half;
            // apex at the top middle, base the bottom edge: the half-width grows linearly with depth;
            // the apex is 1.2 px wide so that the top row of the box is drawn and the box keeps its size
            case TRIANGLE -> Math.abs(x - half) <= Math.max(0.6, half * y / size);
            // a plus sign whose arms are a third of the size wide, centred
            case CROSS -> Math.abs(x - half) <= size / 6 || Math.abs(y - half) <= size / 6;
        };
    }

    private static byte[] jpeg(RgbImage image, float quality) {
        BufferedImage buffered = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                buffered.setRGB(x, y, image.channel(x, y, 0) << 16 | image.channel(x, y, 1) << 8 | image.channel(x, y, 2));
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam parameters = writer.getDefaultWriteParam();
        parameters.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        parameters.setCompressionQuality(quality);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var output = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(output);
            writer.write(null, new IIOImage(buffered, null, null), parameters);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a JPEG in memory", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    // ---- audio ----

    ForeignRendering audio(Color color, Shape shape, Motion motion, Random random) {
        int rate = SAMPLE_RATES[random.nextInt(SAMPLE_RATES.length)];
        int length = (int) Math.round(WorldSpec.AUDIO_SECONDS * rate);
        double peak = Math.pow(10, (-12 + 11.5 * random.nextDouble()) / 20);
        double noise = peak * Math.pow(10, -(40 + 20 * random.nextDouble()) / 20);
        double phase = 2 * Math.PI * random.nextDouble();
        Envelope envelope = Envelope.draw(motion, random);
        double f0 = color.pitchHz();
        // the timbre's harmonic series (docs/design.md §7.1), every harmonic below 0.95 × Nyquist
        int harmonics = (int) Math.floor(0.95 * rate / 2 / f0);
        double[] tone = new double[length];
        double loudest = 1e-12;
        for (int i = 0; i < length; i++) {
            double t = i / (double) rate;
            double sum = 0;
            for (int n = 1; n <= harmonics; n++) {
                double amplitude = seriesAmplitude(shape, n);
                if (amplitude != 0) {
                    sum += amplitude * Math.sin(2 * Math.PI * n * f0 * t + n * phase);
                }
            }
            tone[i] = sum;
            loudest = Math.max(loudest, Math.abs(sum));
        }
        float[] samples = new float[length];
        for (int i = 0; i < length; i++) {
            double value = peak * tone[i] / loudest * envelope.gain(i / (double) length) + noise * random.nextGaussian();
            samples[i] = (float) Math.max(-1, Math.min(1, value));
        }
        Map<String, String> choices = new LinkedHashMap<>();
        choices.put("rate", rate < 16_000 ? "8–11 kHz" : rate <= 22_050 ? "16–22 kHz" : "32–48 kHz");
        choices.put("envelope", envelope.kind());
        choices.put("level", peak < 0.5 ? "−12 to −6 dBFS" : "−6 to −0.5 dBFS");
        return new ForeignRendering(Modality.AUDIO, MediaType.WAV, WavCodec.encode(new AudioClip(rate, samples)), choices);
    }

    /** Fourier amplitude of harmonic n of each timbre (signs and all), written from the spec's table. */
    static double seriesAmplitude(Shape shape, int n) {
        return switch (shape) {
            case CIRCLE -> n == 1 ? 1 : 0;                                                   // sine
            case SQUARE -> n % 2 == 1 ? 1.0 / n : 0;                                         // odd, 1/n
            case TRIANGLE -> n % 2 == 1 ? (((n - 1) / 2) % 2 == 0 ? 1 : -1) / (double) (n * n) : 0; // odd, ±1/n²
            case CROSS -> 1.0 / n;                                                           // all, 1/n
        };
    }

    /** A loudness envelope over the clip, t ∈ [0, 1). */
    interface Envelope {
        double gain(double t);

        String kind();

        static Envelope draw(Motion motion, Random random) {
            if (motion == Motion.UP || motion == Motion.DOWN) {
                double floor = 0.15 * random.nextDouble();
                boolean linear = random.nextBoolean();
                boolean rising = motion == Motion.UP;
                return new Envelope() {
                    public double gain(double t) {
                        double x = rising ? t : 1 - t;
                        // exponential: linear in decibels from the floor to full scale
                        return linear ? floor + (1 - floor) * x : Math.max(floor, 1e-3) * Math.pow(1 / Math.max(floor, 1e-3), x);
                    }

                    public String kind() {
                        return linear ? "linear ramp" : "exponential ramp";
                    }
                };
            }
            int pulses = motion == Motion.LEFT ? 2 : 4;
            boolean gated = random.nextBoolean();
            double duty = 0.35 + 0.35 * random.nextDouble();
            double fade = 0.002 + 0.006 * random.nextDouble();
            double[] onsets = new double[pulses];
            for (int p = 0; p < pulses; p++) {
                onsets[p] = (p + (1 - duty) / 2) / pulses + 0.008 * (2 * random.nextDouble() - 1);
            }
            double width = duty / pulses;
            return new Envelope() {
                public double gain(double t) {
                    double gain = 0;
                    for (double onset : onsets) {
                        double into = t - onset;
                        if (into < 0 || into > width) {
                            continue;
                        }
                        gain = Math.max(gain, gated
                                ? Math.min(1, Math.min(into, width - into) / fade)
                                : 0.5 - 0.5 * Math.cos(2 * Math.PI * into / width));
                    }
                    return gain;
                }

                public String kind() {
                    return gated ? "gated pulses" : "raised-cosine pulses";
                }
            };
        }
    }
}
