package dev.codi.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A stream read to its end before upload, so that its size and SHA-256 are known up front (the
 * hash goes into the object's metadata, which S3 takes with the first request) and so that an
 * over-limit stream is refused before anything reaches the store. Small content stays in
 * memory; past {@link #MEMORY_LIMIT_BYTES} it moves to a temporary file.
 */
final class SpooledContent implements AutoCloseable {

    /**
     * S3's minimum multipart part size (5 MiB). Anything smaller goes up in a single PUT from
     * memory; anything larger is uploaded from disk in parts.
     */
    static final int MEMORY_LIMIT_BYTES = 5 * 1024 * 1024;

    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final byte[] memory;
    private final Path file;
    private final long size;
    private final String sha256Hex;

    private SpooledContent(byte[] memory, Path file, long size, String sha256Hex) {
        this.memory = memory;
        this.file = file;
        this.size = size;
        this.sha256Hex = sha256Hex;
    }

    /**
     * Reads {@code in} to its end (without closing it).
     *
     * @throws ObjectTooLargeException once more than {@code maxBytes} have been read
     */
    static SpooledContent read(String key, InputStream in, long maxBytes) throws IOException {
        MessageDigest sha256 = newSha256();
        ByteArrayOutputStream memory = new ByteArrayOutputStream();
        Path file = null;
        OutputStream fileOut = null;
        long size = 0;
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                size += n;
                if (size > maxBytes) {
                    throw new ObjectTooLargeException(key, maxBytes);
                }
                sha256.update(buffer, 0, n);
                if (fileOut == null && memory.size() + n > MEMORY_LIMIT_BYTES) {
                    file = Files.createTempFile("codi-upload-", ".part");
                    fileOut = Files.newOutputStream(file);
                    memory.writeTo(fileOut);
                    memory = null;
                }
                (fileOut != null ? fileOut : memory).write(buffer, 0, n);
            }
            if (fileOut != null) {
                fileOut.close();
            }
        } catch (IOException | RuntimeException e) {
            closeAndDelete(fileOut, file, e);
            throw e;
        }
        String hex = HexFormat.of().formatHex(sha256.digest());
        return file != null ? new SpooledContent(null, file, size, hex) : new SpooledContent(memory.toByteArray(), null, size, hex);
    }

    long size() {
        return size;
    }

    String sha256Hex() {
        return sha256Hex;
    }

    InputStream open() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory);
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE implementation must provide SHA-256 (MessageDigest javadoc).
            throw new IllegalStateException(e);
        }
    }

    private static void closeAndDelete(OutputStream out, Path file, Exception failure) {
        try {
            if (out != null) {
                out.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
