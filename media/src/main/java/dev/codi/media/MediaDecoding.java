package dev.codi.media;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One entry point per modality for untrusted bytes (uploads, object-store inputs): the format is
 * chosen by magic bytes, limits are enforced, and every failure — including runtime exceptions
 * thrown by ImageIO or jcodec on malformed data — surfaces as a {@link MediaDecodeException}.
 */
public final class MediaDecoding {
    private MediaDecoding() {
    }

    public static RgbImage decodeImage(byte[] bytes) throws MediaDecodeException {
        return decodeImage(bytes, MediaLimits.defaults());
    }

    /** PNG or JPEG. */
    public static RgbImage decodeImage(byte[] bytes, MediaLimits limits) throws MediaDecodeException {
        MediaType type = sniff(bytes);
        if (type != MediaType.PNG && type != MediaType.JPEG) {
            throw new MediaDecodeException("expected PNG or JPEG, got " + describe(bytes, type));
        }
        return ImageCodec.decode(bytes, limits);
    }

    public static AudioClip decodeAudio(byte[] bytes) throws MediaDecodeException {
        return decodeAudio(bytes, MediaLimits.defaults());
    }

    /** WAV, mixed down to mono. */
    public static AudioClip decodeAudio(byte[] bytes, MediaLimits limits) throws MediaDecodeException {
        MediaType type = sniff(bytes);
        if (type != MediaType.WAV) {
            throw new MediaDecodeException("expected WAV (RIFF/WAVE), got " + describe(bytes, type));
        }
        return WavCodec.decode(bytes, limits);
    }

    public static VideoClip decodeVideo(byte[] bytes) throws MediaDecodeException {
        return decodeVideo(bytes, MediaLimits.defaults());
    }

    /** Animated GIF or H.264 MP4. */
    public static VideoClip decodeVideo(byte[] bytes, MediaLimits limits) throws MediaDecodeException {
        MediaType type = sniff(bytes);
        if (type == MediaType.GIF) {
            return GifCodec.decode(bytes, limits);
        }
        if (type == MediaType.MP4) {
            return Mp4Codec.decode(bytes, limits);
        }
        throw new MediaDecodeException("expected GIF or MP4, got " + describe(bytes, type));
    }

    /** Strict UTF-8 (malformed sequences are refused, not replaced); a leading BOM is dropped. */
    public static String decodeText(byte[] bytes) throws MediaDecodeException {
        if (bytes == null) {
            throw new MediaDecodeException("expected UTF-8 text, got no bytes at all");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new MediaDecodeException("text is not valid UTF-8: " + ImageCodec.describe(e), e);
        }
    }

    private static MediaType sniff(byte[] bytes) {
        Optional<MediaType> type = MediaType.sniff(bytes);
        return type.orElse(null);
    }

    private static String describe(byte[] bytes, MediaType type) {
        String head = MediaType.describeHead(bytes);
        return type == null ? head : head + " (a " + type + " file)";
    }
}
