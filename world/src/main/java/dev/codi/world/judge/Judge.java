package dev.codi.world.judge;

import dev.codi.media.AudioClip;
import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.media.Mp4Codec;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.media.WavCodec;
import dev.codi.world.Attributes;
import dev.codi.world.WorldSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Recovers the Shapes &amp; Tones attributes an artifact carries, analytically and never with a
 * learned network (docs/design.md §8): pixel statistics and shape templates for images, plus the centroid
 * track for videos, FFT pitch, harmonic profile and RMS envelope for audio, words for text. Each
 * modality reports only what it carries: images have no motion.
 */
public final class Judge {
    private Judge() {
    }

    public static Attributes image(RgbImage image) {
        ImageReading reading = ImageJudge.read(image);
        return Attributes.of(reading.color(), reading.shape(), null);
    }

    public static Attributes video(VideoClip video) {
        VideoReading reading = VideoJudge.read(video);
        return Attributes.of(reading.color(), reading.shape(), reading.motion());
    }

    public static Attributes audio(AudioClip clip) {
        AudioReading reading = AudioJudge.read(clip);
        return Attributes.of(reading.color(), reading.shape(), reading.motion());
    }

    public static Attributes text(String caption) {
        return TextJudge.read(caption);
    }

    /**
     * Judges the bytes of an artifact of the given modality, recognising the format by its
     * signature: images PNG or JPEG, videos GIF or MP4, audio WAV at ≥ 8 kHz, text UTF-8.
     *
     * @throws MediaDecodeException when the bytes are not a readable artifact of that modality
     */
    public static Judgement judge(Modality modality, byte[] bytes) throws MediaDecodeException {
        if (modality == Modality.TEXT) {
            return judgeFile(bytes, MediaType.TEXT);
        }
        MediaType format = MediaType.sniff(bytes).orElseThrow(() -> new MediaDecodeException(
                "unrecognised " + modality.wireName() + " file: expected " + formatsOf(modality)));
        if (!formatsOf(modality).contains(format)) {
            throw new MediaDecodeException("a " + format + " file is not " + modality.wireName() + "; expected one of "
                    + formatsOf(modality));
        }
        return judgeFile(bytes, format);
    }

    /** Judges the bytes of a file whose format is already known. */
    public static Judgement judgeFile(byte[] bytes, MediaType format) throws MediaDecodeException {
        return switch (format) {
            case PNG, JPEG -> {
                ImageReading reading = ImageJudge.read(ImageCodec.decode(bytes));
                yield new Judgement(Modality.IMAGE, format, Attributes.of(reading.color(), reading.shape(), null),
                        reading.toString());
            }
            case GIF, MP4 -> {
                VideoClip video = format == MediaType.GIF ? GifCodec.decode(bytes) : Mp4Codec.decode(bytes);
                VideoReading reading = VideoJudge.read(video);
                yield new Judgement(Modality.VIDEO, format,
                        Attributes.of(reading.color(), reading.shape(), reading.motion()), reading.toString());
            }
            case WAV -> {
                AudioClip clip = WavCodec.decode(bytes);
                if (clip.sampleRate() < WorldSpec.MIN_AUDIO_RATE) {
                    throw new MediaDecodeException("audio at " + clip.sampleRate() + " Hz cannot carry the world's"
                            + " harmonics; the judge needs at least " + WorldSpec.MIN_AUDIO_RATE + " Hz");
                }
                AudioReading reading = AudioJudge.read(clip);
                yield new Judgement(Modality.AUDIO, format,
                        Attributes.of(reading.color(), reading.shape(), reading.motion()), reading.toString());
            }
            case TEXT -> {
                String caption = utf8(bytes);
                yield new Judgement(Modality.TEXT, format, TextJudge.read(caption), "text[" + caption.strip() + "]");
            }
        };
    }

    private static Set<MediaType> formatsOf(Modality modality) {
        return switch (modality) {
            case IMAGE -> Set.of(MediaType.PNG, MediaType.JPEG);
            case VIDEO -> Set.of(MediaType.GIF, MediaType.MP4);
            case AUDIO -> Set.of(MediaType.WAV);
            case TEXT -> Set.of(MediaType.TEXT);
        };
    }

    private static String utf8(byte[] bytes) throws MediaDecodeException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MediaDecodeException("text is not valid UTF-8", e);
        }
    }
}
