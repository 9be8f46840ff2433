package dev.codi.decoder;

import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaType;
import dev.codi.media.Mp4Codec;
import dev.codi.media.WavCodec;
import dev.codi.model.GeneratedMedia;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns decoded media into the artifact files of docs/design.md §7: PNG; WAV (16-bit PCM mono); MP4
 * (H.264) plus an animated GIF for a video; one line of UTF-8 text.
 */
public final class ArtifactFiles {
    /** One file to store: its name inside the job's artifact folder, type and bytes. */
    public record ArtifactFile(String filename, MediaType type, byte[] bytes) {
    }

    private ArtifactFiles() {
    }

    public static List<ArtifactFile> encode(GeneratedMedia media) {
        if (media instanceof GeneratedMedia.Text text) {
            return List.of(new ArtifactFile("text.txt", MediaType.TEXT, (text.text() + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        if (media instanceof GeneratedMedia.Image image) {
            return List.of(new ArtifactFile("image.png", MediaType.PNG, ImageCodec.encodePng(image.image())));
        }
        if (media instanceof GeneratedMedia.Audio audio) {
            return List.of(new ArtifactFile("audio.wav", MediaType.WAV, WavCodec.encode(audio.audio())));
        }
        GeneratedMedia.Video video = (GeneratedMedia.Video) media;
        return List.of(
                new ArtifactFile("video.mp4", MediaType.MP4, Mp4Codec.encode(video.video())),
                new ArtifactFile("video.gif", MediaType.GIF, GifCodec.encode(video.video())));
    }
}
