package dev.codi.world;

import dev.codi.media.AudioClip;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import java.util.Objects;

/** One combination rendered in all four modalities; the unit of paired training data. */
public record Sample(Combination combination, String caption, RgbImage image, VideoClip video, AudioClip audio) {
    public Sample {
        Objects.requireNonNull(combination, "combination");
        Objects.requireNonNull(caption, "caption");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(audio, "audio");
    }

    public Attributes attributes() {
        return combination.toAttributes();
    }
}
