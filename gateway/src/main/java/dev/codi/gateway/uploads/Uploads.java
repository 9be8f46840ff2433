package dev.codi.gateway.uploads;

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
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Uploaded inputs: a file already spooled to disk (never whole in memory) is sniffed by its
 * magic bytes (never by name or Content-Type), decoded once within the media limits, and stored
 * at {@code uploads/{id}} with its description at {@code uploads/{id}-meta}. Blocking throughout:
 * call off the event loop.
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

    private final ObjectStore store;
    private final MediaLimits limits;
    private final Clock clock;
    private final RandomGenerator random;

    public Uploads(ObjectStore store, MediaLimits limits, Clock clock, RandomGenerator random) {
        this.store = store;
        this.limits = limits;
        this.clock = clock;
        this.random = random;
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
            String id = newId();
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

    /** The owner's upload of that id; empty for an unknown id or another key's upload (indistinguishable). */
    @Override
    public Optional<StoredUpload> find(String owner, String id) {
        if (!ObjectKeys.isValidId(id) || !store.exists(metaKey(id))) {
            return Optional.empty();
        }
        StoredUpload upload = StoredUpload.fromJson(new JsonObject(new String(store.get(metaKey(id)), StandardCharsets.UTF_8)));
        return upload.owner().equals(owner) ? Optional.of(upload) : Optional.empty();
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

    private String newId() {
        return RandomIds.next("upl_", random);
    }

    private static String metaKey(String id) {
        return ObjectKeys.upload(id + "-meta");
    }
}
