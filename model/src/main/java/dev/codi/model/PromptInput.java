package dev.codi.model;

import dev.codi.media.AudioClip;
import dev.codi.media.Modality;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;

/**
 * One input of a job, already decoded from its file. Media of any size or rate: the model
 * resamples them to its own shapes.
 */
public sealed interface PromptInput {
    Modality modality();

    record Text(String text) implements PromptInput {
        public Modality modality() { return Modality.TEXT; }
    }

    record Image(RgbImage image) implements PromptInput {
        public Modality modality() { return Modality.IMAGE; }
    }

    record Audio(AudioClip audio) implements PromptInput {
        public Modality modality() { return Modality.AUDIO; }
    }

    record Video(VideoClip video) implements PromptInput {
        public Modality modality() { return Modality.VIDEO; }
    }
}
