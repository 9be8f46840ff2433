package dev.codi.gateway.uploads;

import dev.codi.gateway.http.Problem;
import dev.codi.media.MediaLimits;

import java.util.Locale;

/**
 * Turns a decoder's refusal into the problem a client can act on: a breach of a media limit
 * (dimensions, duration, frames) becomes {@code /problems/limit-exceeded} naming the limit and
 * its allowed value; anything else stays {@code /problems/undecodable-media}.
 */
public final class MediaLimitProblems {
    private MediaLimitProblems() {
    }

    public static Problem of(String field, String reason, MediaLimits limits) {
        String lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("limit")) {
            if (lower.contains("frames")) {
                return Problem.limitExceeded(422, "video_frames", limits.maxFrames(), field + ": " + reason);
            }
            if (lower.contains("lasts") || lower.contains("duration") || lower.contains(" s ")) {
                return Problem.limitExceeded(422, "media_duration_seconds", limits.maxDurationSeconds(), field + ": " + reason);
            }
            return Problem.limitExceeded(422, "media_dimensions", limits.maxWidth() + "x" + limits.maxHeight(), field + ": " + reason);
        }
        return Problem.undecodableMedia(field, reason);
    }
}
