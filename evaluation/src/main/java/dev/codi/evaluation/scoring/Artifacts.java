package dev.codi.evaluation.scoring;

import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.media.Mp4Codec;
import dev.codi.media.WavCodec;
import dev.codi.model.GeneratedMedia;
import dev.codi.model.PromptInput;
import dev.codi.world.Attributes;
import dev.codi.world.Sample;
import dev.codi.world.judge.Judge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Everything crosses a real file format, as it does for users: outputs are encoded to the
 * artifact the decoder-service would store (PNG, WAV, MP4, TXT) and the judge reads those bytes;
 * world inputs are encoded and decoded again before the model sees them (docs/design.md §8: encoders
 * must understand renderings that went through the real formats).
 */
public final class Artifacts {
    private Artifacts() {
    }

    /** The artifact bytes of an output, as the decoder-service writes them. */
    public static byte[] encode(GeneratedMedia media) {
        if (media instanceof GeneratedMedia.Image image) {
            return ImageCodec.encodePng(image.image());
        } else if (media instanceof GeneratedMedia.Audio audio) {
            return WavCodec.encode(audio.audio());
        } else if (media instanceof GeneratedMedia.Video video) {
            return Mp4Codec.encode(video.video());
        }
        return (((GeneratedMedia.Text) media).text() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether two outputs are the same artifact, byte for byte. */
    public static boolean sameArtifact(GeneratedMedia a, GeneratedMedia b) {
        return a.modality() == b.modality() && Arrays.equals(encode(a), encode(b));
    }

    public static MediaType formatOf(Modality modality) {
        return switch (modality) {
            case TEXT -> MediaType.TEXT;
            case IMAGE -> MediaType.PNG;
            case AUDIO -> MediaType.WAV;
            case VIDEO -> MediaType.MP4;
        };
    }

    /**
     * What the judge reads from the artifact of an output; an unreadable artifact (which our own
     * codecs should never write) reads as nothing known, so it scores as wrong.
     */
    public static Attributes judge(GeneratedMedia media) {
        return judge(media.modality(), encode(media));
    }

    public static Attributes judge(Modality modality, byte[] artifact) {
        try {
            return Judge.judge(modality, artifact).attributes();
        } catch (MediaDecodeException e) {
            return Attributes.none();
        }
    }

    /** A world sample's rendering in one modality, as if it were a model's output (ground truth). */
    public static GeneratedMedia asOutput(Sample sample, Modality modality) {
        return switch (modality) {
            case TEXT -> new GeneratedMedia.Text(sample.caption());
            case IMAGE -> new GeneratedMedia.Image(sample.image());
            case AUDIO -> new GeneratedMedia.Audio(sample.audio());
            case VIDEO -> new GeneratedMedia.Video(sample.video());
        };
    }

    /** A world sample's rendering in one modality as a model input, after a round trip through its file format. */
    public static PromptInput asInput(Sample sample, Modality modality) {
        return asInput(asOutput(sample, modality));
    }

    /** Any media as a model input, after a round trip through its artifact file (chaining feeds outputs back so). */
    public static PromptInput asInput(GeneratedMedia media) {
        byte[] artifact = encode(media);
        try {
            return switch (media.modality()) {
                case TEXT -> new PromptInput.Text(new String(artifact, StandardCharsets.UTF_8).strip());
                case IMAGE -> new PromptInput.Image(ImageCodec.decode(artifact));
                case AUDIO -> new PromptInput.Audio(WavCodec.decode(artifact));
                case VIDEO -> new PromptInput.Video(Mp4Codec.decode(artifact));
            };
        } catch (MediaDecodeException e) {
            throw new IllegalStateException("our own " + media.modality().wireName() + " codec wrote an unreadable file", e);
        }
    }

    /** Writes an output's artifact (and, for video, the GIF the decoder-service also stores). */
    public static void write(GeneratedMedia media, Path directory, String baseName) {
        try {
            Files.createDirectories(directory);
            Files.write(directory.resolve(baseName + formatOf(media.modality()).extension()), encode(media));
            if (media instanceof GeneratedMedia.Video video) {
                Files.write(directory.resolve(baseName + MediaType.GIF.extension()), GifCodec.encode(video.video()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write artifact " + baseName + " under " + directory, e);
        }
    }
}
