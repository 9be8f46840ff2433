package dev.codi.storage;

/** A streamed upload went past its byte limit; nothing was stored. */
public final class ObjectTooLargeException extends ObjectStoreException {

    private final long maxBytes;

    public ObjectTooLargeException(String key, long maxBytes) {
        super("put", key, "content exceeds the limit of " + maxBytes + " bytes", null);
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
