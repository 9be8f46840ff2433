package dev.codi.evaluation.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codi.evaluation.scoring.Artifacts;
import dev.codi.evaluation.scoring.WorldRendering;
import dev.codi.media.AudioClip;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.media.Mp4Codec;
import dev.codi.media.GifCodec;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.media.WavCodec;
import dev.codi.model.GeneratedMedia;
import dev.codi.world.Color;
import dev.codi.world.Combination;
import dev.codi.world.WorldGenerator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpecConformanceTest {

    @Test
    void trueRenderingsOfBothRenderersConformThroughTheirFiles() throws Exception {
        WorldGenerator generator = new WorldGenerator();
        SpecRenderer foreign = new SpecRenderer();
        Random random = new Random(7);
        List<String> failures = new ArrayList<>();
        for (int k = 0; k < 48; k++) {
            Combination truth = Combination.ALL.get((k * 7) % Combination.ALL.size());
            for (Modality modality : List.of(Modality.IMAGE, Modality.VIDEO, Modality.AUDIO, Modality.TEXT)) {
                byte[] generated = Artifacts.encode(WorldRendering.render(generator, truth, modality, random));
                ForeignRendering rendering = foreign.render(truth, modality, random);
                List<String> ownBroken = check(modality, generated, modality == Modality.VIDEO ? MediaType.MP4 : null);
                List<String> foreignBroken = check(modality, rendering.file(), rendering.format());
                if (!ownBroken.isEmpty()) {
                    failures.add("generator " + modality + " " + truth + ": " + ownBroken);
                }
                if (!foreignBroken.isEmpty()) {
                    failures.add("spec renderer " + modality + " " + truth + " " + rendering.choices() + ": " + foreignBroken);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private static List<String> check(Modality modality, byte[] file, MediaType format) throws Exception {
        return switch (modality) {
            case IMAGE -> SpecConformance.image(ImageCodec.decode(file));
            case VIDEO -> SpecConformance.video(format == MediaType.GIF ? GifCodec.decode(file) : Mp4Codec.decode(file));
            case AUDIO -> SpecConformance.audio(WavCodec.decode(file));
            case TEXT -> SpecConformance.text(new String(file, java.nio.charset.StandardCharsets.UTF_8)
                    .strip().replaceAll("\\.$", "").toLowerCase(java.util.Locale.ROOT));
        };
    }

    @Test
    void offSpecArtifactsAreCaught() {
        RgbImage blob = RgbImage.blank(32, 32);
        RgbImage bright = RgbImage.blank(32, 32);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                boolean inBlob = Math.hypot(x - 15.5, y - 15.5) < 14;
                blob.set(x, y, inBlob ? 220 : 10, inBlob ? 40 : 10, inBlob ? 40 : 10);
                boolean inSquare = x >= 8 && x < 24 && y >= 8 && y < 24;
                bright.set(x, y, inSquare ? 40 : 70, inSquare ? 90 : 70, inSquare ? 220 : 70);
            }
        }
        assertThat(SpecConformance.image(blob)).containsExactly("bounding box 12–20 px");
        assertThat(SpecConformance.image(bright)).containsExactly("dark background");

        RgbImage square = new WorldGenerator().image(Color.GREEN, dev.codi.world.Shape.SQUARE, new Random(3));
        VideoClip still = new VideoClip(Collections.nCopies(8, square), 8);
        assertThat(SpecConformance.video(still)).contains("1–2 px per frame", "≥ 7 px in all");

        AudioClip quiet = new AudioClip(16_000, new float[16_000]);
        for (int i = 0; i < quiet.samples().length; i++) {
            quiet.samples()[i] = (float) (0.05 * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
        }
        assertThat(SpecConformance.audio(quiet)).containsExactly("level −12 to 0 dBFS, unclipped");
        assertThat(SpecConformance.audio(new AudioClip(16_000, new float[8_000]))).contains("1.0 s");
        assertThat(SpecConformance.text("a red circle moving up up")).containsExactly("well-formed caption");
        assertThat(SpecConformance.text("an orange cross moving left")).isEmpty();
    }
}
