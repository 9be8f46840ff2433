package dev.codi.storage;

/** The key holds no object (S3 error code {@code NoSuchKey}). */
public final class ObjectNotFoundException extends ObjectStoreException {

    public ObjectNotFoundException(String operation, String key, Throwable cause) {
        super(operation, key, "no such object", cause);
    }
}
