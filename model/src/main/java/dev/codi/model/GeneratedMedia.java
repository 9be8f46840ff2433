package dev.codi.model;

import dev.codi.media.AudioClip;
import dev.codi.media.Modality;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;

/** One decoded output, ready for the media codecs. */
public sealed interface GeneratedMedia {
    Modality modality();

    record Text(String text) implements GeneratedMedia {
        public Modality modality() { return Modality.TEXT; }
    }

    record Image(RgbImage image) implements GeneratedMedia {
        public Modality modality() { return Modality.IMAGE; }
    }

    record Audio(AudioClip audio) implements GeneratedMedia {
        public Modality modality() { return Modality.AUDIO; }
    }

    record Video(VideoClip video) implements GeneratedMedia {
        public Modality modality() { return Modality.VIDEO; }
    }
}
