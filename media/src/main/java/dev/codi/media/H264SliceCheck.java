package dev.codi.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.PictureParameterSet;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.common.model.Packet;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

/**
 * Checks the parts of H.264 parameter sets and slice headers (ITU-T H.264 §7.3.2.2, §7.3.3,
 * §7.4.3) that jcodec 0.2.5 trusts: its slice parser reads ref_pic_list_modification entries
 * until it meets modification_of_pic_nums_idc 3, past the end of the slice if need be, where the
 * bits read as zeros and the loop never ends while its lists grow; and it allocates prediction
 * weight tables of whatever num_ref_idx_active_minus1 says. A slice whose modification list does
 * not end within its NAL unit, holds more entries than the 32 reference indices allow or an idc
 * above 5, or a reference count above 32, is refused before jcodec sees the file.
 *
 * <p>The header fields before the list are read in the order jcodec reads them (it tests the
 * SPS's field_pic_flag where the standard tests the slice's), so a slice passes here exactly
 * when jcodec's loop ends.
 */
final class H264SliceCheck {
    /** num_ref_idx_lX_active_minus1 is within [0, 31] (§7.4.2.2, §7.4.3). */
    private static final int MAX_REFERENCE_INDEX = 31;
    private static final int SLICE_NON_IDR = 1;
    private static final int SLICE_IDR = 5;
    private static final int SPS = 7;
    private static final int PPS = 8;
    private static final int P = 0;
    private static final int B = 1;
    private static final int I = 2;
    private static final int SP = 3;
    private static final int SI = 4;

    private final Map<Integer, SeqParameterSet> sequences = new HashMap<>();
    private final Map<Integer, PictureParameterSet> pictures = new HashMap<>();

    private H264SliceCheck() {
    }

    /** Walks every sample of the first video track; throws on the first slice jcodec could not survive. */
    static void check(ByteBuffer mp4, DecodeDeadline deadline) throws MediaDecodeException {
        H264SliceCheck check = new H264SliceCheck();
        try {
            DemuxerTrack track = MP4Demuxer.createMP4Demuxer(
                    new ByteBufferSeekableByteChannel(mp4.duplicate().position(0), mp4.limit())).getVideoTrack();
            if (track == null) {
                return; // jcodec's own open reports the missing track
            }
            ByteBuffer codecPrivate = track.getMeta().getCodecPrivate();
            if (codecPrivate != null) {
                check.units(codecPrivate.duplicate());
            }
            for (Packet packet = track.nextFrame(); packet != null; packet = track.nextFrame()) {
                check.units(packet.getData().duplicate());
                deadline.check();
            }
        } catch (IOException | RuntimeException e) {
            throw new MediaDecodeException("malformed or unsupported MP4: " + ImageCodec.describe(e), e);
        }
    }

    /** Annex B NAL units, as jcodec's demuxer hands them to its decoder. */
    private void units(ByteBuffer data) throws MediaDecodeException {
        for (ByteBuffer unit = H264Utils.nextNALUnit(data); unit != null; unit = H264Utils.nextNALUnit(data)) {
            if (!unit.hasRemaining()) {
                continue;
            }
            int header = unit.get(unit.position()) & 0xFF;
            int type = header & 0x1F;
            ByteBuffer payload = unit.duplicate().position(unit.position() + 1);
            switch (type) {
                case SPS -> {
                    SeqParameterSet sps = SeqParameterSet.read(rbspCopy(payload));
                    sequences.put(sps.seqParameterSetId, sps);
                }
                case PPS -> {
                    PictureParameterSet pps = PictureParameterSet.read(rbspCopy(payload));
                    for (int count : pps.numRefIdxActiveMinus1) {
                        checkReferenceCount("the picture parameter set", count);
                    }
                    pictures.put(pps.picParameterSetId, pps);
                }
                case SLICE_NON_IDR, SLICE_IDR -> slice(new RbspReader(rbspCopy(payload)), type == SLICE_IDR);
                default -> { }
            }
        }
    }

