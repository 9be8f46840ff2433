package dev.codi.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
        return decodeImage(wrap(bytes), limits);
    }

    /** PNG or JPEG read in place from a buffer (a heap array or a memory-mapped file, see {@link #map}). */
    public static RgbImage decodeImage(ByteBuffer bytes, MediaLimits limits) throws MediaDecodeException {
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
        return decodeAudio(wrap(bytes), limits);
    }

    public static AudioClip decodeAudio(ByteBuffer bytes, MediaLimits limits) throws MediaDecodeException {
        MediaType type = sniff(bytes);
        if (type != MediaType.WAV) {
            throw new MediaDecodeException("expected WAV (RIFF/WAVE), got " + describe(bytes, type));
        }
        return WavCodec.decode(bytes, limits);
    }

    public static VideoClip decodeVideo(byte[] bytes) throws MediaDecodeException {
        return decodeVideo(bytes, MediaLimits.defaults());
    }

    /** Animated GIF or H.264 MP4, every frame at its source size (held in memory: prefer a target size). */
    public static VideoClip decodeVideo(byte[] bytes, MediaLimits limits) throws MediaDecodeException {
        return decodeVideo(wrap(bytes), limits, 0, 0);
    }

    /**
     * Animated GIF or H.264 MP4 with every frame resampled to {@code width x height} as it is
     * decoded (what {@link Resampling#resize} would make of the full frame), so memory holds one
     * source-size frame at a time; 0 x 0 keeps the source size.
     */
    public static VideoClip decodeVideo(byte[] bytes, MediaLimits limits, int width, int height)
            throws MediaDecodeException {
        return decodeVideo(wrap(bytes), limits, width, height);
    }

    public static VideoClip decodeVideo(ByteBuffer bytes, MediaLimits limits, int width, int height)
            throws MediaDecodeException {
        MediaType type = sniff(bytes);
        if (type == MediaType.GIF) {
            return GifCodec.decode(bytes, limits, width, height);
        }
        if (type == MediaType.MP4) {
            return Mp4Codec.decode(bytes, limits, width, height);
        }
        throw new MediaDecodeException("expected GIF or MP4, got " + describe(bytes, type));
    }

    /**
     * A file mapped read-only into memory: decoders read it in place, so an upload of tens of
     * megabytes is never copied onto the heap. The mapping is released when the buffer is collected.
     */
    public static ByteBuffer map(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        }
    }

    /**
     * Decoder threads given up on at their deadline (third-party code that never returned) and
     * still running; a health signal, since each holds one of a few decoder slots.
     */
    public static int abandonedDecoders() {
        return IsolatedDecoder.abandoned();
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

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(bytes);
    }

    private static MediaType sniff(ByteBuffer bytes) {
        Optional<MediaType> type = MediaType.sniff(MediaType.head(bytes));
        return type.orElse(null);
    }

    private static String describe(ByteBuffer bytes, MediaType type) {
        String head = MediaType.describeHead(MediaType.head(bytes));
        return type == null ? head : head + " (a " + type + " file)";
    }
}
