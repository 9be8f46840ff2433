package dev.codi.media;

/**
 * A decode that could not start because every decoder thread is taken: not a verdict on the
 * input, so a service answers it as "try again later" (HTTP 503), not as a client error.
 */
public final class MediaDecoderBusyException extends MediaDecodeException {
    public MediaDecoderBusyException(String message) {
        super(message);
    }
}
