package dev.codi.protocol;

/** A record that is not a valid event of our protocol; it goes to the dead-letter topic. */
public class MalformedEventException extends Exception {
    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
