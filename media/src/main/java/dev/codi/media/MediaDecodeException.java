package dev.codi.media;

/**
 * Bytes that cannot be decoded into media: wrong format, malformed, truncated, or over a
 * {@link MediaLimits} bound. The message says what is wrong with the input so that a client
 * can fix it (it travels into RFC 9457 problem details at the gateway).
 */
public class MediaDecodeException extends Exception {
    public MediaDecodeException(String message) {
        super(message);
    }

    public MediaDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
