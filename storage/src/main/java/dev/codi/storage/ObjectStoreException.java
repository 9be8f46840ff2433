package dev.codi.storage;

/** An object-store operation failed; the message names the operation and the key. */
public class ObjectStoreException extends RuntimeException {

    private final String operation;
    private final String key;

    public ObjectStoreException(String operation, String key, String message, Throwable cause) {
        super(operation + " '" + key + "' failed: " + message, cause);
        this.operation = operation;
        this.key = key;
    }

    /** The failing operation, e.g. {@code get} or {@code put}. */
    public String operation() {
        return operation;
    }

    /** The object key (or prefix, or bucket) the operation was about. */
    public String key() {
        return key;
    }
}
