package dev.codi.storage;

/**
 * An object-store operation failed; the message names the operation and the key. A failure is
 * {@linkplain #isTransient() transient} when trying again later may succeed (the store did not
 * answer in time, refused the connection, or answered with a server error): the job waits; any
 * other failure (a missing object, a refused request) is permanent: the job fails.
 */
public class ObjectStoreException extends RuntimeException {

    private final String operation;
    private final String key;
    private final boolean transientFailure;

    public ObjectStoreException(String operation, String key, String message, Throwable cause) {
        this(operation, key, message, cause, false);
    }

    public ObjectStoreException(String operation, String key, String message, Throwable cause, boolean transientFailure) {
        super(operation + " '" + key + "' failed: " + message, cause);
        this.operation = operation;
        this.key = key;
        this.transientFailure = transientFailure;
    }

    /** True when the same call may succeed later: the store was unreachable, slow or overloaded. */
    public boolean isTransient() {
        return transientFailure;
    }

    /** True when {@code error} or one of its causes is a transient object-store failure. */
    public static boolean isTransient(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ObjectStoreException storeError) {
                return storeError.isTransient();
            }
        }
        return false;
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
