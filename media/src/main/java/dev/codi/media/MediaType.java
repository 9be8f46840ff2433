package dev.codi.media;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The artifact formats codi reads and writes, recognised by magic bytes, never by file name. */
public enum MediaType {
    PNG("image/png", ".png"),
    JPEG("image/jpeg", ".jpg"),
    GIF("image/gif", ".gif"),
    MP4("video/mp4", ".mp4"),
    WAV("audio/wav", ".wav"),
    // Written exactly so: with "; charset=utf-8" the MinIO client and S3Proxy disagree on the
    // signed Content-Type header and the upload fails with SignatureDoesNotMatch.
    TEXT("text/plain;charset=UTF-8", ".txt");

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final String contentType;
    private final String extension;

    MediaType(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    public String contentType() {
        return contentType;
    }

    /** File name extension including the dot, e.g. {@code ".png"}. */
    public String extension() {
        return extension;
    }

    /**
     * The binary format whose signature starts {@code head}; TEXT has no signature and is never sniffed.
     * Signatures: PNG spec §5.2 (8-byte signature), JPEG SOI marker FF D8 followed by a marker FF,
     * GIF89a spec §17 ("GIF87a"/"GIF89a"), RIFF/WAVE (RIFF at 0, WAVE at 8), ISO/IEC 14496-12
     * (an MP4 file starts with its 'ftyp' box: 4-byte size, then "ftyp").
     */
    public static Optional<MediaType> sniff(byte[] head) {
        if (head == null) {
            return Optional.empty();
        }
        if (startsWith(head, 0, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (startsWith(head, 0, ascii("GIF87a")) || startsWith(head, 0, ascii("GIF89a"))) {
            return Optional.of(GIF);
        }
        if (startsWith(head, 0, ascii("RIFF")) && startsWith(head, 8, ascii("WAVE"))) {
            return Optional.of(WAV);
        }
        if (startsWith(head, 4, ascii("ftyp"))) {
            return Optional.of(MP4);
        }
        return Optional.empty();
    }

    /** The first bytes of {@code buffer}, enough to sniff and describe it. */
    static byte[] head(java.nio.ByteBuffer buffer) {
        byte[] head = new byte[Math.min(16, buffer.limit())];
        buffer.get(0, head);
        return head;
    }

    /** "0x47 0x49 0x46 0x38 ..." — the first bytes of an input, for error messages. */
    static String describeHead(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return "no bytes at all (empty input)";
        }
        StringBuilder text = new StringBuilder("bytes starting");
        int shown = Math.min(8, bytes.length);
        for (int i = 0; i < shown; i++) {
            text.append(String.format(" 0x%02X", bytes[i] & 0xFF));
        }
        if (bytes.length > shown) {
            text.append(" ...");
        }
        return text.toString();
    }

    private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
        if (data.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
