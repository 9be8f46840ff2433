package dev.codi.protocol.stage;

import dev.codi.media.MediaDecoding;

import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Liveness of a process that decodes untrusted media (the gateway, the encoder): a decode
 * abandoned at its deadline (third-party decoder code that never returns) keeps its thread, a
 * core and one of a few decoder slots until the JVM ends. Past {@value #MAX_ABANDONED_VARIABLE}
 * such decoders (default {@value #DEFAULT_MAX_ABANDONED}) the process reports itself not live, so
 * its supervisor restarts it and frees them, before runaways take every slot and every new media
 * input is refused.
 */
public final class DecoderLiveness {
    public static final String MAX_ABANDONED_VARIABLE = "CODI_MAX_ABANDONED_DECODERS";
    /** Two runaways hold two cores at the lowest priority; a third is one too many for a small node. */
    public static final int DEFAULT_MAX_ABANDONED = 2;

    private final int maxAbandoned;
    private final IntSupplier abandoned;

    /** @param abandoned counts the abandoned decoders (this JVM's: {@link MediaDecoding#abandonedDecoders}) */
    public DecoderLiveness(int maxAbandoned, IntSupplier abandoned) {
        if (maxAbandoned < 0) {
            throw new IllegalArgumentException(MAX_ABANDONED_VARIABLE + " must be at least 0, got " + maxAbandoned);
        }
        this.maxAbandoned = maxAbandoned;
        this.abandoned = abandoned;
    }

    /** From the deployment config ({@value #MAX_ABANDONED_VARIABLE}), counting this JVM's abandoned decoders. */
    public static DecoderLiveness from(Map<String, String> variables) {
        String value = variables.get(MAX_ABANDONED_VARIABLE);
        int max;
        try {
            max = value == null || value.isBlank() ? DEFAULT_MAX_ABANDONED : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MAX_ABANDONED_VARIABLE + " must be a whole number, got '" + value + "'");
        }
        return new DecoderLiveness(max, MediaDecoding::abandonedDecoders);
    }

    /** Null when live, else why not. */
    public String notLive() {
        int count = abandoned.getAsInt();
        return count > maxAbandoned
                ? count + " media decoders abandoned at their deadline are still running (more than " + MAX_ABANDONED_VARIABLE
                        + "=" + maxAbandoned + "): a restart frees them"
                : null;
    }
}
