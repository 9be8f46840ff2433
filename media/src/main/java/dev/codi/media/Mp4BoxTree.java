package dev.codi.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Walks the box tree under 'moov' the way jcodec 0.2.5 parses it, and refuses the shapes its
 * parser never leaves. jcodec reads a child header and takes "size minus header" bytes as its
 * body; a size below the header's own length (2 to 7, or a 64-bit size under 16) makes that a
 * negative count, which moves its read position backwards: the same header is read again and
 * again while the list of children grows until the heap is gone. The same holds for the items of
 * an 'ilst' (a size under 8). ISO/IEC 14496-12 §4.2 forbids such sizes, so no valid file is refused.
 *
 * <p>Which boxes hold children, and where their children start, follows jcodec's box factories:
 * plain containers at once, 'stsd'/'dref'/'keys' after a version, flags and count, and the
 * sample entries after their fixed fields (ISO/IEC 14496-12 §8.5.2, QuickTime for audio v1/v2).
 */
final class Mp4BoxTree {
    private static final Set<String> CONTAINERS = Set.of("moov", "trak", "edts", "mdia", "minf", "dinf", "stbl", "mvex",
            "moof", "traf", "mfra", "skip", "ipro", "sinf", "clip", "tapt", "gmhd", "tref", "udta", "meta", "wave");
    private static final Set<String> COUNTED_CONTAINERS = Set.of("stsd", "dref", "keys");
    private static final Set<String> VIDEO_ENTRIES = Set.of("ap4h", "apch", "apcn", "apcs", "apco", "avc1", "cvid", "jpeg",
            "smc ", "rle ", "rpza", "kpcd", "png ", "mjpa", "mjpb", "SVQ1", "SVQ3", "mp4v", "dvc ", "dvcp", "gif ", "h263",
            "tiff", "raw ", "2vuY", "yuv2", "v308", "v408", "v216", "v410", "v210", "m2v1", "m1v1", "xd5b", "dv5n",
            "jp2h", "mjp2");
    private static final Set<String> AUDIO_ENTRIES = Set.of("ac-3", "cac3", "ima4", "aac ", "celp", "hvxc", "twvq",
            ".mp1", ".mp2", "midi", "apvs", "alac", "aach", "aacl", "aace", "aacf", "aacp", "aacs", "samr", "AUDB", "ilbc",
            "aes3", "NONE", "twos", "sowt", "MAC3", "MAC6", "fl32", "fl64", "in24", "in32", "ulaw", "alaw", "dvca",
            "QDMC", "QDM2", "Qclp", ".mp3", "mp4a", "lpcm");
    /** Where the children of a sample entry start, after its fixed fields. */
    private static final Map<String, Integer> OTHER_ENTRIES = Map.of("tmcd", 26, "time", 26, "c608", 8, "c708", 8,
            "text", 8, "fdsc", 8);
    private static final int VIDEO_ENTRY_FIELDS = 78;
    private static final int AUDIO_ENTRY_FIELDS = 28;
    private static final int MAX_DEPTH = 32;

    private Mp4BoxTree() {
    }

    /** @param bodyStart the first byte of moov's body; {@code end} one past its last */
    static void check(ByteBuffer buffer, int bodyStart, int end) throws MediaDecodeException {
        children(buffer, bodyStart, end, 0);
    }

    /** jcodec's NodeBox.parse: zero words are skipped, then header, then a body of size minus header. */
    private static void children(ByteBuffer buffer, int start, int end, int depth) throws MediaDecodeException {
        if (depth > MAX_DEPTH) {
            throw new MediaDecodeException("malformed MP4: boxes nested more than " + MAX_DEPTH + " deep");
        }
        int position = start;
        while (end - position >= 8) {
            while (end - position >= 4 && buffer.getInt(position) == 0) {
                position += 4;
            }
            if (end - position < 8) {
                return;
            }
            long size = Integer.toUnsignedLong(buffer.getInt(position));
            String type = fourcc(buffer, position + 4);
            int header = 8;
            if (size == 1) {
                if (end - position < 16) {
                    throw cutOff(type);
                }
                size = buffer.getLong(position + 8);
                header = 16;
            }
            if (size < header) {
                throw new MediaDecodeException("malformed MP4: box '" + printable(type) + "' declares " + size
                        + " bytes, less than its own " + header + "-byte header");
            }
            long body = size - header;
            if (body > end - position - header) {
                position += header; // jcodec skips the header and reads on inside the too-long body
                continue;
            }
            int bodyStart = position + header;
            int bodyEnd = (int) (bodyStart + body);
            inner(buffer, type, bodyStart, bodyEnd, depth + 1);
            position = bodyEnd;
        }
    }

    private static void inner(ByteBuffer buffer, String type, int start, int end, int depth) throws MediaDecodeException {
        if (CONTAINERS.contains(type)) {
            children(buffer, start, end, depth);
        } else if (COUNTED_CONTAINERS.contains(type)) {
            children(buffer, Math.min(end, start + 8), end, depth);
        } else if (VIDEO_ENTRIES.contains(type)) {
            children(buffer, Math.min(end, start + VIDEO_ENTRY_FIELDS), end, depth);
        } else if (AUDIO_ENTRIES.contains(type)) {
            int version = end - start >= 10 ? buffer.getShort(start + 8) : 0;
            int fields = AUDIO_ENTRY_FIELDS + (version == 1 ? 16 : version == 2 ? 36 : 0);
            children(buffer, Math.min(end, start + fields), end, depth);
        } else if (OTHER_ENTRIES.containsKey(type)) {
            children(buffer, Math.min(end, start + OTHER_ENTRIES.get(type)), end, depth);
        } else if (type.equals("ilst")) {
            items(buffer, start, end, depth);
        }
    }

    /**
     * jcodec's IListBox: items of (32-bit size, 32-bit index, boxes). Inside an item it reads
     * headers while any byte is left, and a header read with fewer than 4 bytes left consumes
     * nothing: the boxes of an item must leave 0 or at least 4 bytes at every step.
     */
    private static void items(ByteBuffer buffer, int start, int end, int depth) throws MediaDecodeException {
        int position = start;
        while (end - position >= 4) {
            long size = Integer.toUnsignedLong(buffer.getInt(position));
            if (size < 8) {
                throw new MediaDecodeException("malformed MP4: an 'ilst' item declares " + size + " bytes, less than 8");
            }
            if (size > end - position) {
                throw cutOff("ilst");
            }
            int itemEnd = (int) (position + size);
            int at = position + 8;
            while (at < itemEnd) {
                if (itemEnd - at < 4) {
                    throw new MediaDecodeException("malformed MP4: an 'ilst' item ends in " + (itemEnd - at)
                            + " stray bytes");
                }
                long childSize = Integer.toUnsignedLong(buffer.getInt(at));
                if (childSize == 1) {
                    throw new MediaDecodeException("malformed MP4: an 'ilst' item holds a box with a 64-bit size");
                }
                if (childSize < 8 || itemEnd - at < 8) {
                    at += 4; // jcodec skips a broken size and reads on
                    continue;
                }
                at += childSize <= itemEnd - at ? (int) childSize : 8;
            }
            position = itemEnd;
        }
    }

    private static MediaDecodeException cutOff(String type) {
        return new MediaDecodeException("malformed MP4: box '" + printable(type) + "' is cut off");
    }

    private static String fourcc(ByteBuffer buffer, int offset) {
        byte[] bytes = new byte[4];
        buffer.get(offset, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? type : "?";
    }
}
