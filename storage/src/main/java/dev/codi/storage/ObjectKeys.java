package dev.codi.storage;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one place where object key layouts live:
 *
 * <pre>
 * jobs/{jobId}/inputs/{modality}{.ext}     inputs a job was submitted with
 * jobs/{jobId}/latents/{modality}.bin      latents between diffusion and decoding (claim check)
 * jobs/{jobId}/artifacts/{filename}        generated outputs served to clients
 * uploads/{uploadId}                       large inputs uploaded before the job
 * models/{name}/{version}/{file}           model bundles
 * </pre>
 *
 * Every variable part is validated so that a key can never leave its prefix: ids are
 * {@code [A-Za-z0-9_-]{1,64}}, and file names and versions cannot be {@code .} or {@code ..}.
 */
public final class ObjectKeys {

    /** Longest id; a UUID (36) or ULID (26) fits with room to spare. */
    public static final int MAX_ID_LENGTH = 64;

    /** S3's limit on a key: 1024 bytes of UTF-8. */
    static final int MAX_KEY_BYTES = 1024;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_ID_LENGTH + "}");
    private static final Pattern EXTENSION = Pattern.compile("[A-Za-z0-9]{1,16}");
    /** One path segment that is not "." or "..": it starts with a letter, digit, '_' or '-'. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");

    private static final String JOBS = "jobs/";
    private static final String UPLOADS = "uploads/";
    private static final String MODELS = "models/";

    private ObjectKeys() {}

    /** {@code jobs/{jobId}/inputs/{modality}.{extension}}; an empty extension gives no suffix. */
    public static String input(String jobId, String modality, String extension) {
        Objects.requireNonNull(extension, "extension");
        String suffix = "";
        if (!extension.isEmpty()) {
            if (!EXTENSION.matcher(extension).matches()) {
                throw new IllegalArgumentException("extension must be 1-16 letters or digits without the dot, got '"
                        + extension + "'");
            }
            suffix = "." + extension;
        }
        return jobPrefix(jobId) + "inputs/" + requireId("modality", modality) + suffix;
    }

    /** {@code jobs/{jobId}/latents/{modality}.bin}. */
    public static String latents(String jobId, String modality) {
        return jobPrefix(jobId) + "latents/" + requireId("modality", modality) + ".bin";
    }

    /** {@code jobs/{jobId}/artifacts/{filename}}, e.g. {@code image.png}. */
    public static String artifact(String jobId, String filename) {
        return jobPrefix(jobId) + "artifacts/" + requireFileName("filename", filename);
    }

    /** {@code jobs/{jobId}/job.json}: the finished job's last snapshot, read back once it left the gateways' memory. */
    public static String jobState(String jobId) {
        return jobPrefix(jobId) + "job.json";
    }

    /** {@code jobs/{jobId}/}: everything stored for one job. */
    public static String jobPrefix(String jobId) {
        return JOBS + requireId("jobId", jobId) + "/";
    }

    /** {@code uploads/{uploadId}}. */
    public static String upload(String uploadId) {
        return UPLOADS + requireId("uploadId", uploadId);
    }

    /**
     * {@code models/{name}/{version}/{file}}. The file may sit in sub-folders of the bundle
     * ({@code image/vae.params}); each segment is checked like a file name.
     */
    public static String modelFile(String name, String version, String file) {
        Objects.requireNonNull(file, "file");
        for (String segment : file.split("/", -1)) {
            requireFileName("model file path segment", segment);
        }
        return modelPrefix(name, version) + file;
    }

    /** {@code models/{name}/{version}/}: every file of one bundle. */
    public static String modelPrefix(String name, String version) {
        // Versions are often dotted (1.0.2), so they follow file-name rules rather than id rules.
        return MODELS + requireId("model name", name) + "/" + requireFileName("model version", version) + "/";
    }

    /** True when {@code value} is a valid job, upload or modality id. */
    public static boolean isValidId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** Returns {@code value} if it is a valid id, else throws naming {@code what}. */
    public static String requireId(String what, String value) {
        if (!isValidId(value)) {
            throw new IllegalArgumentException(what + " must be 1-" + MAX_ID_LENGTH
                    + " characters from [A-Za-z0-9_-], got '" + value + "'");
        }
        return value;
    }

    /**
     * Checks any key handed to the store, whatever built it: not blank, no leading slash, no
     * empty, "." or ".." segment, at most 1024 bytes of UTF-8. Such keys would be rewritten by
     * path normalisation in some servers and URL clients, landing outside their prefix.
     */
    public static String requireSafeKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("object key must be 1-" + MAX_KEY_BYTES + " bytes, got '" + key + "'");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(
                        "object key must not start with '/' nor contain empty, '.' or '..' segments, got '" + key + "'");
            }
        }
        return key;
    }

    private static String requireFileName(String what, String value) {
        if (value == null || !FILE_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1-128 characters from [A-Za-z0-9_.-], "
                    + "not starting with '.', got '" + value + "'");
        }
        return value;
    }
}
