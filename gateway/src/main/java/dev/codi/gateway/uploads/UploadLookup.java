package dev.codi.gateway.uploads;

import java.util.Optional;

/** Finds a key's upload by id: what job parsing needs of {@link Uploads} (a seam so tests need no store). */
@FunctionalInterface
public interface UploadLookup {
    /**
     * The owner's upload of that id; empty for an unknown or malformed id or another key's upload.
     *
     * @throws dev.codi.gateway.http.Problem 410 when the upload expired
     */
    Optional<StoredUpload> find(String owner, String id);
}