    private void slice(RbspReader in, boolean idr) throws MediaDecodeException {
        in.ue(); // first_mb_in_slice
        int sliceType = (int) (in.ue() % 5);
        long ppsId = in.ue();
        PictureParameterSet pps = ppsId > 255 ? null : pictures.get((int) ppsId);
        SeqParameterSet sps = pps == null ? null : sequences.get(pps.seqParameterSetId);
        if (pps == null || sps == null) {
            return; // jcodec refuses a slice without its parameter sets on its own
        }
        in.bits(sps.log2MaxFrameNumMinus4 + 4); // frame_num
        if (!sps.frameMbsOnlyFlag && in.bits(1) == 1) { // field_pic_flag
            in.bits(1); // bottom_field_flag
        }
        if (idr) {
            in.ue(); // idr_pic_id
        }
        if (sps.picOrderCntType == 0) {
            in.bits(sps.log2MaxPicOrderCntLsbMinus4 + 4); // pic_order_cnt_lsb
            if (pps.picOrderPresentFlag && !sps.fieldPicFlag) {
                in.ue(); // delta_pic_order_cnt_bottom (se: same length)
            }
        }
        if (sps.picOrderCntType == 1 && !sps.deltaPicOrderAlwaysZeroFlag) {
            in.ue(); // delta_pic_order_cnt[0]
            if (pps.picOrderPresentFlag && !sps.fieldPicFlag) {
                in.ue(); // delta_pic_order_cnt[1]
            }
        }
        if (pps.redundantPicCntPresentFlag) {
            in.ue(); // redundant_pic_cnt
        }
        if (sliceType == B) {
            in.bits(1); // direct_spatial_mv_pred_flag
        }
        if ((sliceType == P || sliceType == SP || sliceType == B) && in.bits(1) == 1) { // num_ref_idx_active_override_flag
            checkReferenceCount("a slice header", in.ue());
            if (sliceType == B) {
                checkReferenceCount("a slice header", in.ue());
            }
        }
        if (sliceType != I && sliceType != SI && in.bits(1) == 1) {
            modifications(in);
        }
        if (sliceType == B && in.bits(1) == 1) {
            modifications(in);
        }
    }

    /** ref_pic_list_modification (§7.3.3.1): entries until idc 3, within the unit and the 32 indices. */
    private static void modifications(RbspReader in) throws MediaDecodeException {
        for (int entries = 0; ; entries++) {
            long idc = in.ue();
            if (in.pastEnd()) {
                throw new MediaDecodeException("malformed H.264: a slice's reference list modification runs past"
                        + " the end of its NAL unit");
            }
            if (idc == 3) {
                return;
            }
            if (idc > 5 || entries > MAX_REFERENCE_INDEX + 1) {
                throw new MediaDecodeException("malformed H.264: a slice's reference list modification has "
                        + (idc > 5 ? "modification_of_pic_nums_idc " + idc + " (0 to 5 allowed)"
                        : "more than " + (MAX_REFERENCE_INDEX + 1) + " entries"));
            }
            in.ue(); // abs_diff_pic_num_minus1 or long_term_pic_num
        }
    }

    private static void checkReferenceCount(String where, long minusOne) throws MediaDecodeException {
        if (minusOne > MAX_REFERENCE_INDEX || minusOne < 0) {
            throw new MediaDecodeException("malformed H.264: " + where + " declares " + (minusOne + 1)
                    + " reference pictures, more than the " + (MAX_REFERENCE_INDEX + 1) + " the standard allows");
        }
    }

    /** The raw byte sequence payload: emulation_prevention_three_byte removed (§7.4.1), in a copy. */
    private static ByteBuffer rbspCopy(ByteBuffer escaped) {
        byte[] out = new byte[escaped.remaining()];
        int length = 0;
        int zeros = 0;
        for (int i = escaped.position(); i < escaped.limit(); i++) {
            int b = escaped.get(i) & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[length++] = (byte) b;
        }
        return ByteBuffer.wrap(out, 0, length);
    }

    /** u(n) and ue(v) over an RBSP (§7.2, §9.1); reading past the end yields zeros, like jcodec's reader. */
    private static final class RbspReader {
        private final ByteBuffer bytes;
        private long bit;

        RbspReader(ByteBuffer bytes) {
            this.bytes = bytes;
        }

        int bits(int count) {
            int value = 0;
            for (int i = 0; i < count; i++) {
                value = value << 1 | bit();
            }
            return value;
        }

        /** Exp-Golomb; at most 32 leading zeros, as an unsigned value. */
        long ue() {
            int zeros = 0;
            while (bit() == 0 && zeros < 32) {
                zeros++;
            }
            long suffix = 0;
            for (int i = 0; i < zeros; i++) {
                suffix = suffix << 1 | bit();
            }
            return (1L << zeros) - 1 + suffix;
        }

        boolean pastEnd() {
            return bit > (long) (bytes.limit() - bytes.position()) * 8;
        }

        private int bit() {
            long byteIndex = bit >> 3;
            int value = byteIndex < bytes.limit() - bytes.position()
                    ? (bytes.get(bytes.position() + (int) byteIndex) >> (7 - (int) (bit & 7))) & 1 : 0;
            bit++;
            return value;
        }
    }
}
