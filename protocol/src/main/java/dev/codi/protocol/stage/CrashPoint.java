package dev.codi.protocol.stage;

import dev.codi.protocol.CloudEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A test-only hook that halts the JVM at a chosen point of the stage loop, so the fault suite
 * can crash a real process exactly there (a SIGKILL from outside cannot aim that well). Off
 * unless {@value #VARIABLE} is set, as {@code POINT:MARKER[:once]}: the JVM halts at POINT when a
 * job of the batch carries MARKER anywhere in its event data; with {@code once}, only the first
 * time per job (remembered as a file in {@value #ONCE_DIRECTORY_VARIABLE}, so it survives the
 * restart), otherwise every time (a poison job).
 */
public final class CrashPoint {
    public static final String VARIABLE = "CODI_TEST_HALT";
    public static final String ONCE_DIRECTORY_VARIABLE = "CODI_TEST_HALT_DIR";
    private static final Logger LOG = LoggerFactory.getLogger(CrashPoint.class);

    /** Where in the loop: while processing the batch, or after its outputs were published and before the commit. */
    public enum Point { PROCESSING, BEFORE_COMMIT }

    private final Point point;
    private final String marker;
    private final boolean once;
    private final Path onceDirectory;

    private CrashPoint(Point point, String marker, boolean once, Path onceDirectory) {
        this.point = point;
        this.marker = marker;
        this.once = once;
        this.onceDirectory = onceDirectory;
    }

    /** The configured hook, or null when none is (the normal case). */
    public static CrashPoint fromConfig(Map<String, String> config) {
        String value = config.get(VARIABLE);
        if (value == null || value.isBlank()) {
            return null;
        }
        String[] parts = value.split(":");
        if (parts.length < 2) {
            throw new IllegalArgumentException(VARIABLE + " must be POINT:MARKER[:once], got '" + value + "'");
        }
        boolean once = parts.length > 2 && parts[2].equals("once");
        String directory = config.getOrDefault(ONCE_DIRECTORY_VARIABLE, System.getProperty("java.io.tmpdir"));
        return new CrashPoint(Point.valueOf(parts[0].toUpperCase().replace('-', '_')), parts[1], once, Path.of(directory));
    }

    /** Halts the JVM (no shutdown hooks, like a SIGKILL) if this is the point and the batch holds a marked job. */
    public void maybeHalt(Point at, List<CloudEvent> batch) {
        if (at != point) {
            return;
        }
        for (CloudEvent event : batch) {
            if (event.data().encode().contains(marker) && firstTime(event.jobId())) {
                LOG.warn("test hook {}: halting the JVM at {} for job {}", VARIABLE, at, event.jobId());
                Runtime.getRuntime().halt(137);
            }
        }
    }

    private boolean firstTime(String jobId) {
        if (!once) {
            return true;
        }
        try {
            Files.createDirectories(onceDirectory);
            Files.createFile(onceDirectory.resolve("halted-" + point + "-" + jobId.replaceAll("[^A-Za-z0-9_-]", "_")));
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
