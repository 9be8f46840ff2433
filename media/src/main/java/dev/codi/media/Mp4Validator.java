package dev.codi.media;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Structural checks jcodec does not make: it allocates arrays of whatever entry count a sample
 * table declares and a buffer of whatever size 'stsz' gives a sample, so one flipped bit can ask
 * for gigabytes. Before jcodec sees a file we check that every box inside 'moov' fits its
 * parent, that each table's entry count fits its box (entry sizes from ISO/IEC 14496-12 §8.6,
 * §8.7), and that the declared sample sizes fit in the file.
 */
final class Mp4Validator {
    /** Bytes per entry after the 8-byte (version, flags, entry_count) prefix. */
    private static final Map<String, Integer> ENTRY_SIZES = Map.of(
            "stts", 8, "ctts", 8, "stsc", 12, "stco", 4, "co64", 8, "stss", 4, "stps", 4);

    private Mp4Validator() {
    }

    static void validate(ByteBuffer mp4) throws MediaDecodeException {
        ByteBuffer buffer = mp4.duplicate().position(0);
        int length = buffer.limit();
        try {
            List<Mp4Boxes.Box> top = Mp4Boxes.children(buffer, 0, length, true);
            int moovIndex = Mp4Boxes.indexOf(top, "moov");
            if (moovIndex < 0) {
                throw new MediaDecodeException("malformed MP4: no 'moov' box (truncated before its index?)");
            }
            Mp4Boxes.Box moov = top.get(moovIndex);
            if (moovIndex == top.size() - 1 && moov.end() == length && declaredSize(buffer, moov) > moov.size()) {
                throw new MediaDecodeException("truncated MP4: the 'moov' box is cut off");
            }
            checkContainer(buffer, moov, length);
            Mp4BoxTree.check(buffer, moov.bodyOffset(), moov.end());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new MediaDecodeException("malformed MP4: " + ImageCodec.describe(e), e);
        }
    }

    private static long declaredSize(ByteBuffer buffer, Mp4Boxes.Box box) {
        long size = Integer.toUnsignedLong(buffer.getInt(box.offset()));
        return size == 1 ? buffer.getLong(box.offset() + 8) : size == 0 ? box.size() : size;
    }

    private static void checkContainer(ByteBuffer buffer, Mp4Boxes.Box container, int fileLength)
            throws MediaDecodeException {
        for (Mp4Boxes.Box box : Mp4Boxes.children(buffer, container.bodyOffset(), container.end(), false)) {
            if (Mp4Boxes.CONTAINERS.contains(box.type())) {
                checkContainer(buffer, box, fileLength);
            } else if (ENTRY_SIZES.containsKey(box.type())) {
                long count = checkEntryCount(buffer, box, 8, ENTRY_SIZES.get(box.type()));
                if (box.type().equals("stsc")) {
                    checkChunkRuns(buffer, box, count);
                }
            } else if (box.type().equals("stsz")) {
                checkSampleSizes(buffer, box, fileLength);
            } else if (box.type().equals("elst")) {
                boolean version1 = box.bodySize() > 0 && buffer.get(box.bodyOffset()) == 1;
                checkEntryCount(buffer, box, 8, version1 ? 20 : 12);
            }
        }
    }

    private static long checkEntryCount(ByteBuffer buffer, Mp4Boxes.Box box, int prefix, int entrySize)
            throws MediaDecodeException {
        if (box.bodySize() < prefix) {
            throw new MediaDecodeException("malformed MP4: '" + box.type() + "' box is too short");
        }
        long count = Integer.toUnsignedLong(buffer.getInt(box.bodyOffset() + prefix - 4));
        if (count * entrySize > box.bodySize() - prefix) {
            throw new MediaDecodeException("malformed MP4: '" + box.type() + "' declares " + count
                    + " entries but holds room for " + (box.bodySize() - prefix) / entrySize);
        }
        return count;
    }

    /**
     * stsc (§8.7.4): first_chunk starts at 1 and grows, samples_per_chunk is at least 1. jcodec
     * walks a chunk of 0 samples forever.
     */
    private static void checkChunkRuns(ByteBuffer buffer, Mp4Boxes.Box box, long count) throws MediaDecodeException {
        long previousFirst = 0;
        for (int i = 0; i < count; i++) {
            int entry = box.bodyOffset() + 8 + 12 * i;
            long first = Integer.toUnsignedLong(buffer.getInt(entry));
            long samples = Integer.toUnsignedLong(buffer.getInt(entry + 4));
            if (first <= previousFirst || samples == 0) {
                throw new MediaDecodeException("malformed MP4: 'stsc' entry " + i + " has first chunk " + first
                        + " after " + previousFirst + " and " + samples + " samples per chunk");
            }
            previousFirst = first;
        }
    }

    /** stsz: version/flags, sample_size (the same for all when non-zero), sample_count, sizes. */
    private static void checkSampleSizes(ByteBuffer buffer, Mp4Boxes.Box box, int fileLength)
            throws MediaDecodeException {
        if (box.bodySize() < 12) {
            throw new MediaDecodeException("malformed MP4: 'stsz' box is too short");
        }
        long commonSize = Integer.toUnsignedLong(buffer.getInt(box.bodyOffset() + 4));
        long count = Integer.toUnsignedLong(buffer.getInt(box.bodyOffset() + 8));
        long total;
        if (commonSize != 0) {
            total = commonSize * count;
        } else {
            checkEntryCount(buffer, box, 12, 4);
            total = 0;
            for (int i = 0; i < count; i++) {
                total += Integer.toUnsignedLong(buffer.getInt(box.bodyOffset() + 12 + 4 * i));
            }
        }
        if (total > fileLength) {
            throw new MediaDecodeException("malformed MP4: samples declare " + total + " bytes in a "
                    + fileLength + "-byte file");
        }
    }
}
