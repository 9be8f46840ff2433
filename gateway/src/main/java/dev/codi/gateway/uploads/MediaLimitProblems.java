package dev.codi.gateway.uploads;

import dev.codi.gateway.http.Problem;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaDecoderBusyException;
import dev.codi.media.MediaLimits;

import java.util.Locale;

/**
 * Turns a decoder's refusal into the problem a client can act on: a breach of a media limit
 * (dimensions, duration, frames, the pixel budget, JPEG scans, audio channels and rate, the
 * decode deadline) becomes {@code /problems/limit-exceeded} naming the limit and its allowed
 * value; a decoder that had no free thread is a 503 to retry; anything else stays
 * {@code /problems/undecodable-media}.
 */
public final class MediaLimitProblems {
    /** Seconds a client waits before retrying when every decoder thread is busy. */
    public static final int BUSY_RETRY_AFTER_SECONDS = 5;

    private MediaLimitProblems() {
    }

    public static Problem of(String field, MediaDecodeException error, String advice, MediaLimits limits) {
        if (error instanceof MediaDecoderBusyException) {
            return new Problem(503, "/problems/overloaded", "The service is overloaded",
                    field + ": " + error.getMessage() + "; retry later")
                    .header("Retry-After", Integer.toString(BUSY_RETRY_AFTER_SECONDS));
        }
        return of(field, advice == null ? error.getMessage() : error.getMessage() + "; " + advice, limits);
    }

    public static Problem of(String field, String reason, MediaLimits limits) {
        String lower = reason.toLowerCase(Locale.ROOT);
        String detail = field + ": " + reason;
        if (lower.contains("did not finish within")) {
            return Problem.limitExceeded(422, "decode_seconds", limits.decodeSeconds(), detail);
        }
        if (lower.contains("limit")) {
            if (lower.contains(" pixels, more than")) {
                return Problem.limitExceeded(422, "media_pixels", limits.maxTotalPixels(), detail);
            }
            if (lower.contains(" scans, more than")) {
                return Problem.limitExceeded(422, "jpeg_scans", limits.maxJpegScans(), detail);
            }
            if (lower.contains(" channels, more than")) {
                return Problem.limitExceeded(422, "audio_channels", limits.maxAudioChannels(), detail);
            }
            if (lower.contains(" hz, more than")) {
                return Problem.limitExceeded(422, "audio_sample_rate", limits.maxSampleRate(), detail);
            }
            if (lower.contains("frames")) {
                return Problem.limitExceeded(422, "video_frames", limits.maxFrames(), detail);
            }
            if (lower.contains("lasts") || lower.contains("duration") || lower.contains(" s ")) {
                return Problem.limitExceeded(422, "media_duration_seconds", limits.maxDurationSeconds(), detail);
            }
            return Problem.limitExceeded(422, "media_dimensions", limits.maxWidth() + "x" + limits.maxHeight(), detail);
        }
        return Problem.undecodableMedia(field, reason);
    }
}
