package dev.codi.gateway.uploads;

import dev.codi.gateway.GatewayConfig;
import dev.codi.gateway.RandomIds;
import dev.codi.gateway.http.Problem;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaDecoding;
import dev.codi.media.MediaLimits;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.storage.ObjectKeys;
import dev.codi.storage.ObjectStore;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Uploaded inputs: a file already spooled to disk (never whole in memory) is sniffed by its
 * magic bytes (never by name or Content-Type), decoded once within the media limits, and stored
 * at {@code uploads/{id}} with its description at {@code uploads/{id}-meta}. Blocking throughout:
 * call off the event loop.
 *
 * <p>An upload lives as long as a job: it expires {@code retention} after it was uploaded, and
 * then answers 410 Gone, to its {@code GET} and to a job naming it. Its objects stay one
 * {@code grace} longer (the job stall timeout) before {@link #deleteExpired} removes them: a job
 * accepted with the upload at its last moment reads it from the store when the encoder gets to
 * it, and a job that made no progress for that long has been given up. The id holds the creation
 * time ({@link RandomIds#timed}), so an upload already deleted still answers 410 rather than 404.
 */
public final class Uploads implements UploadLookup {
    public static final String LIMIT_VARIABLE = "CODI_UPLOAD_LIMIT_BYTES";
    public static final long DEFAULT_LIMIT_BYTES = 64L * 1024 * 1024;
    private static final int SNIFF_BYTES = 16;
    /**
     * Validation decodes every frame of a video but keeps none: frames are resampled to this
     * side as they are read, so memory holds one source-size frame at a time.
     */
    public static final int CHECK_SIDE = 1;

    public static final String ID_PREFIX = "upl_";
    private static final String UPLOADS_PREFIX = "uploads/";
    private static final String META_SUFFIX = "-meta";

    private final ObjectStore store;
    private final MediaLimits limits;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration retention;
    private final Duration grace;

    /**
     * @param retention how long after it was uploaded an upload can be used (CODI_JOB_RETENTION_SECONDS)
     * @param grace     how much longer its objects are kept for the jobs that took it (the job stall timeout)
     */
    public Uploads(ObjectStore store, MediaLimits limits, Clock clock, RandomGenerator random, Duration retention, Duration grace) {
        this.store = store;
        this.limits = limits;
        this.clock = clock;
        this.random = random;
        this.retention = retention;
        this.grace = grace;
    }

    public StoredUpload store(String owner, Path file) {
        try {
            long size = Files.size(file);
            byte[] head;
            try (InputStream in = Files.newInputStream(file)) {
                head = in.readNBytes(SNIFF_BYTES);
            }
            MediaType type = MediaType.sniff(head).orElseThrow(() -> Problem.undecodableMedia("upload",
                    "unrecognised file format; upload a PNG or JPEG image, a WAV file, an animated GIF or an H.264 MP4"));
            Modality modality = modalityOf(type);
            decode(modality, MediaDecoding.map(file), "upload"); // read in place, never copied onto the heap
            String id = RandomIds.timed(ID_PREFIX, clock.instant(), random);
            String key = ObjectKeys.upload(id);
            String sha256;
            try (InputStream in = Files.newInputStream(file)) {
                sha256 = store.put(key, in, size, type.contentType()).sha256Hex();
            }
            StoredUpload upload = new StoredUpload(id, owner, modality, type, key, size, sha256, clock.instant());
            store.put(metaKey(id), upload.toJson().encode().getBytes(StandardCharsets.UTF_8), "application/json");
            return upload;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The owner's upload of that id; empty for an unknown id or another key's upload (indistinguishable).
     *
     * @throws Problem 410 {@code /problems/upload-expired} when the upload is past its retention,
     *                 whether or not its objects are deleted yet
     */
    @Override
    public Optional<StoredUpload> find(String owner, String id) {
        if (!ObjectKeys.isValidId(id)) {
            return Optional.empty();
        }
        if (!store.exists(metaKey(id))) {
            // Deleted by the sweep, or never was: the id's own creation time tells which.
            Optional<Instant> created = RandomIds.createdAt(ID_PREFIX, id);
            if (created.isPresent() && expired(created.get())) {
                throw gone(id, created.get());
            }
            return Optional.empty();
        }
        StoredUpload upload = StoredUpload.fromJson(new JsonObject(new String(store.get(metaKey(id)), StandardCharsets.UTF_8)));
        if (!upload.owner().equals(owner)) {
            return Optional.empty();
        }
        if (expired(upload.createdAt())) {
            throw gone(id, upload.createdAt());
        }
        return Optional.of(upload);
    }

    /**
     * Deletes the objects of every upload past its retention and grace, as the store's listing
     * dates them, whose id {@code owns} (each gateway sweeps its share); returns how many objects.
     */
    public int deleteExpired(Predicate<String> owns) {
        int deleted = 0;
        for (String key : store.listModifiedBefore(UPLOADS_PREFIX, clock.instant().minus(retention).minus(grace))) {
            String id = key.substring(UPLOADS_PREFIX.length());
            if (owns.test(id.endsWith(META_SUFFIX) ? id.substring(0, id.length() - META_SUFFIX.length()) : id)) {
                store.delete(key);
                deleted++;
            }
        }
        return deleted;
    }

    private boolean expired(Instant created) {
        return !created.plus(retention).isAfter(clock.instant());
    }

    private Problem gone(String id, Instant created) {
        return new Problem(410, "/problems/upload-expired", "The upload has expired",
                "upload " + id + " was uploaded at " + created + " and expired " + retention.toSeconds()
                        + " s later (" + GatewayConfig.JOB_RETENTION + "); upload the file again with POST /v1/uploads",
                new JsonObject().put("upload", id));
    }

    /** Decodes media once within the limits; the problem names the field, and the limit when one was broken. */
    public void decode(Modality modality, ByteBuffer bytes, String field) {
        try {
            switch (modality) {
                case IMAGE -> MediaDecoding.decodeImage(bytes, limits);
                case AUDIO -> MediaDecoding.decodeAudio(bytes, limits);
                case VIDEO -> MediaDecoding.decodeVideo(bytes, limits, CHECK_SIDE, CHECK_SIDE);
                case TEXT -> throw new IllegalStateException("text is not media");
            }
        } catch (MediaDecodeException e) {
            throw MediaLimitProblems.of(field, e, null, limits);
        }
    }

    static Modality modalityOf(MediaType type) {
        return switch (type) {
            case PNG, JPEG -> Modality.IMAGE;
            case WAV -> Modality.AUDIO;
            case GIF, MP4 -> Modality.VIDEO;
            case TEXT -> throw new IllegalStateException("text is never sniffed");
        };
    }

    private static String metaKey(String id) {
        return ObjectKeys.upload(id + META_SUFFIX);
    }
}
